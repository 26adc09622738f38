"""``POST /v1/auth/refresh`` (继续): a fresh token of the same session without a new SMS
code, never past two hours from the login; the session's start cannot be moved."""

from __future__ import annotations

import time

import jwt

from chalicelib.adapters.tokens import JwtTokenService
from chalicelib.config import settings

REFRESH = "/v1/auth/refresh"
TWO_HOURS = 2 * 60 * 60


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def minted(person_id: str, started: int, now: int, scopes: tuple[str, ...] = ("citizen",)) -> str:
    """A token signed with the stage's key, as login would have issued it at ``now``."""
    service = JwtTokenService(settings().token_secret, 900)
    token, _ = service.issue(person_id, scopes, now, {"session_start": str(started)})
    return token


def test_continuing_gives_a_fresh_token_of_the_same_session(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    first = claims_of(token)
    assert int(first["ext"]["session_start"]) == first["iat"]
    reply = api.post(REFRESH, token=token)
    assert reply.status == 200, reply.text
    assert reply.headers.get("Cache-Control") == "no-store"
    fresh = reply.body["access_token"]
    assert fresh != token and reply.body["token_type"] == "Bearer"
    again = claims_of(fresh)
    assert again["sub"] == first["sub"]
    assert again["ext"]["session_start"] == first["ext"]["session_start"], "start moved"
    assert 0 < reply.body["expires_in"] <= 900
    me = api.get("/v1/me", token=fresh)
    assert me.status == 200 and me.body["name"] == p.name


def test_near_the_two_hours_the_fresh_token_ends_with_the_session(stack, api, login):
    p = stack.fresh_person()
    person_id = claims_of(login(p))["sub"]
    now = int(time.time())
    started = now - TWO_HOURS + 300  # five minutes left
    reply = api.post(REFRESH, token=minted(person_id, started, now - 10))
    assert reply.status == 200, reply.text
    ends = claims_of(reply.body["access_token"])["exp"]
    assert ends == started + TWO_HOURS, "a continued session outlasted two hours"
    assert reply.body["expires_in"] <= 300


def test_a_token_of_a_session_past_two_hours_is_refused(stack, api, login):
    p = stack.fresh_person()
    person_id = claims_of(login(p))["sub"]
    now = int(time.time())
    for started in (now - TWO_HOURS - 5, now - TWO_HOURS + 30):  # past, and in its last minute
        reply = api.post(REFRESH, token=minted(person_id, started, now - 5))
        assert reply.status == 401, reply.text
        assert reply.content_type.startswith("application/problem+json")
        assert "2小时" in reply.body["detail_zh"] and "重新登录" in reply.body["detail_zh"]


def test_the_session_start_cannot_be_moved_or_forged(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    claims = claims_of(token)
    moved = {**claims, "ext": {"session_start": str(int(time.time()))}}
    forged = jwt.encode(moved, "an attacker's key of 32 characters!!", "HS256")
    assert api.post(REFRESH, token=forged).status == 401


def test_without_a_valid_token_or_as_a_third_party_nothing_is_continued(stack, api, login):
    assert api.post(REFRESH).status == 401
    assert api.post(REFRESH, token="not.a.jwt").status == 401
    expired = minted("pnobody", int(time.time()) - 2000, int(time.time()) - 1000)
    assert api.post(REFRESH, token=expired).status == 401
    p = stack.fresh_person()
    person_id = claims_of(login(p))["sub"]
    now = int(time.time())
    third_party = minted(person_id, now, now, scopes=("card:read",))
    reply = api.post(REFRESH, token=third_party)
    assert reply.status == 403 and reply.body["type"].endswith("/forbidden")
