"""医保电子凭证 through the API: issued to one person, verified once, settles one visit."""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import datetime

import pytest

from chalicelib.adapters.clock import CHINA, FixedClock
from chalicelib.bootstrap import use_clock
from chalicelib.config import settings
from chalicelib.services.auth import person_id_for
from local.metering import dynamodb_requests
from tests.conftest import hospital_client

ISSUE = "/v1/me/voucher"
VERIFY = "/v1/vouchers/verification"
SETTLE = "/v1/settlements"


@pytest.fixture
def clock():
    fixed = FixedClock(datetime.now(CHINA))
    use_clock(fixed)
    yield fixed
    use_clock(None)


@pytest.fixture(scope="module")
def other_hospital(stack, api):
    """A second hospital's client: it must not use a voucher the first one used."""
    return hospital_client(api, "示范县中医院 HIS", "H990101002")


def pid(p):
    return person_id_for(p.id_number, settings().pepper)


def voucher_of(api, token):
    reply = api.post(ISSUE, token=token)
    assert reply.status == 201, reply.text
    return reply.body


def bill(hospital, voucher, visit_id=None):
    return {
        "hospital_id": hospital["id"],
        "visit_id": visit_id or uuid.uuid4().hex,
        "voucher": voucher,
        "visit": {"kind": "outpatient", "hospital_level": 1, "location": "in_county"},
        "items": [{"code": "X1", "catalogue": "A", "amount": "100"}],
    }


def refused(reply, code):
    assert reply.status == 409, reply.text
    assert reply.content_type.startswith("application/problem+json")
    assert reply.body["type"].endswith("/voucher-refused") and reply.body["code"] == code
    assert reply.body["detail"] and "二维码" in reply.body["detail_zh"]


