"""``GET /v1/me``: only with a valid token, and only the token's own person."""

from __future__ import annotations

import time

import jwt


def test_me_shows_the_profile_in_plain_words(stack, api, login):
    p = stack.fresh_person(scheme="resident", groups=("dibao",))
    me = api.get("/v1/me", token=login(p)).body
    assert me["scheme"] == "resident" and me["scheme_label"]["zh"] == "城乡居民医保"
    assert me["groups"] == [{"code": "dibao", "zh": "低保对象", "en": me["groups"][0]["en"]}]
    assert me["region"]["code"] == "990101" and me["region"]["name_zh"] == "示范县"
    assert me["card"]["status"] == "active" and me["card"]["status_label"]["zh"] == "正常"
    assert p.card_number not in str(me)


def test_person_a_token_only_ever_shows_person_a(stack, api, login):
    a, b = stack.fresh_person(), stack.fresh_person()
    token_a, token_b = login(a), login(b)
    me_a = api.get("/v1/me", token=token_a).body
    me_b = api.get("/v1/me", token=token_b).body
    assert me_a["name"] == a.name and me_b["name"] == b.name
    assert me_a["person_id"] != me_b["person_id"]
    assert b.name not in str(me_a)


def test_a_token_forged_for_someone_else_is_refused(stack, api, login):
    a, b = stack.fresh_person(), stack.fresh_person()
    token_a = login(a)
    claims = jwt.decode(token_a, options={"verify_signature": False})
    me_b_id = api.get("/v1/me", token=login(b)).body["person_id"]
    forged = jwt.encode({**claims, "sub": me_b_id}, "an attacker's key of 32 characters!!", "HS256")
    reply = api.get("/v1/me", token=forged)
    assert reply.status == 401
    unsigned = jwt.encode({**claims, "sub": me_b_id}, None, "none")
    assert api.get("/v1/me", token=unsigned).status == 401


def test_without_a_valid_token_me_is_401(api):
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer not.a.jwt"}):
        reply = api.get("/v1/me", headers=headers)
        assert reply.status == 401
        assert reply.content_type.startswith("application/problem+json")
        assert reply.body["type"].endswith("/unauthorized")


def test_an_expired_token_is_401(stack, api):
    from chalicelib.adapters.tokens import JwtTokenService
    from chalicelib.config import settings

    s = settings()
    service = JwtTokenService(s.token_secret, 900)
    token, _ = service.issue("pabc", ["citizen"], int(time.time()) - 1000)
    assert api.get("/v1/me", token=token).status == 401


def test_a_token_without_the_citizen_scope_is_403(stack, api):
    from chalicelib.adapters.tokens import JwtTokenService
    from chalicelib.config import settings

    s = settings()
    token, _ = JwtTokenService(s.token_secret, 900).issue("pabc", ["card:read"], int(time.time()))
    reply = api.get("/v1/me", token=token)
    assert reply.status == 403 and reply.body["type"].endswith("/forbidden")
