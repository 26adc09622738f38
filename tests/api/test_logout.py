"""退出登录: after logout the same token gets 401 everywhere; nothing else is affected.

Through the API on the local stack (moto server over HTTP), with the request meter.
"""

from __future__ import annotations

from datetime import date

import pytest

from local.metering import dynamodb_requests

LOGOUT = "/v1/auth/logout"
SIGNED_OUT_ZH = "您已退出登录，请重新登录。"

# Every person-scoped route family, read and write; the writes carry valid bodies, so
# only the ended sign-in can refuse them.
READS = [
    "/v1/me",
    "/v1/me/card",
    "/v1/me/card/no-card-certificate",
    "/v1/me/contributions",
    "/v1/me/account",
    "/v1/me/account/entries",
    "/v1/me/benefits",
    "/v1/me/settlements",
    "/v1/me/settlements?limit=1&cursor=c2V0dGxlbWVudA",  # a page by cursor: checked too
    "/v1/me/family",
    "/v1/me/family/uses",
    "/v1/me/filings",
    "/v1/me/filings/F0000000000000000000",
]
ESTIMATE = {
    "visit": {"kind": "outpatient", "hospital_level": 2, "location": "in_county"},
    "items": [{"code": "M1", "catalogue": "A", "amount": "80"}],
}
FILING = {
    "category": "long_term_resident",
    "province": "110000",
    "city": "110100",
    "start": date.today().isoformat(),
    "commitment": True,
}
WRITES = [
    ("/v1/me/estimates", ESTIMATE),
    ("/v1/me/card/loss", {"kind": "temporary"}),
    ("/v1/me/card/unfreeze-code", None),
    ("/v1/me/filings", FILING),
    ("/v1/me/filings/preview", {"category": "referral", "province": "110000", "city": "110100"}),
    ("/v1/me/family", {"relation": "child", "id_number": "110101201001011234", "name": "王小明"}),
]


def another_sign_in(p) -> str:
    """A second token of ``p`` (another device), issued as the login does: the login
    codes are limited to one a minute per phone, so tests do not log in twice."""
    import time

    from chalicelib.bootstrap import container
    from chalicelib.services.auth import CITIZEN_SCOPES, person_id_for

    c = container()
    person_id = person_id_for(p.id_number, c.settings.pepper)
    return str(c.tokens.issue(person_id, CITIZEN_SCOPES, int(time.time()))[0])


def _signed_out(reply) -> None:
    assert reply.status == 401, (reply.status, reply.text)
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert reply.body["detail_zh"] == SIGNED_OUT_ZH
    assert reply.body["code"] == "signed_out"


def test_after_logout_the_token_is_refused_on_every_person_scoped_route(stack, api, login):
    p = stack.fresh_person(scheme="employee")
    token, fresh = login(p), another_sign_in(p)
    assert api.get("/v1/me", token=token).status == 200
    card_before = api.get("/v1/me/card", token=token).body
    assert api.post(LOGOUT, token=token).status == 204

    for path in READS:
        _signed_out(api.get(path, token=token))
    sms_before = stack.sms_count(p.phone)
    for path, body in WRITES:
        _signed_out(api.post(path, body, token=token))

    # Nothing was changed or sent: a new sign-in sees the card and filings as they were.
    assert stack.sms_count(p.phone) == sms_before
    assert api.get("/v1/me/card", token=fresh).body == card_before
    assert api.get("/v1/me/filings", token=fresh).body["filings"] == []
    assert api.get("/v1/me", token=fresh).status == 200


def test_logout_ends_only_that_token(stack, api, login):
    p, other = stack.fresh_person(), stack.fresh_person()
    first, others = login(p), login(other)
    second = another_sign_in(p)
    assert api.post(LOGOUT, token=first).status == 204
    _signed_out(api.get("/v1/me", token=first))
    assert api.get("/v1/me", token=second).status == 200
    assert api.get("/v1/me", token=others).status == 200
    assert api.get("/v1/me/card", token=others).status == 200


def test_logout_twice_is_fine(stack, api, login):
    token = login(stack.fresh_person())
    assert api.post(LOGOUT, token=token).status == 204
    again = api.post(LOGOUT, token=token)
    assert again.status == 204 and again.text == ""
    _signed_out(api.get("/v1/me", token=token))


def test_logout_needs_a_valid_token(stack, api):
    reply = api.post(LOGOUT)
    assert reply.status == 401
    assert api.post(LOGOUT, token="not-a-token").status == 401


@pytest.mark.parametrize(
    "path",
    [
        "/v1/me",
        "/v1/me/card",
        "/v1/me/contributions",
        "/v1/me/account",
        "/v1/me/account/entries",
        "/v1/me/benefits",
        "/v1/me/family",
        "/v1/me/family/uses",
        "/v1/me/filings",
        "/v1/me/settlements",
        "/v1/me/notices",
        "/v1/me/notices/preferences",
    ],
)
def test_the_check_rides_on_the_read_the_route_makes(stack, api, login, path):
    """One DynamoDB request per citizen read, before and after someone's logout; the
    signed-out token is refused by that same one request."""
    p = stack.fresh_person(scheme="employee")
    ended, kept = login(p), another_sign_in(p)
    assert api.post(LOGOUT, token=ended).status == 204
    with dynamodb_requests() as count:
        assert api.get(path, token=kept).status == 200
    assert sum(count.values()) == 1, count
    with dynamodb_requests() as count:
        _signed_out(api.get(path, token=ended))
    assert sum(count.values()) == 1, count


def test_a_signed_out_token_cannot_be_continued(stack, api, login):
    token = login(stack.fresh_person())
    assert api.post("/v1/auth/refresh", {}, token=token).status == 200
    assert api.post("/v1/auth/logout", {}, token=token).status == 204
    refused = api.post("/v1/auth/refresh", {}, token=token)
    assert refused.status == 401
    assert refused.body["code"] == "signed_out"


def test_the_pages_of_a_list_are_the_same_with_signed_out_tokens_beside_it(
    stack, api, hospital, login
):
    """The first page of a list (newest first) reads the revocation records too: with
    several of them it still has ``limit`` items, and its cursor goes on where it ends."""
    from tests.api.test_settlements import SETTLE, pid, visit_body

    p = stack.fresh_person(scheme="resident")
    bills = [visit_body(hospital, person=pid(p), amount=str(100 + i)) for i in range(3)]
    ids = [api.post(SETTLE, b, token=hospital["token"]).body["settlement_id"] for b in bills]
    token = login(p)
    for _ in range(3):  # three other devices signed out
        assert api.post(LOGOUT, token=another_sign_in(p)).status == 204
    with dynamodb_requests() as count:
        page = api.get("/v1/me/settlements?limit=2", token=token).body
    assert sum(count.values()) == 1, count
    assert [s["settlement_id"] for s in page["settlements"]] == ids[::-1][:2]
    rest = api.get(f"/v1/me/settlements?limit=2&cursor={page['next_cursor']}", token=token).body
    assert [s["settlement_id"] for s in rest["settlements"]] == ids[:1]
    assert rest["next_cursor"] is None
