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


def test_me_names_every_group_of_a_retiree_with_a_chronic_disease(stack, api, login):
    """张建国 (the first demo person) is a retired employee with a recognised chronic
    disease: 人员类别 names both, not "无" (groups alone holds only assistance groups)."""
    from chalicelib.demo import person

    zhang = person(990101, 0)
    assert zhang.name == "张建国" and zhang.retired and zhang.chronic
    me = api.get("/v1/me", token=login(zhang)).body
    assert me["groups"] == []
    assert [c["code"] for c in me["categories"]] == ["retiree", "chronic"]
    assert [c["zh"] for c in me["categories"]] == ["退休人员", "门诊慢特病（已认定）"]
    assert me["insured_since"] == zhang.insured_since.isoformat()


def test_categories_follow_scheme_standing_and_groups(stack, api, login):
    worker = stack.fresh_person(scheme="employee", retired=False, chronic=False)
    codes = [c["code"] for c in api.get("/v1/me", token=login(worker)).body["categories"]]
    assert codes == ["worker"]
    poor = stack.fresh_person(scheme="resident", groups=("poverty_exited",), chronic=False)
    cats = api.get("/v1/me", token=login(poor)).body["categories"]
    assert [c["code"] for c in cats] == ["poverty_exited"]
    assert "（" in cats[0]["zh"] and "(" not in cats[0]["zh"], "Chinese takes full-width brackets"


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


FIRST_ANSWER = """
import json, os, sys
from app import app

class Context:
    aws_request_id = "cold-start"

reply = app(json.loads(os.environ["EVENT"]), Context())
print(reply["statusCode"], json.loads(reply["body"])["person_id"] == os.environ["WHO"])
LAZY = ("authlib", "cryptography", "jsonschema", "chalicelib.services.auth",
        "chalicelib.services.cards", "chalicelib.rules.card", "chalicelib.services.vouchers")
print(sorted(m for m in LAZY if m in sys.modules))
import gc
print("frozen", gc.get_freeze_count() > 10_000)  # app.py: what the import built is frozen
"""


def test_a_cold_start_answers_me_without_the_oauth_or_crypto_packages(stack, login):
    """A fresh Lambda's first ``GET /v1/me`` imports only what the route uses: no Authlib
    (an app's call only), no ``cryptography`` (HS256 needs the stdlib's hmac), no schema
    validator (a read has no body), no login, card or voucher service (other routes')."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from chalice.config import Config
    from chalice.local import LocalGateway

    from app import app

    p = stack.fresh_person()
    token = login(p)
    gateway = LocalGateway(app, Config.create(chalice_stage="local", app_name="yibao"))
    headers = {"authorization": f"Bearer {token}", "host": "localhost"}
    event = gateway._generate_lambda_event("GET", "/v1/me", headers, None)
    me = json.loads(gateway.handle_request("GET", "/v1/me", headers, None)["body"])
    done = subprocess.run(
        [sys.executable, "-c", FIRST_ANSWER],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "EVENT": json.dumps(event), "WHO": me["person_id"]},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["200 True", "[]", "frozen True"]
