"""家庭共济 (family mutual aid) through the API: consent, use, end, automatic end, BOLA."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

import pytest

from chalicelib.adapters.clock import CHINA, FixedClock
from chalicelib.bootstrap import container, use_clock
from chalicelib.config import settings
from chalicelib.rules.explain import yuan as shown_yuan
from chalicelib.rules.identity import check_digit
from chalicelib.rules.money import parse_yuan
from chalicelib.services.auth import person_id_for
from chalicelib.services.family import change_insurance_status
from local.metering import dynamodb_requests
from tests.api.accounts import assert_summary_is_the_statements

FAMILY = "/v1/me/family"


@pytest.fixture
def clock():
    """In the 2027 enrolment window (Sep–Dec 2026); moved on by tests that need the gap."""
    fixed = FixedClock(datetime(2026, 11, 20, 10, 0, tzinfo=CHINA))
    use_clock(fixed)
    yield fixed
    use_clock(None)


@pytest.fixture
def hospital(hospital, api, clock):
    """The session's hospital client, with a token issued at the test's clock."""
    reply = api.post(
        "/v1/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": hospital["client_id"],
            "client_secret": hospital["secret"],
        },
    )
    assert reply.status == 200, reply.text
    return {**hospital, "token": reply.body["access_token"]}


def pid(p):
    return person_id_for(p.id_number, settings().pepper)


def ask(api, token, relative, relation="parent", name=None):
    return api.post(
        FAMILY,
        {"id_number": relative.id_number, "name": name or relative.name, "relation": relation},
        token=token,
    )


def linked(stack, api, login, payer=None, relative=None):
    """An employee and a resident relative with an active link, and their tokens."""
    payer = payer or stack.fresh_person(scheme="employee", retired=False)
    relative = relative or stack.fresh_person(scheme="resident", groups=())
    payer_token, relative_token = login(payer), login(relative)
    asked = ask(api, payer_token, relative)
    assert asked.status == 201, asked.text
    link = asked.body
    code = stack.last_code(relative.phone, "家庭共济")
    assert code, "the relative got no consent code"
    done = api.post(f"{FAMILY}/{link['link_id']}/consent", {"code": code}, token=payer_token)
    assert done.status == 200, done.text
    assert done.body["status"] == "active"
    return payer, relative, payer_token, relative_token, link["link_id"]


def balance(api, token):
    return parse_yuan(api.get("/v1/me/account", token=token).body["balance"])


def settle(api, hospital, relative, amount="300", **extra):
    return api.post(
        "/v1/settlements",
        {
            "hospital_id": hospital["id"],
            "visit_id": uuid.uuid4().hex,
            "person_id": pid(relative),
            "visit": {"kind": "outpatient", "hospital_level": 1, "location": "in_county"},
            "items": [{"code": "X", "catalogue": "C", "amount": amount}],
            **extra,
        },
        token=hospital["token"],
    )


def test_a_relative_consents_by_sms_code_and_both_see_the_link(stack, api, login, clock):
    _payer, relative, payer_token, relative_token, link_id = linked(stack, api, login)
    sms = stack.last_sms(relative.phone)
    assert "家庭共济绑定已生效" in sms
    with dynamodb_requests() as count:
        mine = api.get(FAMILY, token=payer_token)
    assert mine.status == 200 and sum(count.values()) == 1
    assert mine.body["can_pay"] is True
    [link] = [x for x in mine.body["links"] if x["link_id"] == link_id]
    assert link["role"] == "payer" and link["relation"] == "parent"
    assert link["other_name"] != relative.name and link["other_name"][0] == relative.name[0]
    theirs = api.get(FAMILY, token=relative_token).body
    [seen] = [x for x in theirs["links"] if x["link_id"] == link_id]
    assert seen["role"] == "relative" and seen["relation"] == "child"  # the payer is their child
    assert seen["status"] == "active" and seen["consented_at"]
    assert theirs["can_pay"] is False and theirs["cannot_pay_reason"]["code"] == "not_an_employee"


def test_the_account_pays_a_relatives_self_pay_and_a_reversal_gives_it_back(
    stack, api, login, hospital, clock
):
    _payer, relative, payer_token, relative_token, link_id = linked(stack, api, login)
    before = balance(api, payer_token)
    assert before > 30_000
    settled = settle(api, hospital, relative, use_family_account=True)
    assert settled.status == 200, settled.text
    body = settled.body
    assert body["family_aid"]["amount"] == "300.00" and body["patient_pays"] == "0.00"
    assert_parts_and_lines_agree(body)
    assert body["family_aid"]["link_id"] == link_id
    assert balance(api, payer_token) == before - 30_000
    entries = api.get("/v1/me/account/entries", token=payer_token).body["entries"]
    assert entries[0]["kind"] == "family" and entries[0]["amount"] == "-300.00"
    assert parse_yuan(entries[0]["balance_after"]) == before - 30_000
    paid = assert_summary_is_the_statements(api, payer_token, pid(_payer))
    assert parse_yuan(paid["months"][-1]["balance"]) == before - 30_000
    for token, role in ((payer_token, "payer"), (relative_token, "relative")):
        with dynamodb_requests() as count:
            uses = api.get(f"{FAMILY}/uses", token=token)
        # one Query: the sign-in's check rides on it (adapters/dynamodb/sessions.py)
        assert uses.status == 200 and count == {"Query": 1}
        [use] = uses.body["entries"]
        assert use["role"] == role and use["kind"] == "settlement" and use["amount"] == "300.00"
        assert use["ref"] == body["settlement_id"] and use["text_zh"]
    reversed_ = api.post(
        f"/v1/settlements/{body['settlement_id']}/reversal", token=hospital["token"]
    )
    assert reversed_.status == 200, reversed_.text
    assert balance(api, payer_token) == before
    refunded = assert_summary_is_the_statements(api, payer_token, pid(_payer))
    assert parse_yuan(refunded["months"][-1]["balance"]) == before
    for token in (payer_token, relative_token):
        kinds = [u["kind"] for u in api.get(f"{FAMILY}/uses", token=token).body["entries"]]
        assert sorted(kinds) == ["refund", "settlement"]


def test_the_account_pays_only_what_it_holds_and_never_more_than_the_self_pay(
    stack, api, login, hospital, clock
):
    _payer, relative, payer_token, _, _ = linked(stack, api, login)
    held = balance(api, payer_token)
    big = settle(api, hospital, relative, amount=f"{held // 100 + 500}", use_family_account=True)
    assert big.status == 200, big.text
    assert parse_yuan(big.body["family_aid"]["amount"]) == held
    assert parse_yuan(big.body["patient_pays"]) == held // 100 * 100 + 50_000 - held
    assert_parts_and_lines_agree(big.body)
    assert balance(api, payer_token) == 0
    empty = settle(api, hospital, relative, use_family_account=True)
    assert empty.body["family_aid"]["amount"] == "0.00" and empty.body["patient_pays"] == "300.00"
    assert_parts_and_lines_agree(empty.body)


def assert_parts_and_lines_agree(body):
    """A family-paid settlement does not contradict itself: the parts (with the family
    account's part) add up to the total, the cash part and the last line say what the
    patient pays, and a line says what the family account paid (a hospital may print them)."""
    parts = {k: parse_yuan(v) for k, v in body["parts"].items()}
    paid = parse_yuan(body["family_aid"]["amount"])
    assert parts["family_account"] == paid
    assert parts["cash"] == parse_yuan(body["patient_pays"])
    assert sum(parts.values()) + parse_yuan(body["hospital_borne"]) == parse_yuan(body["total"])
    *_, family, cash = body["lines"]
    assert family["rule"] == "family_account" and parse_yuan(family["amount"]) == paid
    assert cash["rule"] == "cash" and cash["amount"] == body["patient_pays"]
    assert cash["text_zh"] == f"您需要现金支付{body['patient_pays']}元。"
    assert not [x for x in body["lines"][:-1] if "现金支付" in x["text_zh"]]


def test_without_the_flag_or_a_link_nothing_is_taken_from_a_relative(
    stack, api, login, hospital, clock
):
    _payer, relative, payer_token, _, _ = linked(stack, api, login)
    before = balance(api, payer_token)
    plain = settle(api, hospital, relative)
    assert plain.body["family_aid"] is None and plain.body["patient_pays"] == "300.00"
    stranger = stack.fresh_person(scheme="resident")
    alone = settle(api, hospital, stranger, use_family_account=True)
    assert alone.status == 200
    assert alone.body["family_aid"]["code"] == "no_family_link"
    assert_parts_and_lines_agree(alone.body)
    assert alone.body["lines"][-2]["text_zh"] == alone.body["family_aid"]["text_zh"]
    assert balance(api, payer_token) == before


def test_the_payer_pays_a_resident_relatives_contribution_once(stack, api, login, clock):
    _payer, relative, payer_token, relative_token, link_id = linked(stack, api, login)
    before = balance(api, payer_token)
    paid = api.post(f"{FAMILY}/{link_id}/contribution", {"year": 2027}, token=payer_token)
    assert paid.status == 201, paid.text
    assert paid.body["paid"] == "400.00"
    assert balance(api, payer_token) == before - 40_000
    year = api.get("/v1/me/contributions?year=2027", token=relative_token)
    assert year.status == 200, year.text
    [entry] = year.body["entries"]
    assert entry["individual"] == "400.00" and year.body["summary"]["paid"] is True
    assert "代缴" in stack.last_sms(relative.phone)
    again = api.post(f"{FAMILY}/{link_id}/contribution", {"year": 2027}, token=payer_token)
    assert again.status == 409 and again.body["code"] == "already_paid"
    assert balance(api, payer_token) == before - 40_000
    late = api.post(f"{FAMILY}/{link_id}/contribution", {"year": 2028}, token=payer_token)
    assert late.status == 422 and late.body["code"] == "outside_enrolment_window"
    by_relative = api.post(f"{FAMILY}/{link_id}/contribution", {"year": 2027}, token=relative_token)
    assert by_relative.status == 403


def test_a_wrong_name_gets_the_same_answer_and_no_sms(stack, api, login, clock):
    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident")
    token = login(payer)
    sent = stack.sms_count(relative.phone)
    asked = ask(api, token, relative, name="王某某")
    assert asked.status == 201 and asked.body["status"] == "pending"
    assert set(asked.body) == set(ask_shape(stack, api, login, clock))
    assert stack.sms_count(relative.phone) == sent
    guess = api.post(f"{FAMILY}/{asked.body['link_id']}/consent", {"code": "123456"}, token=token)
    assert guess.status == 400 and guess.body["type"].endswith("code-invalid")


def ask_shape(stack, api, login, clock):
    clock.advance(minutes=2)
    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident")
    return ask(api, login(payer), relative).body


def test_a_request_lapses_after_a_day_and_can_be_asked_again(stack, api, login, clock):
    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident")
    token = login(payer)
    first = ask(api, token, relative).body
    code = stack.last_code(relative.phone, "家庭共济")
    clock.advance(hours=25)
    token = login(payer)
    [seen] = api.get(FAMILY, token=token).body["links"]
    assert seen["status"] == "ended" and seen["end_reason"] == "lapsed"
    late = api.post(f"{FAMILY}/{first['link_id']}/consent", {"code": code}, token=token)
    assert late.status == 409 and late.body["code"] == "not_pending"
    assert ask(api, token, relative).status == 201


def test_the_relative_can_accept_in_their_own_portal(stack, api, login, clock):
    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident")
    link = ask(api, login(payer), relative, relation="spouse").body
    relative_token = login(relative)
    accepted = api.post(f"{FAMILY}/{link['link_id']}/accept", token=relative_token)
    assert accepted.status == 200, accepted.text
    assert accepted.body["status"] == "active" and accepted.body["relation"] == "spouse"


def test_either_side_ends_the_link_and_the_account_stops_paying(stack, api, login, hospital, clock):
    payer, relative, payer_token, relative_token, link_id = linked(stack, api, login)
    ended = api.post(f"{FAMILY}/{link_id}/end", token=relative_token)
    assert ended.status == 200, ended.text
    assert ended.body["status"] == "ended" and ended.body["end_reason"] == "ended_by_relative"
    [seen] = [
        x for x in api.get(FAMILY, token=payer_token).body["links"] if x["link_id"] == link_id
    ]
    assert seen["status"] == "ended"
    assert "解除" in stack.last_sms(payer.phone)
    before = balance(api, payer_token)
    after_end = settle(api, hospital, relative, use_family_account=True)
    assert after_end.body["family_aid"]["amount"] == "0.00"
    assert balance(api, payer_token) == before
    again = api.post(f"{FAMILY}/{link_id}/end", token=payer_token)
    assert again.status == 409 and again.body["code"] == "already_ended"
    # a new payer may now link the relative: the one-payer guard was freed
    clock.advance(minutes=2)  # the relative signs in again: one login code a minute
    linked(stack, api, login, relative=relative)


def test_a_link_ends_by_itself_when_either_insurance_ends(stack, api, login, hospital, clock):
    payer, relative, _payer_token, relative_token, link_id = linked(stack, api, login)
    c = container()
    ended = change_insurance_status(c.family(), pid(payer), "ended")
    assert ended == [link_id]
    for token in (relative_token,):
        [seen] = [x for x in api.get(FAMILY, token=token).body["links"] if x["link_id"] == link_id]
        assert seen["status"] == "ended" and seen["end_reason"] == "insurance_ended"
    assert "自动解除" in stack.last_sms(relative.phone)
    stored = c.family_store.side(pid(payer))
    assert [s.link.status for s in stored.links if s.link.link_id == link_id] == ["ended"]
    change_insurance_status(c.family(), pid(payer), "active")


def test_one_paying_account_at_a_time(stack, api, login, clock):
    _payer, relative, payer_token, _, _ = linked(stack, api, login)
    other = stack.fresh_person(scheme="employee", retired=False)
    other_token = login(other)
    clock.advance(minutes=2)  # the relative's phone: one consent code a minute
    link = ask(api, other_token, relative, relation="child").body
    code = stack.last_code(relative.phone, "家庭共济")
    taken = api.post(f"{FAMILY}/{link['link_id']}/consent", {"code": code}, token=other_token)
    assert taken.status == 409 and taken.body["code"] == "relative_already_linked"
    # the pending request never pays, nor does it reach the active link's account
    before = balance(api, payer_token)
    paid = api.post(f"{FAMILY}/{link['link_id']}/contribution", {"year": 2027}, token=other_token)
    assert paid.status == 422 and paid.body["code"] == "link_not_active"
    assert balance(api, payer_token) == before


def test_residents_cannot_pay_for_relatives(stack, api, login, clock):
    resident = stack.fresh_person(scheme="resident")
    other = stack.fresh_person(scheme="resident")
    refused = ask(api, login(resident), other)
    assert refused.status == 422 and refused.body["code"] == "not_an_employee"
    assert "职工医保" in refused.body["detail_zh"]


def test_requests_are_rate_limited_per_person(stack, api, login, clock):
    payer = stack.fresh_person(scheme="employee", retired=False)
    token = login(payer)
    first = ask(api, token, stack.fresh_person(scheme="resident"))
    assert first.status == 201
    second = ask(api, token, stack.fresh_person(scheme="resident"))
    assert second.status == 429 and int(second.headers["Retry-After"]) > 0


def test_someone_else_never_sees_or_touches_a_link(stack, api, login, hospital, clock):
    _payer, relative, payer_token, _relative_token, link_id = linked(stack, api, login)
    settle(api, hospital, relative, use_family_account=True)
    intruder = stack.fresh_person()
    token = login(intruder)
    assert all(x["link_id"] != link_id for x in api.get(FAMILY, token=token).body["links"])
    assert api.get(f"{FAMILY}/uses", token=token).body["entries"] == []
    for action, body in (
        ("end", None),
        ("accept", None),
        ("consent", {"code": "123456"}),
        ("contribution", {"year": 2027}),
    ):
        reply = api.post(f"{FAMILY}/{link_id}/{action}", body, token=token)
        assert reply.status == 404, (action, reply.text)
    assert api.get(FAMILY).status == 401
    [still] = [
        x for x in api.get(FAMILY, token=payer_token).body["links"] if x["link_id"] == link_id
    ]
    assert still["status"] == "active"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id_number": "110101199003071234", "name": "张三", "relation": "parent"}, "id_number"),
        ({"id_number": "11010119900307123X", "name": "张三", "relation": "uncle"}, "relation"),
        ({"id_number": "11010119900307123X", "name": "<script>", "relation": "child"}, "name"),
    ],
)
def test_bad_requests_are_refused_field_by_field(stack, api, login, clock, body, field):
    token = login(stack.fresh_person(scheme="employee", retired=False))
    reply = api.post(FAMILY, body, token=token)
    assert reply.status == 422, reply.text
    assert reply.body["errors"][0]["pointer"] == f"/{field}"
    assert api.get(FAMILY, token=token).body["links"] == []
    assert api.post(f"{FAMILY}/not-a-link/end", token=token).status == 422


def test_the_operator_command_ends_insurance_and_the_links_with_it(
    stack, api, login, clock, capsys
):
    from chalicelib.insurance import main

    payer, relative, payer_token, _, link_id = linked(stack, api, login)
    assert main(["not-an-id", "ended"]) == 2
    assert main(["p" + "a" * 20, "ended"]) == 2
    assert main([pid(relative), "ended"]) == 0
    assert f"ended_link={link_id}" in capsys.readouterr().out
    [seen] = [
        x for x in api.get(FAMILY, token=payer_token).body["links"] if x["link_id"] == link_id
    ]
    assert seen["end_reason"] == "insurance_ended"
    assert "自动解除" in stack.last_sms(payer.phone)
    assert main([pid(relative), "active"]) == 0


def test_a_family_settlement_sent_again_returns_the_same_answer_and_pays_once(
    stack, api, login, hospital, clock
):
    _payer, relative, payer_token, _, _ = linked(stack, api, login)
    before = balance(api, payer_token)
    body = {
        "hospital_id": hospital["id"],
        "visit_id": uuid.uuid4().hex,
        "person_id": pid(relative),
        "visit": {"kind": "outpatient", "hospital_level": 1, "location": "in_county"},
        "items": [{"code": "X", "catalogue": "C", "amount": "80"}],
        "use_family_account": True,
    }
    first = api.post("/v1/settlements", body, token=hospital["token"])
    again = api.post("/v1/settlements", body, token=hospital["token"])
    assert first.status == again.status == 200, again.text
    assert again.body["settlement_id"] == first.body["settlement_id"]
    assert balance(api, payer_token) == before - 8_000


def test_asking_for_someone_tells_nothing_about_whether_they_are_insured(stack, api, login, clock):
    insured = stack.fresh_person(scheme="resident")
    unknown = "11010119900307123" + check_digit("11010119900307123")
    for relative in (insured, replace(insured, id_number=unknown, name="查无此人")):
        clock.advance(minutes=2)
        first = ask(api, login(stack.fresh_person(scheme="employee", retired=False)), relative)
        second = ask(api, login(stack.fresh_person(scheme="employee", retired=False)), relative)
        assert (first.status, second.status) == (201, 429), relative.name
    # consent requests never use up the relative's own login codes
    assert login(insured)


def test_a_second_request_does_not_void_the_first_ones_code(stack, api, login, clock):
    relative = stack.fresh_person(scheme="resident")
    first_payer = stack.fresh_person(scheme="employee", retired=False)
    first_token = login(first_payer)
    first = ask(api, first_token, relative).body
    code = stack.last_code(relative.phone, "家庭共济")
    clock.advance(minutes=2)
    other_token = login(stack.fresh_person(scheme="employee", retired=False))
    other = ask(api, other_token, relative).body
    for _ in range(5):
        wrong = api.post(
            f"{FAMILY}/{other['link_id']}/consent", {"code": "000000"}, token=other_token
        )
        assert wrong.status == 400
    done = api.post(f"{FAMILY}/{first['link_id']}/consent", {"code": code}, token=first_token)
    assert done.status == 200 and done.body["status"] == "active"


def test_two_employees_may_each_pay_for_the_other(stack, api, login, clock):
    one = stack.fresh_person(scheme="employee", retired=False)
    two = stack.fresh_person(scheme="employee", retired=False)
    linked(stack, api, login, payer=one, relative=two)
    clock.advance(minutes=2)
    linked(stack, api, login, payer=two, relative=one)


def test_an_estimate_does_not_depend_on_the_relatives_balance(stack, api, login, hospital, clock):
    """A relative cannot learn the payer's balance from estimates (e.g. by bisection): the
    same bills give the same answers whatever the account holds, here full and then empty."""
    _payer, relative, payer_token, relative_token, link_id = linked(stack, api, login)
    held = balance(api, payer_token)

    def estimates():
        answers = []
        for amount in ("10", f"{held // 100 - 1}", f"{held // 100 + 100}"):
            bill = {
                "visit": {"kind": "outpatient", "hospital_level": 1, "location": "in_county"},
                "items": [{"code": "X", "catalogue": "C", "amount": amount}],
                "use_family_account": True,
            }
            reply = api.post("/v1/me/estimates", bill, token=relative_token)
            assert reply.status == 200, reply.text
            answers.append(reply.body)
        return answers

    full = estimates()
    for answer in full:
        aid = answer["family_aid"]
        assert aid["amount"] is None and aid["up_to"] == answer["parts"]["cash"]
        assert aid["link_id"] == link_id and "以结算时账户余额为准" in aid["text_zh"]
        assert answer["patient_pays"] == answer["parts"]["cash"]
        assert yuan_of(held) not in str(answer) and shown_yuan(held) not in str(answer)
    drained = settle(api, hospital, relative, amount=f"{held // 100 + 1}", use_family_account=True)
    assert drained.status == 200, drained.text
    assert balance(api, payer_token) == 0
    assert estimates() == full


def yuan_of(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def test_lapsed_requests_are_left_alone_when_insurance_ends(stack, api, login, clock):
    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident")
    ask(api, login(payer), relative)
    clock.advance(hours=25)
    sent = stack.sms_count(payer.phone)
    c = container()
    assert change_insurance_status(c.family(), pid(relative), "ended") == []
    assert stack.sms_count(payer.phone) == sent
    change_insurance_status(c.family(), pid(relative), "active")


def test_a_whole_number_float_year_is_the_year(stack, api, login, clock):
    """``{"year": 2027.0}`` is 2027 (the schema's integer admits it): no 500, the same answer."""
    _payer, _relative, payer_token, _, link_id = linked(stack, api, login)
    paid = api.post(f"{FAMILY}/{link_id}/contribution", {"year": 2027.0}, token=payer_token)
    assert paid.status == 201, paid.text
    again = api.post(f"{FAMILY}/{link_id}/contribution", {"year": 2027}, token=payer_token)
    assert again.status == 409 and again.body["code"] == "already_paid"
    half = api.post(f"{FAMILY}/{link_id}/contribution", {"year": 2027.5}, token=payer_token)
    assert half.status == 422 and half.body["errors"][0]["path"].endswith("year"), half.text


def test_the_code_can_be_sent_again_limited_like_the_first_and_the_new_one_works(
    stack, api, login, clock
):
    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident")
    token = login(payer)
    link = ask(api, token, relative).body
    # The page and the SMS agree: the code works for minutes, the request waits a day.
    assert (link["code_valid_minutes"], link["pending_hours"]) == (5, 24)
    assert "验证码5分钟内有效" in link["next_step_zh"] and "24小时" in link["next_step_zh"]
    assert "5分钟内有效" in stack.last_sms(relative.phone)
    again = f"{FAMILY}/{link['link_id']}/code"
    sent = stack.sms_count(relative.phone)
    too_soon = api.post(again, token=token)
    assert too_soon.status == 429 and int(too_soon.headers["Retry-After"]) > 0
    assert stack.sms_count(relative.phone) == sent
    clock.advance(minutes=2)
    reply = api.post(again, token=token)
    assert reply.status == 202, reply.text
    assert "5分钟内有效" in reply.body["detail_zh"]
    assert stack.sms_count(relative.phone) == sent + 1
    code = stack.last_code(relative.phone, "家庭共济")
    done = api.post(f"{FAMILY}/{link['link_id']}/consent", {"code": code}, token=token)
    assert done.status == 200 and done.body["status"] == "active"
    # Nothing is waiting any more.
    clock.advance(minutes=2)
    assert api.post(again, token=token).status == 409


def test_sending_again_for_a_mistyped_name_answers_the_same_and_sends_nothing(
    stack, api, login, clock
):
    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident")
    token = login(payer)
    wrong = ask(api, token, relative, name="王某某").body
    sent = stack.sms_count(relative.phone)
    clock.advance(minutes=2)
    reply = api.post(f"{FAMILY}/{wrong['link_id']}/code", token=token)
    assert reply.status == 202 and "新的验证码" in reply.body["detail_zh"]
    assert stack.sms_count(relative.phone) == sent
    # The right request is blocked by the waiting one: the refusal says to withdraw it.
    blocked = ask(api, token, relative)
    assert blocked.status == 409 and blocked.body["code"] == "already_linked"
    assert "撤回申请" in blocked.body["detail_zh"]
    assert "Withdraw the request" in blocked.body["detail"]
    withdrawn = api.post(f"{FAMILY}/{wrong['link_id']}/end", token=token)
    assert withdrawn.status == 200
    clock.advance(minutes=2)
    assert ask(api, token, relative).status == 201


def test_no_one_else_can_have_the_code_sent_again(stack, api, login, clock):
    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident")
    link = ask(api, login(payer), relative).body
    sent = stack.sms_count(relative.phone)
    clock.advance(minutes=2)
    for who in (stack.fresh_person(), relative):
        reply = api.post(f"{FAMILY}/{link['link_id']}/code", token=login(who))
        assert reply.status in (403, 404), reply.text
    assert stack.sms_count(relative.phone) == sent + 1  # only the relative's own login code
    assert api.post(f"{FAMILY}/{link['link_id']}/code").status == 401


def test_the_codes_minutes_are_the_sms_codes_lifetime_in_the_answer_and_the_sms(
    stack, api, login, monkeypatch
):
    """家庭共济's code works as long as any SMS code (YIBAO_OTP_TTL_SECONDS): the answer
    carries the minutes for the page, and its words and the SMS say the same figure."""
    monkeypatch.setenv("YIBAO_OTP_TTL_SECONDS", "600")
    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident")
    link = ask(api, login(payer), relative).body
    assert link["code_valid_minutes"] == 10
    assert "验证码10分钟内有效" in link["next_step_zh"]
    assert "10分钟内有效" in stack.last_sms(relative.phone)
    overview = api.get(FAMILY, token=login(relative)).body
    [theirs] = overview["links"]
    assert theirs["role"] == "relative" and "code_valid_minutes" not in theirs
