"""When DynamoDB is unreachable or throttles past botocore's retries: 503, never half-written.

Faults are injected with a ``before-send`` hook on the botocore clients PynamoDB uses
(local/faults.py), so botocore's retries and the repositories' handling run for real.
Each write answers 503 (with ``Retry-After`` and words that do not claim what they
cannot know) or succeeds; afterwards the state is whole, and the same request again
gives the one result.
"""

from __future__ import annotations

import uuid

import pytest

from local.faults import dynamodb_faults
from tests.api.test_family import clock, hospital, linked  # noqa: F401 (fixtures)
from tests.api.test_settlements import pid, visit_body

CARD = "/v1/me/card"


def assert_unavailable(reply):
    assert reply.status == 503, reply.text
    assert reply.headers["Retry-After"] == "2"
    assert reply.content_type.startswith("application/problem+json")
    body = reply.body
    assert body["type"].endswith("/service-unavailable") and body["status"] == 503
    assert "没有被改动" not in body["detail_zh"] and "nothing was changed" not in body["detail"]
    assert "Idempotency-Key" in body["detail"] and "请求编号" in body["detail_zh"]


@pytest.mark.parametrize("kind", ["throttle", "conflict", "reset"])
def test_a_card_loss_while_the_database_fails_is_503_and_the_same_key_then_does_it_once(
    stack, api, login, kind
):
    p = stack.fresh_person()
    token = login(p)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    sms_before = stack.sms_count(p.phone)
    with dynamodb_faults(kind) as faults:
        failed = api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token, headers=key)
    assert faults.injected["TransactWriteItems"] >= 1
    assert_unavailable(failed)
    card = api.get(CARD, token=token).body
    assert card["status"] == "active" and card["history"] == []
    assert stack.sms_count(p.phone) == sms_before  # no SMS about a loss that did not happen
    first = api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token, headers=key)
    again = api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token, headers=key)
    assert first.status == again.status == 200 and first.body == again.body
    assert len(api.get(CARD, token=token).body["history"]) == 1


def test_a_retry_inside_botocore_gets_through_a_short_throttle(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    with dynamodb_faults("throttle", times=1) as faults:
        reply = api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token)
    assert faults.injected["TransactWriteItems"] == 1
    assert reply.status == 200, reply.text
    assert len(api.get(CARD, token=token).body["history"]) == 1


def test_a_card_loss_whose_answer_was_lost_is_done_once(stack, api, login):
    """The write reached DynamoDB, the answer did not: botocore's retry finds the key used."""
    p = stack.fresh_person()
    token = login(p)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    with dynamodb_faults("reset_after_commit", ("TransactWriteItems",), times=1):
        reply = api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token, headers=key)
    assert reply.status in (200, 503), reply.text
    again = api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token, headers=key)
    assert again.status == 200, again.text
    assert len(api.get(CARD, token=token).body["history"]) == 1
    if reply.status == 200:
        assert reply.body == again.body


def test_reads_that_cannot_reach_the_database_are_503(stack, api, login):
    token = login(stack.fresh_person())
    with dynamodb_faults("reset", ("Query", "GetItem")):
        reply = api.get("/v1/me", token=token)
    assert_unavailable(reply)
    assert api.get("/v1/me", token=token).status == 200


@pytest.mark.parametrize("kind", ["throttle", "conflict", "reset_after_commit"])
def test_a_settlement_while_the_database_fails_is_503_or_one_settlement(
    stack, api, hospital, kind  # noqa: F811
):
    p = stack.fresh_person(scheme="resident")
    body = visit_body(hospital, person=pid(p))
    times = 1 if kind == "reset_after_commit" else None
    with dynamodb_faults(kind, ("TransactWriteItems",), times=times):
        reply = api.post("/v1/settlements", body, token=hospital["token"])
    if kind != "reset_after_commit":
        assert_unavailable(reply)
    else:
        assert reply.status in (200, 503), reply.text
    again = api.post("/v1/settlements", body, token=hospital["token"])
    once_more = api.post("/v1/settlements", body, token=hospital["token"])
    assert again.status == once_more.status == 200, again.text
    assert again.body["settlement_id"] == once_more.body["settlement_id"]
    assert again.body["ytd_before"]["basic_paid"] == "0.00"  # the failed try counted nothing
    if reply.status == 200:
        assert reply.body["settlement_id"] == again.body["settlement_id"]