def test_a_person_gets_a_voucher_of_their_own_with_a_qr_code(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    body = voucher_of(api, token)
    assert body["expires_in"] == 60
    assert body["qr_svg"].startswith("data:image/svg+xml")
    assert body["name_masked"] == p.name[0] + "*" * (len(p.name) - 1)
    assert body["id_number_masked"].endswith(p.id_number[-4:])
    assert p.id_number not in json.dumps(body, ensure_ascii=False)
    assert p.phone not in json.dumps(body, ensure_ascii=False)
    lasts = datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(body["issued_at"])
    assert lasts.total_seconds() == 60
    again = voucher_of(api, token)
    assert again["voucher"] != body["voucher"]  # a new one each time the screen refreshes


def test_a_voucher_names_only_the_person_signed_in(stack, api, login, hospital):
    a, b = stack.fresh_person(), stack.fresh_person()
    token_a = login(a)
    # there is no way to name somebody else: the route takes no body, the token decides
    reply = api.post(ISSUE, {"person_id": pid(b)}, token=token_a)
    assert reply.status == 201
    verified = api.post(VERIFY, {"voucher": reply.body["voucher"]}, token=hospital["token"])
    assert verified.status == 200 and verified.body["person_id"] == pid(a)
    assert api.post(ISSUE).status == 401
    from chalicelib.adapters.tokens import JwtTokenService

    app_token, _ = JwtTokenService(settings().token_secret, 900).issue(
        pid(b), ["card:read"], int(time.time()))
    assert api.post(ISSUE, token=app_token).status == 403  # a third-party app cannot ask
    # a citizen's token is not a hospital's
    assert api.post(VERIFY, {"voucher": reply.body["voucher"]}, token=token_a).status == 403


def test_verification_is_one_dynamodb_request_and_answers_masked_facts(stack, api, login,
                                                                       hospital):
    p = stack.fresh_person(scheme="employee")
    voucher = voucher_of(api, login(p))["voucher"]
    with dynamodb_requests() as count:
        reply = api.post(VERIFY, {"voucher": voucher}, token=hospital["token"])
    assert reply.status == 200, reply.text
    assert dict(count) == {"PutItem": 1}
    body = reply.body
    assert body["person_id"] == pid(p)
    assert body["scheme"] == "employee" and body["scheme_label"]["zh"] == "职工医保"
    assert body["status"] == "active" and body["status_label"]["zh"] == "正常参保"
    assert body["card"]["status"] == "active" and body["card"]["voucher_settles"] is True
    assert body["id_number_masked"].count("*") == 8 and p.id_number not in reply.text


def test_a_replayed_voucher_is_refused_by_the_same_and_by_another_hospital(
        stack, api, login, hospital, other_hospital):
    voucher = voucher_of(api, login(stack.fresh_person()))["voucher"]
    assert api.post(VERIFY, {"voucher": voucher}, token=hospital["token"]).status == 200
    refused(api.post(VERIFY, {"voucher": voucher}, token=hospital["token"]), "used")
    refused(api.post(VERIFY, {"voucher": voucher}, token=other_hospital["token"]), "used")


def test_an_expired_voucher_is_refused(stack, api, login, hospital, clock):
    voucher = voucher_of(api, login(stack.fresh_person()))["voucher"]
    clock.advance(seconds=59)
    still = voucher_of(api, login(stack.fresh_person()))["voucher"]
    clock.advance(seconds=1)
    refused(api.post(VERIFY, {"voucher": voucher}, token=hospital["token"]), "expired")
    assert api.post(VERIFY, {"voucher": still}, token=hospital["token"]).status == 200
    # nor does it settle: no hospital verified it in its 60 seconds
    refused(api.post(SETTLE, bill(hospital, voucher), token=hospital["token"]), "not_usable")


def test_a_tampered_or_foreign_voucher_is_refused(stack, api, login, hospital):
    a, b = stack.fresh_person(), stack.fresh_person()
    token_a = login(a)
    voucher = voucher_of(api, token_a)["voucher"]
    head, payload, signature = voucher.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = pid(b)  # someone else's person id under A's signature
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    refused(api.post(VERIFY, {"voucher": f"{head}.{forged}.{signature}"},
                     token=hospital["token"]), "invalid")
    # the citizen's own access token is signed by us too, but it is not a voucher
    refused(api.post(VERIFY, {"voucher": token_a}, token=hospital["token"]), "invalid")
    # the untouched voucher is still good: the refusals wrote nothing
    assert api.post(VERIFY, {"voucher": voucher}, token=hospital["token"]).status == 200


def test_bad_voucher_input_is_a_plain_422(api, hospital):
    for body in ({}, {"voucher": "not a voucher"}, {"voucher": 12}, {"voucher": "a.b.c\n"}):
        reply = api.post(VERIFY, body, token=hospital["token"])
        assert reply.status == 422, reply.text
        assert reply.body["errors"][0]["path"] in ("$", "$.voucher")
        assert reply.body["errors"][0]["detail_zh"]


def test_a_voucher_works_while_the_card_is_lost_and_settles_that_visit(stack, api, login,
                                                                       hospital):
    p = stack.fresh_person(scheme="resident")
    token = login(p)
    lost = api.post("/v1/me/card/loss", {"kind": "temporary"}, token=token)
    assert lost.status == 200, lost.text
    by_card = dict(bill(hospital, "x"), card_number=p.card_number)
    del by_card["voucher"]
    assert api.post(SETTLE, by_card, token=hospital["token"]).status == 409  # card frozen
    voucher = voucher_of(api, token)
    assert voucher["card"]["status"] == "temp_lost"
    verified = api.post(VERIFY, {"voucher": voucher["voucher"]}, token=hospital["token"])
    assert verified.status == 200 and verified.body["card"]["status_label"]["zh"] == "临时挂失"
    visit = bill(hospital, voucher["voucher"])
    settled = api.post(SETTLE, visit, token=hospital["token"])
    assert settled.status == 200, settled.text
    assert settled.body["person_id"] == pid(p)
    again = api.post(SETTLE, visit, token=hospital["token"])  # a retry of the same visit
    assert again.status == 200 and again.body["settlement_id"] == settled.body["settlement_id"]
    other_visit = bill(hospital, voucher["voucher"])  # one voucher, one visit
    refused(api.post(SETTLE, other_visit, token=hospital["token"]), "used")
    mine = api.get("/v1/me/settlements", token=token).body
    ids = [s["settlement_id"] for s in mine["settlements"]]
    assert ids.count(settled.body["settlement_id"]) == 1


def test_a_voucher_verified_by_one_hospital_does_not_settle_at_another(
        stack, api, login, hospital, other_hospital, clock):
    voucher = voucher_of(api, login(stack.fresh_person()))["voucher"]
    assert api.post(VERIFY, {"voucher": voucher}, token=hospital["token"]).status == 200
    clock.advance(minutes=5)  # the visit takes a while: the verifying hospital may settle
    refused(api.post(SETTLE, bill(other_hospital, voucher), token=other_hospital["token"]),
            "not_usable")
    settled = api.post(SETTLE, bill(hospital, voucher), token=hospital["token"])
    assert settled.status == 200, settled.text


def test_a_fresh_voucher_settles_directly_once(stack, api, login, hospital, other_hospital):
    voucher = voucher_of(api, login(stack.fresh_person()))["voucher"]
    assert api.post(SETTLE, bill(hospital, voucher), token=hospital["token"]).status == 200
    refused(api.post(VERIFY, {"voucher": voucher}, token=other_hospital["token"]), "used")
    refused(api.post(SETTLE, bill(other_hospital, voucher), token=other_hospital["token"]),
            "used")
