"""DynamoDB requests of a settlement on every path, counted with the request meter.

Budget (issue #13): one read batch and one transaction on every path, a replay one
read, a reversal one read and one transaction. Each test pins the path's figure as it
stands, so that a change that adds a request fails here (bench/paths.py prints the
same figures with their verdicts). A hospital's settlement reads its inputs and the
visit's key in one BatchGetItem: a replay, or another bill on a settled visit, is
answered from that read alone.
"""

from __future__ import annotations

import uuid

from chalicelib.config import settings
from chalicelib.services.auth import person_id_for
from local.metering import dynamodb_requests
from tests.api.test_family import linked
from tests.conftest import hospital_client

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


def counted(api, path, sent, token, status=200):
    with dynamodb_requests() as meter:
        reply = api.post(path, sent, token=token)
    assert reply.status == status, reply.text
    return reply.body, dict(meter)


def test_by_person_id_one_read_batch_and_one_transaction(stack, api, hospital):
    p = stack.fresh_person(scheme="resident")
    _, meter = counted(api, SETTLE, body(hospital, person_id=pid(p)), hospital["token"])
    assert meter == {"BatchGetItem": 1, "TransactWriteItems": 1}


def test_by_card_number(stack, api, hospital):
    """The card's index names the person first (a dependent read: see docs)."""
    p = stack.fresh_person(scheme="resident")
    _, meter = counted(api, SETTLE, body(hospital, card_number=p.card_number), hospital["token"])
    assert meter == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}


def test_with_family_aid(stack, api, hospital, login):
    _payer, relative, *_ = linked(stack, api, login)
    sent = body(hospital, person_id=pid(relative), use_family_account=True)
    answer, meter = counted(api, SETTLE, sent, hospital["token"])
    assert answer["family_aid"]["amount"] != "0.00", answer["family_aid"]
    # the relative's one-payer guard, read with the inputs, names the link and the payer:
    # both link copies and the payer's profile and account are a second BatchGetItem
    assert meter == {"BatchGetItem": 2, "TransactWriteItems": 1}


def test_with_family_aid_and_no_active_link(stack, api, hospital):
    """No guard: no active link, so nothing more is read and the settlement says why."""
    p = stack.fresh_person(scheme="resident")
    sent = body(hospital, person_id=pid(p), use_family_account=True)
    answer, meter = counted(api, SETTLE, sent, hospital["token"])
    assert answer["family_aid"]["code"] == "no_family_link", answer["family_aid"]
    assert meter == {"BatchGetItem": 1, "TransactWriteItems": 1}


def test_a_replay_is_one_read_and_writes_nothing(stack, api, hospital):
    p = stack.fresh_person(scheme="resident")
    sent = body(hospital, person_id=pid(p))
    first, _ = counted(api, SETTLE, sent, hospital["token"])
    again, meter = counted(api, SETTLE, sent, hospital["token"])
    assert again == first
    # the visit's key, read with the inputs, carries the answer
    assert meter == {"BatchGetItem": 1}
    by_card = body(hospital, card_number=p.card_number)
    first, _ = counted(api, SETTLE, by_card, hospital["token"])
    again, meter = counted(api, SETTLE, by_card, hospital["token"])
    assert again == first and meter == {"GetItem": 1, "BatchGetItem": 1}


def test_a_replay_with_family_aid_is_one_read(stack, api, hospital, login):
    """The visit stands settled: the payer's side is not read."""
    _payer, relative, *_ = linked(stack, api, login)
    sent = body(hospital, person_id=pid(relative), use_family_account=True)
    first, _ = counted(api, SETTLE, sent, hospital["token"])
    again, meter = counted(api, SETTLE, sent, hospital["token"])
    assert again == first and first["family_aid"]["amount"] != "0.00"
    assert meter == {"BatchGetItem": 1}


def test_another_bill_on_a_settled_visit_is_refused_from_the_one_read(stack, api, hospital):
    p = stack.fresh_person(scheme="resident")
    sent = body(hospital, person_id=pid(p))
    counted(api, SETTLE, sent, hospital["token"])
    other = {**sent, "items": [{"code": "Y", "catalogue": "C", "amount": "120"}]}
    refused, meter = counted(api, SETTLE, other, hospital["token"], status=409)
    assert refused["code"] == "visit_reused" and meter == {"BatchGetItem": 1}


