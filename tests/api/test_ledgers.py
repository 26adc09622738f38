"""Contributions, the personal account and the benefit balance through the API."""

from __future__ import annotations

from chalicelib.bootstrap import container
from chalicelib.config import settings
from chalicelib.demo import person
from chalicelib.demo_history import ledgers
from chalicelib.rules.money import parse_yuan
from chalicelib.services.auth import person_id_for
from local.metering import dynamodb_requests
from tests.api.accounts import assert_summary_is_the_statements
from tests.conftest import DEMO_COUNT


def index_of(stack, p):
    return next(i for i in range(DEMO_COUNT) if person(990101, i) == p)


def test_an_employee_sees_this_years_contributions_and_what_they_entitle(stack, api, login):
    p = stack.fresh_person(scheme="employee", retired=False, tier_pct=100.0)
    token = login(p)
    with dynamodb_requests() as count:
        reply = api.get("/v1/me/contributions?year=2025", token=token)
    assert reply.status == 200, reply.text
    assert sum(count.values()) == 1
    body = reply.body
    assert body["year"] == 2025 and body["scheme"] == "employee"
    assert len(body["entries"]) >= 1
    first = body["entries"][0]
    base = parse_yuan(first["base"])
    assert parse_yuan(first["individual"]) == (base * 2 + 50) // 100  # 2%, half up
    assert parse_yuan(first["employer"]) == (base * 8 + 50) // 100  # 8%
    tier = body["summary"]["tier"]
    assert tier["tier"] == "95"  # the base is 100% of the average wage
    years = body["summary"]["contribution_years"]
    assert years["paid"]["total_months"] > 0 and years["text_zh"]


def test_a_resident_sees_the_yearly_contribution_and_subsidy(stack, api, login):
    p = stack.fresh_person(scheme="resident", groups=("dibao",))
    reply = api.get("/v1/me/contributions?year=2026", token=login(p))
    assert reply.status == 200
    [entry] = reply.body["entries"]
    assert entry["subsidy_source"] == "dibao" and entry["subsidy"] == "130.00"
    assert entry["subsidy_label"]["zh"]


def test_the_account_balance_is_the_sum_of_the_statement(stack, api, login):
    p = stack.fresh_person(scheme="employee", retired=False)
    token = login(p)
    with dynamodb_requests() as count:
        account = api.get("/v1/me/account", token=token)
    assert account.status == 200 and sum(count.values()) == 1
    books = ledgers(p, 990101, index_of(stack, p))
    assert parse_yuan(account.body["balance"]) == books.balance
    stored = container().settlement_store.load_subject(
        person_id_for(p.id_number, settings().pepper), 2026).account_balance
    assert stored == books.balance
    assert account.body["latest_credit"]["text_zh"]
    assert len(account.body["months"]) == 12
    with dynamodb_requests() as count:
        month = api.get("/v1/me/account/entries?month=2026-03", token=token)
    assert month.status == 200 and sum(count.values()) == 1
    credits = [e for e in month.body["entries"] if e["kind"] == "credit"]
    assert len(credits) == 1 and credits[0]["period"] == "2026-03"


def test_a_pharmacy_purchase_names_the_pharmacy(stack, api, login):
    """定点药店购药 lines had no words: the statement now says where the money went."""
    for _ in range(40):
        p = stack.fresh_person(scheme="employee", retired=False)
        books = ledgers(p, 990101, index_of(stack, p))
        bought = [x for x in books.account.get(2026, []) if x["kind"] == "pharmacy"]
        if bought:
            break
    else:
        raise AssertionError("no demo employee bought at a pharmacy this year")
    month = bought[0]["period"]
    reply = api.get(f"/v1/me/account/entries?month={month}", token=login(p))
    assert reply.status == 200, reply.text
    [entry] = [e for e in reply.body["entries"] if e["kind"] == "pharmacy"][:1]
    assert entry["text_zh"] == "在示范县大药房购药。"
    assert entry["text_en"] == "Bought at 示范县大药房."


