"""参保证明 and the account's year statement through the API on the local stack."""

from __future__ import annotations

import json
import time
from datetime import datetime

import pytest

from chalicelib.adapters.clock import CHINA, FixedClock
from chalicelib.bootstrap import use_clock
from chalicelib.config import settings
from chalicelib.demo import person
from chalicelib.demo_history import ledgers
from chalicelib.rules.money import format_fen
from chalicelib.services.auth import person_id_for
from local.metering import dynamodb_requests
from tests.conftest import DEMO_COUNT

PROOFS = "/v1/me/proofs"
STATEMENT = "/v1/me/account/statement"


@pytest.fixture
def clock():
    fixed = FixedClock(datetime.now(CHINA))
    use_clock(fixed)
    yield fixed
    use_clock(None)


def books_of(p):
    index = next(i for i in range(DEMO_COUNT) if person(990101, i) == p)
    return ledgers(p, 990101, index)


def this_month():
    return f"{datetime.now(CHINA):%Y-%m}"


def test_an_employee_gets_a_proof_with_the_months_of_the_period(stack, api, login):
    p = stack.fresh_person(scheme="employee", status="active")
    books = books_of(p)
    paid = {line["period"] for lines in books.contributions.values() for line in lines
            if line["kind"] in ("regular", "back_payment")}
    token = login(p)
    with dynamodb_requests() as count:
        reply = api.post(PROOFS, {"from": "2025-01", "to": "2025-12"}, token=token)
    assert reply.status == 201, reply.text
    # the session check (退出登录) rides on the read, before the write
    assert dict(count) == {"BatchGetItem": 1, "PutItem": 1}
    body = reply.body
    assert body["name"] == p.name and body["name_masked"] == p.name[0] + "*" * (len(p.name) - 1)
    assert body["scheme_label"]["zh"] == "职工医保" and body["status"] == "active"
    assert body["insured_since"] == p.insured_since.isoformat()
    assert body["total_months"] == 12
    assert [m["period"] for m in body["months"] if m["paid"]] == sorted(
        m for m in paid if m.startswith("2025-"))
    assert body["paid_months"] == sum(m["paid"] for m in body["months"])
    assert body["text_zh"].startswith("2025年1月至2025年12月，共12个月，已缴费")
    assert len(body["code"]) == 10
    assert body["verify_url"].endswith(f"/verify.html?code={body['code']}")
    assert body["qr_svg"].startswith("data:image/svg+xml")
    assert p.id_number not in reply.text and p.phone not in reply.text


def test_anyone_checks_a_proof_by_its_code_and_sees_only_masked_facts(stack, api, login):
    p = stack.fresh_person(scheme="resident")
    own = api.post(PROOFS, {"from": "2026-01", "to": this_month()}, token=login(p)).body
    with dynamodb_requests() as count:
        checked = api.get(f"/v1/proofs/{own['code'].lower()}")  # no token; any case
    assert checked.status == 200, checked.text
    assert count["GetItem"] == 1
    public = checked.body
    assert "name" not in public and public["name_masked"] == own["name_masked"]
    assert p.name not in checked.text and p.id_number not in checked.text
    assert p.phone not in checked.text and "person_id" not in checked.text
    for key in ("scheme", "status", "insured_since", "period", "months", "paid_months",
                "valid_until"):
        assert public[key] == own[key]
    assert public["valid"] is True
    # a resident's yearly contribution covers every month of the year
    assert public["paid_months"] == public["total_months"]
    missing = api.get("/v1/proofs/ZZZZZZZZZZ")
    assert missing.status == 404 and "核验码" in missing.body["detail_zh"]
    bad = api.get("/v1/proofs/abc")
    assert bad.status == 422 and bad.body["errors"][0]["path"] == "$.code"


def test_a_proof_is_valid_90_days(stack, api, login, clock):
    own = api.post(PROOFS, {"from": this_month(), "to": this_month()},
                   token=login(stack.fresh_person())).body
    clock.advance(days=89)
    assert api.get(f"/v1/proofs/{own['code']}").body["valid"] is True
    clock.advance(days=2)
    assert api.get(f"/v1/proofs/{own['code']}").body["valid"] is False