def test_a_reversed_visit_settles_again_and_each_bill_keeps_its_answer(stack, api, hospital):
    """冲正后重新结算: the corrected bill settles on the same visit id in one read and one
    transaction; a late retry of the first bill still gets its own (now reversed) answer,
    and of the second its own from the one read."""
    p = stack.fresh_person(scheme="resident")
    sent = body(hospital, person_id=pid(p))
    first, _ = counted(api, SETTLE, sent, hospital["token"])
    path = f"{SETTLE}/{first['settlement_id']}/reversal"
    reversed_, _ = counted(api, path, None, hospital["token"])
    retried, meter = counted(api, SETTLE, sent, hospital["token"])
    assert retried == reversed_ and meter == {"BatchGetItem": 1}  # the visit key's answer

    corrected = {**sent, "items": [{"code": "Y", "catalogue": "C", "amount": "120"}]}
    second, meter = counted(api, SETTLE, corrected, hospital["token"])
    assert second["settlement_id"] != first["settlement_id"] and second["total"] == "120.00"
    assert meter == {"BatchGetItem": 1, "TransactWriteItems": 1}
    late, meter = counted(api, SETTLE, sent, hospital["token"])
    assert late == reversed_  # the earlier bill's answer, found by its id
    assert meter == {"BatchGetItem": 1, "GetItem": 1}
    again, meter = counted(api, SETTLE, corrected, hospital["token"])
    assert again == second and meter == {"BatchGetItem": 1}


def test_a_visit_key_written_without_the_answer_still_replays(stack, api, hospital):
    """Visit keys written before they carried the answer: the answer is read by the key."""
    from chalicelib.adapters.dynamodb.models import SettlementKeyItem

    p = stack.fresh_person(scheme="resident")
    sent = body(hospital, person_id=pid(p))
    first, _ = counted(api, SETTLE, sent, hospital["token"])
    key = SettlementKeyItem(f"VISIT#{hospital['id']}#{sent['visit_id']}", "VISIT")
    key.update(actions=[SettlementKeyItem.body.remove()])
    again, meter = counted(api, SETTLE, sent, hospital["token"])
    assert again == first and meter == {"BatchGetItem": 1, "GetItem": 1}


def test_an_estimate_one_query(stack, api, login):
    p = stack.fresh_person(scheme="resident")
    token = login(p)
    sent = {k: v for k, v in body({"id": "-"}).items() if k in ("visit", "items")}
    _, meter = counted(api, "/v1/me/estimates", sent, token)
    assert meter == {"Query": 1}


def test_a_reversal_one_read_and_one_transaction(stack, api, hospital):
    p = stack.fresh_person(scheme="resident")
    settled, _ = counted(api, SETTLE, body(hospital, person_id=pid(p)), hospital["token"])
    path = f"{SETTLE}/{settled['settlement_id']}/reversal"
    reversed_, meter = counted(api, path, None, hospital["token"])
    assert reversed_["status"] == "reversed"
    # the id says where the settlement is: one BatchGetItem brings it with the figures
    assert meter == {"BatchGetItem": 1, "TransactWriteItems": 1}


def test_another_hospital_cannot_reverse_and_a_made_up_id_finds_nothing(stack, api, hospital):
    from chalicelib.bootstrap import container

    other = hospital_client(api, "示范县中医院 HIS", "H990101002")
    p = stack.fresh_person(scheme="resident")
    settled, _ = counted(api, SETTLE, body(hospital, person_id=pid(p)), hospital["token"])
    sid = settled["settlement_id"]
    refused = api.post(f"{SETTLE}/{sid}/reversal", token=other["token"])
    assert refused.status == 404 and sid not in refused.text and pid(p) not in refused.text
    store = container().settlement_store
    assert store.body(store.find_by_id(sid))["status"] == "settled"  # nothing changed
    for made_up in (sid[:-1] + ("a" if sid[-1] != "a" else "b"),  # another person's partition
                    sid[:2] + "zz" + sid[4:],  # not hex where the time is
                    "sz" + "f" * 30):
        gone = api.post(f"{SETTLE}/{made_up}/reversal", token=hospital["token"])
        assert gone.status == 404, (made_up, gone.text)
    assert store.body(store.find_by_id(sid))["status"] == "settled"


def test_a_settlement_id_of_the_older_form_is_reversed_after_its_look_up(
    stack, api, hospital, monkeypatch
):
    """Ids made before the id said where its settlement is ("s" + 20 hex digits) still
    reverse: their look-up key first, then the same read and transaction."""
    import secrets

    from chalicelib.adapters.dynamodb.settlements import DynamoSettlementRepository

    monkeypatch.setattr(
        DynamoSettlementRepository, "new_id", lambda self, *_: "s" + secrets.token_hex(10)
    )
    p = stack.fresh_person(scheme="resident")
    settled, _ = counted(api, SETTLE, body(hospital, person_id=pid(p)), hospital["token"])
    assert len(settled["settlement_id"]) == 21
    path = f"{SETTLE}/{settled['settlement_id']}/reversal"
    reversed_, meter = counted(api, path, None, hospital["token"])
    assert reversed_ == {**settled, "status": "reversed", "reversed_at": reversed_["reversed_at"]}
    assert meter == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}
    again = api.post(path, token=hospital["token"])
    assert again.status == 409 and again.body["code"] == "already_reversed"
