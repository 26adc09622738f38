"""DynamoDB requests of a settlement on every path, counted with the request meter.

Budget (issue #13): one read batch and one transaction on every path, a replay one
read, a reversal one read and one transaction. Each test pins the path's figure as it
stands, so that a change that adds a request fails here (bench/paths.py prints the
same figures with their verdicts).
"""

from __future__ import annotations

import uuid

from chalicelib.config import settings
from chalicelib.services.auth import person_id_for
from local.metering import dynamodb_requests
from tests.api.test_family import linked

SETTLE = "/v1/settlements"


def pid(p):
    return person_id_for(p.id_number, settings().pepper)


def body(hospital, **who):
    return {
        "hospital_id": hospital["id"],
        "visit_id": uuid.uuid4().hex,
        "visit": {"kind": "outpatient", "hospital_level": 1, "location": "in_county"},
        "items": [{"code": "X", "catalogue": "C", "amount": "300"}],
        **who,
    }


def counted(api, path, sent, token):
    with dynamodb_requests() as meter:
        reply = api.post(path, sent, token=token)
    assert reply.status == 200, reply.text
    return reply.body, dict(meter)


def test_by_person_id_one_query_and_one_transaction(stack, api, hospital):
    p = stack.fresh_person(scheme="resident")
    _, meter = counted(api, SETTLE, body(hospital, person_id=pid(p)), hospital["token"])
    assert meter == {"Query": 1, "TransactWriteItems": 1}


def test_by_card_number(stack, api, hospital):
    p = stack.fresh_person(scheme="resident")
    _, meter = counted(api, SETTLE, body(hospital, card_number=p.card_number), hospital["token"])
    assert meter == {"GetItem": 1, "Query": 1, "TransactWriteItems": 1}


def test_with_family_aid(stack, api, hospital, login):
    _payer, relative, *_ = linked(stack, api, login)
    sent = body(hospital, person_id=pid(relative), use_family_account=True)
    answer, meter = counted(api, SETTLE, sent, hospital["token"])
    assert answer["family_aid"]["amount"] != "0.00", answer["family_aid"]
    assert meter == {"Query": 2, "TransactWriteItems": 1}


def test_a_replay(stack, api, hospital):
    p = stack.fresh_person(scheme="resident")
    sent = body(hospital, person_id=pid(p))
    first, _ = counted(api, SETTLE, sent, hospital["token"])
    again, meter = counted(api, SETTLE, sent, hospital["token"])
    assert again == first
    assert meter == {"Query": 1, "TransactWriteItems": 1, "GetItem": 2}


def test_an_estimate_one_query(stack, api, login):
    p = stack.fresh_person(scheme="resident")
    token = login(p)
    sent = {k: v for k, v in body({"id": "-"}).items() if k in ("visit", "items")}
    _, meter = counted(api, "/v1/me/estimates", sent, token)
    assert meter == {"Query": 1}


def test_a_reversal(stack, api, hospital):
    p = stack.fresh_person(scheme="resident")
    settled, _ = counted(api, SETTLE, body(hospital, person_id=pid(p)), hospital["token"])
    path = f"{SETTLE}/{settled['settlement_id']}/reversal"
    reversed_, meter = counted(api, path, None, hospital["token"])
    assert reversed_["status"] == "reversed"
    assert meter == {"GetItem": 2, "Query": 1, "TransactWriteItems": 1}