def test_a_family_contribution_while_the_database_fails_is_503_and_paid_once_after(
    stack, api, login, clock  # noqa: F811
):
    _payer, _relative, payer_token, relative_token, link_id = linked(stack, api, login)
    balance = api.get("/v1/me/account", token=payer_token).body["balance"]
    path = f"/v1/me/family/{link_id}/contribution"
    with dynamodb_faults("throttle"):
        failed = api.post(path, {"year": 2027}, token=payer_token)
    assert_unavailable(failed)
    assert api.get("/v1/me/account", token=payer_token).body["balance"] == balance
    year = api.get("/v1/me/contributions?year=2027", token=relative_token).body
    assert year["entries"] == []
    paid = api.post(path, {"year": 2027}, token=payer_token)
    assert paid.status == 201, paid.text
    again = api.post(path, {"year": 2027}, token=payer_token)
    assert again.status == 409 and again.body["code"] == "already_paid"


def test_login_while_the_database_fails_is_503_and_the_code_still_works_after(stack, api):
    p = stack.fresh_person()
    pair = {"id_number": p.id_number, "phone": p.phone}
    sms_before = stack.sms_count(p.phone)
    with dynamodb_faults("reset"):
        asked = api.post("/v1/auth/otp", pair)
    assert_unavailable(asked)
    assert stack.sms_count(p.phone) == sms_before  # no code sent that was never stored
    assert api.post("/v1/auth/otp", pair).status == 202
    code = stack.last_code(p.phone)
    with dynamodb_faults("throttle"):
        refused = api.post("/v1/auth/token", {"id_number": p.id_number, "code": code})
    assert_unavailable(refused)
    signed_in = api.post("/v1/auth/token", {"id_number": p.id_number, "code": code})
    assert signed_in.status == 200, signed_in.text


def test_keys_dynamodb_defers_under_throttling_are_read_again(
    stack, api, hospital, monkeypatch  # noqa: F811
):
    """BatchGetItem may answer some keys and defer the rest (UnprocessedKeys). A reversal
    reads its settlement with the figures in one batch: with every key but the first
    deferred once, it still finds them all and reverses exactly (a deferred key was dropped,
    and the settlement looked missing: 404)."""
    from pynamodb.connection.table import TableConnection

    p = stack.fresh_person(scheme="resident")
    settled = api.post("/v1/settlements", visit_body(hospital, person=pid(p)),
                       token=hospital["token"])
    assert settled.status == 200, settled.text
    real = TableConnection.batch_get_item
    deferred = []

    def defers_once(self, keys, *args, **kwargs):
        if deferred or len(keys) < 2:
            return real(self, keys, *args, **kwargs)
        deferred.extend(keys[1:])
        raw = real(self, keys[:1], *args, **kwargs)
        table = next(iter(raw.get("Responses", {})))
        return {**raw, "UnprocessedKeys": {table: {"Keys": keys[1:]}}}

    monkeypatch.setattr(TableConnection, "batch_get_item", defers_once)
    sid = settled.body["settlement_id"]
    reversed_ = api.post(f"/v1/settlements/{sid}/reversal", token=hospital["token"])
    assert deferred, "the reversal's read was not a batch"
    assert reversed_.status == 200, reversed_.text
    assert reversed_.body == {**settled.body, "status": "reversed",
                              "reversed_at": reversed_.body["reversed_at"]}