def test_bad_periods_are_refused_in_plain_words_and_nothing_is_written(stack, api, login):
    token = login(stack.fresh_person())
    cases = [
        ({"from": "2025-13", "to": "2025-12"}, "$.from"),
        ({"from": "2025-01"}, "$.to"),
        ({"from": "2025-06", "to": "2025-01"}, "$.from"),
        ({"from": "2019-01", "to": "2025-01"}, "$.from"),  # 73 months
        ({"from": "2025-01", "to": "2099-12"}, "$.to"),
        ({"from": "2025-01", "to": "2025-02", "name": "x"}, "$.name"),
    ]
    for body, path in cases:
        with dynamodb_requests() as count:
            reply = api.post(PROOFS, body, token=token)
        assert reply.status == 422, (body, reply.text)
        assert reply.body["errors"][0]["path"] == path, reply.text
        assert reply.body["errors"][0]["detail_zh"]
        assert "PutItem" not in count


def test_the_proof_check_is_limited_per_client_ip(api, clock, monkeypatch):
    clock.advance(days=500)  # a minute no other test has counted in
    monkeypatch.setenv("YIBAO_CERT_CHECKS_PER_MINUTE", "20")
    answers = [api.get(f"/v1/proofs/ZZZZ{n:06d}").status for n in range(25)]
    assert answers[:20] == [404] * 20 and set(answers[20:]) == {429}
    refused = api.get("/v1/proofs/ZZZZZZZZZZ")
    assert refused.body["type"].endswith("/too-many-requests")
    assert "后再试" in refused.body["detail_zh"] and refused.headers["Retry-After"]
    clock.advance(seconds=60)
    assert api.get("/v1/proofs/ZZZZZZZZZZ").status == 404


def test_a_proof_needs_the_persons_own_sign_in(stack, api, login):
    from chalicelib.adapters.tokens import JwtTokenService

    assert api.post(PROOFS, {"from": "2026-01", "to": "2026-01"}).status == 401
    someone = person_id_for(stack.fresh_person().id_number, settings().pepper)
    app_token, _ = JwtTokenService(settings().token_secret, 900).issue(
        someone, ["account:read"], int(time.time()))
    assert api.post(PROOFS, {"from": "2026-01", "to": "2026-01"}, token=app_token).status == 403
    # the body cannot name anybody else: only the two months are allowed
    a, b = stack.fresh_person(), stack.fresh_person()
    token_a = login(a)
    reply = api.post(PROOFS, {"from": "2026-01", "to": "2026-01",
                              "person_id": person_id_for(b.id_number, settings().pepper)},
                     token=token_a)
    assert reply.status == 422
    mine = api.post(PROOFS, {"from": "2026-01", "to": "2026-01"}, token=token_a).body
    assert mine["name"] == a.name and mine["id_number_masked"].endswith(a.id_number[-4:])


def test_the_year_statement_adds_up_and_is_one_request(stack, api, login):
    p = stack.fresh_person(scheme="employee", retired=False)
    books = books_of(p)
    token = login(p)
    with dynamodb_requests() as count:
        reply = api.get(f"{STATEMENT}?year=2025", token=token)
    assert reply.status == 200, reply.text
    assert sum(count.values()) == 1
    s = reply.body
    fen = lambda yuan: round(float(yuan) * 100)  # noqa: E731
    total = sum(fen(e["amount"]) for e in s["entries"])
    assert fen(s["opening_balance"]) + total == fen(s["closing_balance"])
    assert fen(s["credits"]) - fen(s["debits"]) == total
    assert [e["at"] for e in s["entries"]] == sorted(e["at"] for e in s["entries"])
    assert s["entries"] and all(e["kind_label"]["zh"] for e in s["entries"])
    expected = sum(line["amount"] for line in books.account.get(2025, []))
    assert total == expected, format_fen(expected)
    assert api.get(f"{STATEMENT}?year=2009", token=token).status == 422


def test_a_resident_has_no_year_statement_and_is_told_why(stack, api, login):
    reply = api.get(STATEMENT, token=login(stack.fresh_person(scheme="resident")))
    assert reply.status == 404 and "城乡居民医保没有个人账户" in reply.body["detail_zh"]


def test_another_persons_token_never_reads_my_statement(stack, api, login):
    a = stack.fresh_person(scheme="employee", retired=False)
    b = stack.fresh_person(scheme="employee", retired=False)
    # the route names nobody: each token reads its own person's account, and only that
    mine = api.get(STATEMENT, token=login(a)).body
    theirs = api.get(STATEMENT, token=login(b)).body
    assert mine["closing_balance"] == format_fen(books_of(a).balance)
    assert theirs["closing_balance"] == format_fen(books_of(b).balance)
    assert json.dumps(mine) != json.dumps(theirs)