def test_a_settlement_debit_and_its_reversal_are_in_the_statement(stack, api, login, hospital):
    import uuid

    p = stack.fresh_person(scheme="employee", retired=False, tier_pct=100.0)
    pid = person_id_for(p.id_number, settings().pepper)
    token = login(p)
    before = parse_yuan(api.get("/v1/me/account", token=token).body["balance"])
    settled = api.post("/v1/settlements", {
        "hospital_id": hospital["id"], "visit_id": uuid.uuid4().hex, "person_id": pid,
        "visit": {"kind": "outpatient", "hospital_level": 1, "location": "in_county"},
        "items": [{"code": "X", "catalogue": "C", "amount": "120"}], "use_account": True,
    }, token=hospital["token"]).body
    assert settled["parts"]["account"] == "120.00"
    statement = api.get("/v1/me/account/entries", token=token).body["entries"]
    assert statement[0]["kind"] == "settlement" and statement[0]["amount"] == "-120.00"
    assert parse_yuan(statement[0]["balance_after"]) == before - 12000
    debited = assert_summary_is_the_statements(api, token, pid)
    assert parse_yuan(debited["balance"]) == before - 12000
    assert debited["as_of"] == statement[0]["at"]
    assert parse_yuan(debited["months"][-1]["balance"]) == before - 12000
    api.post(f"/v1/settlements/{settled['settlement_id']}/reversal", token=hospital["token"])
    statement = api.get("/v1/me/account/entries", token=token).body["entries"]
    assert statement[0]["kind"] == "reversal" and statement[0]["amount"] == "120.00"
    assert parse_yuan(api.get("/v1/me/account", token=token).body["balance"]) == before
    reversed_ = assert_summary_is_the_statements(api, token, pid)
    assert parse_yuan(reversed_["months"][-1]["balance"]) == before


def test_the_benefit_balance_comes_from_the_settled_figures(stack, api, login, hospital):
    import uuid

    p = stack.fresh_person(scheme="resident", groups=())
    pid = person_id_for(p.id_number, settings().pepper)
    token = login(p)
    with dynamodb_requests() as count:
        empty = api.get("/v1/me/benefits", token=token)
    assert empty.status == 200 and sum(count.values()) == 1
    settled = api.post("/v1/settlements", {
        "hospital_id": hospital["id"], "visit_id": uuid.uuid4().hex, "person_id": pid,
        "visit": {"kind": "inpatient", "hospital_level": 2, "location": "in_county"},
        "items": [{"code": "X", "catalogue": "A", "amount": "10000"}],
    }, token=hospital["token"]).body
    after = api.get("/v1/me/benefits", token=token).body
    inpatient, before = after["caps"]["inpatient"], empty.body["caps"]["inpatient"]
    assert inpatient["used"] == settled["parts"]["basic"]
    assert parse_yuan(inpatient["left"]) == (
        parse_yuan(before["left"]) - parse_yuan(settled["parts"]["basic"]))


def test_ledgers_are_only_the_token_holders(stack, api, login):
    a, b = stack.fresh_person(scheme="employee"), stack.fresh_person(scheme="employee")
    token_a = login(a)
    mine = api.get("/v1/me/account", token=token_a).body
    theirs = ledgers(b, 990101, index_of(stack, b)).balance
    assert parse_yuan(mine["balance"]) == ledgers(a, 990101, index_of(stack, a)).balance
    assert parse_yuan(mine["balance"]) != theirs or a == b
    for path in ("/v1/me/contributions", "/v1/me/account", "/v1/me/account/entries",
                 "/v1/me/benefits"):
        assert api.get(path).status == 401


def test_bad_query_values_are_422(stack, api, login):
    token = login(stack.fresh_person(scheme="employee"))
    for path in ("/v1/me/contributions?year=1999", "/v1/me/contributions?year=abc",
                 "/v1/me/account/entries?month=2026-13", "/v1/me/account/entries?cursor=x",
                 "/v1/me/benefits?year=3000"):
        reply = api.get(path, token=token)
        assert reply.status == 422, (path, reply.text)


def test_contributions_page_back_a_year_at_a_time_by_cursor(stack, api, login):
    p = stack.fresh_person(scheme="resident")
    token = login(p)
    first = api.get("/v1/me/contributions", token=token).body
    back = api.get(f"/v1/me/contributions?cursor={first['next_cursor']}", token=token)
    assert back.status == 200, back.text
    assert back.body["year"] == first["year"] - 1
    oldest = api.get("/v1/me/contributions?year=2010", token=token).body
    assert oldest["next_cursor"] is None
    for bad in ("2024", "Q09OVFJJQjo5OTk5", "!!"):
        reply = api.get(f"/v1/me/contributions?cursor={bad}", token=token)
        assert reply.status == 422 and reply.body["errors"][0]["pointer"] == "/cursor", bad
