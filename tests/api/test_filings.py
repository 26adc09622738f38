"""异地就医备案 through the API: file, see, change, cancel, the lock, overlap, 代办 with the
relative's consent, the lapse reminder, what settlement and estimates take from a filing,
other people's ids, bad input."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

import pytest

from chalicelib.adapters.clock import CHINA, FixedClock
from chalicelib.bootstrap import container, use_clock
from chalicelib.config import settings
from chalicelib.ops import filing_reminders
from chalicelib.services.auth import person_id_for
from local.metering import dynamodb_requests

FILINGS = "/v1/me/filings"
TODAY = date(2026, 12, 2)
# Chinese text takes full-width punctuation (a comma between digits groups thousands)
HALF_WIDTH = re.compile(r"[:;?!()]|,(?![0-9]{3})")
BEIJING = {"province": "110000", "city": "110100"}
SHANGHAI = {"province": "310000", "city": "310100"}
DONGSHAN = {"province": "990000", "city": "990200"}  # the demo province's other city


@pytest.fixture
def clock():
    fixed = FixedClock(datetime(2026, 12, 2, 10, 0, tzinfo=CHINA))
    use_clock(fixed)
    yield fixed
    use_clock(None)


@pytest.fixture
def hospital(hospital, api, clock):
    """The session's hospital client (in the home county), its token at the test's clock."""
    return {**hospital, "token": _client_token(api, hospital)}


@pytest.fixture(scope="session")
def beijing_hospital(stack, api):
    """A client for a listed hospital in Beijing (H110100001)."""
    from chalicelib.services.clients import register_client

    c = container()
    client_id, secret = register_client(
        c.clients,
        c.settings.pepper,
        "北京市第一人民医院 HIS",
        ["settlements:write"],
        "H110100001",
        datetime.now(),
    )
    return {"id": "H110100001", "client_id": client_id, "secret": secret}


def _client_token(api, client):
    reply = api.post(
        "/v1/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["secret"],
        },
    )
    assert reply.status == 200, reply.text
    return reply.body["access_token"]


def pid(p):
    return person_id_for(p.id_number, settings().pepper)


def file(api, token, category="long_term_resident", where=None, start=TODAY, key=None, **extra):
    body = {
        "category": category,
        **(where or BEIJING),
        "start": start.isoformat(),
        "commitment": True,
        **extra,
    }
    headers = {"Idempotency-Key": key} if key else None
    return api.post(FILINGS, body, token=token, headers=headers)


def filed(api, token, **kw):
    reply = file(api, token, **kw)
    assert reply.status == 201, reply.text
    return reply.body


def patch(api, token, filing_id, body):
    return api.request("PATCH", f"{FILINGS}/{filing_id}", body, token=token)


def listed(api, token):
    reply = api.get(FILINGS, token=token)
    assert reply.status == 200, reply.text
    return reply.body


def settle(api, hospital_id, token, person, location="out_of_province", **visit):
    return api.post(
        "/v1/settlements",
        {
            "hospital_id": hospital_id,
            "visit_id": uuid.uuid4().hex,
            "person_id": pid(person),
            "visit": {"kind": "inpatient", "hospital_level": 3, "location": location, **visit},
            "items": [{"code": "X", "catalogue": "A", "amount": "20000"}],
        },
        token=token,
    )


def problem(reply, status, slug):
    assert reply.status == status, reply.text
    assert reply.content_type.startswith("application/problem+json")
    assert reply.body["type"].endswith("/" + slug)
    assert reply.body["detail"] and reply.body["detail_zh"]
    return reply.body


# --- filing and seeing it ----------------------------------------------------------------------


def test_a_long_term_filing_is_made_shown_and_confirmed_by_sms(stack, api, login, clock):
    p = stack.fresh_person(scheme="resident")
    token = login(p)
    sent = stack.sms_count(p.phone)
    body = filed(api, token)
    assert re.fullmatch(r"rc[0-9a-f]{16}", body["filing_id"])
    assert body["category_label"] == {"zh": "异地长期居住", "en": "living elsewhere long-term"}
    assert body["term"] == "long_term" and body["end"] is None and body["state"] == "in_force"
    assert body["destination"]["city"] == {
        "code": "110100",
        "name_zh": "北京市",
        "name_en": "Beijing",
    }
    assert body["validity_zh"] == "2026年12月2日起长期有效"
    assert body["what_to_do_zh"] == "持医保电子凭证或社保卡到以下医院可直接结算。"
    assert body["hospitals"] and all(h["city"] == "110100" for h in body["hospitals"])
    assert body["history"][0]["action"] == "created" and body["channel"] == "self_service"
    assert body["commitment_at"].startswith("2026-12-02T10:00")
    assert stack.sms_count(p.phone) == sent + 1
    sms = stack.last_sms(p.phone)
    assert sms.startswith("【示范县医保】您的异地就医备案已办好：异地长期居住，北京市，")
    assert not HALF_WIDTH.search(sms)

    with dynamodb_requests() as count:
        overview = api.get(FILINGS, token=token)
    assert overview.status == 200 and sum(count.values()) == 1
    assert overview.body["in_force"] == body["filing_id"]
    assert [f["filing_id"] for f in overview.body["filings"]] == [body["filing_id"]]
    assert overview.body["home"]["city"]["name_zh"] == "示范市"
    assert "，" in overview.body["commitment"]["text_zh"]
    with dynamodb_requests() as count:
        one = api.get(f"{FILINGS}/{body['filing_id']}", token=token)
    assert one.status == 200 and sum(count.values()) == 1
    assert one.body == body


def test_creation_is_idempotent_by_key(stack, api, login, clock):
    p = stack.fresh_person(scheme="resident")
    token = login(p)
    key = uuid.uuid4().hex
    sent = stack.sms_count(p.phone)
    first = file(api, token, category="temporary_other", key=key)
    again = file(api, token, category="temporary_other", key=key)
    assert first.status == again.status == 201 and first.body == again.body
    assert len(listed(api, token)["filings"]) == 1 and stack.sms_count(p.phone) == sent + 1
    other = file(api, token, category="referral", key=key)
    assert problem(other, 409, "conflict")["code"] == "idempotency_key_reused"


# --- who may use which category -------------------------------------------------------------


def test_each_person_sees_which_categories_they_may_use(stack, api, login, clock):
    retiree = stack.fresh_person(scheme="employee", retired=True)
    worker = stack.fresh_person(scheme="employee", retired=False)
    resident = stack.fresh_person(scheme="resident")
    tokens = {}
    for p, allowed in (
        (
            retiree,
            {"retiree_resettled", "long_term_resident", "referral", "emergency", "temporary_other"},
        ),
        (
            worker,
            {"posted_worker", "long_term_resident", "referral", "emergency", "temporary_other"},
        ),
        (resident, {"long_term_resident", "referral", "emergency", "temporary_other"}),
    ):
        token = tokens[p.id_number] = login(p)
        categories = listed(api, token)["categories"]
        assert {c["id"] for c in categories if c["allowed"]} == allowed
        for c in categories:
            assert (c["why_not"] is None) == c["allowed"]
    token = tokens[resident.id_number]
    refused = problem(file(api, token, category="retiree_resettled"), 422, "rule-violation")
    assert refused["code"] == "scheme_not_eligible"
    assert listed(api, token)["filings"] == []


def test_a_retiree_files_resettlement_and_a_worker_cannot(stack, api, login, clock):
    retiree = stack.fresh_person(scheme="employee", retired=True)
    assert filed(api, login(retiree), category="retiree_resettled")["term"] == "long_term"
    worker = stack.fresh_person(scheme="employee", retired=False)
    refused = problem(file(api, login(worker), category="retiree_resettled"), 422, "rule-violation")
    assert refused["code"] == "retirees_only" and "退休" in refused["detail_zh"]


# --- validity ---------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["referral", "emergency", "temporary_other"])
def test_a_temporary_filing_is_valid_six_months_by_default(stack, api, login, clock, category):
    token = login(stack.fresh_person(scheme="resident"))
    body = filed(api, token, category=category, start=TODAY + timedelta(days=8))
    assert (body["start"], body["end"]) == ("2026-12-10", "2027-06-09")
    assert body["state"] == "upcoming" and body["term"] == "temporary"
    assert body["validity_zh"] == "2026年12月10日至2027年6月9日"
    assert any("短信提醒" in n["zh"] for n in body["notes"])


def test_a_temporary_filing_may_be_longer_up_to_the_policys_months(stack, api, login, clock):
    token = login(stack.fresh_person(scheme="resident"))
    body = filed(api, token, category="referral", end="2027-12-01")
    assert body["end"] == "2027-12-01"


def test_an_emergency_may_be_filed_afterwards_from_the_date_of_care(stack, api, login, clock):
    token = login(stack.fresh_person(scheme="resident"))
    care = TODAY - timedelta(days=20)
    body = filed(api, token, category="emergency", start=care)
    assert body["start"] == care.isoformat() and body["state"] == "in_force"
    assert any("手工报销" in n["zh"] for n in body["notes"])
    too_early = file(
        api, token, category="emergency", start=TODAY - timedelta(days=91), where=SHANGHAI
    )
    refused = problem(too_early, 422, "validation")
    assert refused["errors"][0]["path"] == "$.start"
    assert refused["errors"][0]["code"] == "start_too_early"


# --- bad input: 422 with the field named, nothing written ---------------------------------------


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ({"city": "999999", "province": "990000"}, "$.city", "unknown_division"),
        ({"start": (TODAY - timedelta(days=1)).isoformat()}, "$.start", "start_in_past"),
        ({"category": "referral", "end": "2026-12-01"}, "$.end", "end_before_start"),
        ({"category": "referral", "end": "2027-03-01"}, "$.end", "too_short"),
        ({"end": "2027-12-31"}, "$.end", "long_term_open_ended"),
        ({"city": "990100", "province": "990000"}, "$.city", "home_region"),
        ({"category": "abroad"}, "$.category", "enum"),
        ({"city": "310100", "province": "110000"}, "$.province", "city_not_in_province"),
        ({"start": "2027-02-30"}, "$.start", "date"),
        ({"commitment": False}, "$.commitment", "const"),
        ({"extra": 1}, "$.extra", "additionalProperties"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(
    stack, api, login, clock, change, path, code
):
    p = stack.fresh_person(scheme="resident")
    token = login(p)
    sent = stack.sms_count(p.phone)
    body = {
        "category": "long_term_resident",
        **BEIJING,
        "start": TODAY.isoformat(),
        "commitment": True,
        **change,
    }
    reply = api.post(FILINGS, body, token=token)
    refused = problem(reply, 422, "validation")
    assert [(e["path"], e["code"]) for e in refused["errors"]] == [(path, code)]
    error = refused["errors"][0]
    assert error["detail"] and error["detail_zh"]
    if code != "additionalProperties":  # the schemas' generic words are not this area's
        assert not HALF_WIDTH.search(error["detail_zh"])
    assert listed(api, token)["filings"] == []
    assert stack.sms_count(p.phone) == sent


# --- one filing at a time -----------------------------------------------------------------------


def test_an_overlap_is_refused_with_what_is_in_force_and_what_to_do(stack, api, login, clock):
    p = stack.fresh_person(scheme="resident")
    token = login(p)
    first = filed(api, token, category="referral", start=TODAY, where=SHANGHAI)
    refused = problem(file(api, token, start=TODAY + timedelta(days=30)), 409, "conflict")
    assert refused["code"] == "filing_overlap"
    assert first["filing_id"] in refused["detail_zh"] and "上海市" in refused["detail_zh"]
    assert "请先变更或取消原备案" in refused["detail_zh"]
    clock.advance(days=(date(2027, 5, 1) - TODAY).days)
    token = login(p)
    after = filed(api, token, start=date(2027, 6, 2))  # the day after the referral ends
    assert after["state"] == "upcoming"
    assert len(listed(api, token)["filings"]) == 2


# --- change and cancel --------------------------------------------------------------------------


def test_the_long_term_lock_and_its_reasons(stack, api, login, clock):
    p = stack.fresh_person(scheme="employee", retired=False)
    token = login(p)
    body = filed(api, token, category="posted_worker")
    fid = body["filing_id"]
    assert body["locked_until"] == "2027-06-02"
    assert [r["code"] for r in body["lock_reasons"]] == [
        "wrong_details",
        "moved_again",
        "returned_home",
    ]
    locked = problem(patch(api, token, fid, SHANGHAI), 422, "validation")
    assert locked["errors"][0]["path"] == "$.reason" and locked["errors"][0]["code"] == "locked"
    assert "2027年6月2日以后可以办理" in locked["errors"][0]["detail_zh"]
    other = problem(patch(api, token, fid, {**SHANGHAI, "reason": "other"}), 422, "validation")
    assert other["errors"][0]["code"] == "locked"
    assert listed(api, token)["filings"][0]["destination"]["city"]["code"] == "110100"

    changed = patch(api, token, fid, {**SHANGHAI, "reason": "moved_again"})
    assert changed.status == 200, changed.text
    assert changed.body["destination"]["city"]["name_zh"] == "上海市"
    event = changed.body["history"][0]
    assert event["action"] == "changed" and event["reason"] == "moved_again"
    assert event["before"] == {"city": "110100"} and event["after"] == {"city": "310100"}
    assert "已变更" in stack.last_sms(p.phone)

    refused = problem(api.post(f"{FILINGS}/{fid}/cancel", {}, token=token), 422, "validation")
    assert refused["errors"][0]["code"] == "locked"
    done = api.post(f"{FILINGS}/{fid}/cancel", {"reason": "returned_home"}, token=token)
    assert done.status == 200, done.text
    assert done.body["state"] == "cancelled" and done.body["cancelled_on"] == "2026-12-02"
    assert [e["action"] for e in done.body["history"]] == ["cancelled", "changed", "created"]
    assert "取消" in stack.last_sms(p.phone)


def test_after_the_lock_a_long_term_filing_is_cancelled_without_a_reason(stack, api, login, clock):
    p = stack.fresh_person(scheme="resident")
    token = login(p)
    fid = filed(api, token)["filing_id"]
    clock.advance(days=183)
    token = login(p)
    done = api.post(f"{FILINGS}/{fid}/cancel", token=token)  # no body at all
    assert done.status == 200, done.text
    assert done.body["state"] == "cancelled"
    again = api.post(f"{FILINGS}/{fid}/cancel", token=token)
    assert problem(again, 409, "conflict")["code"] == "already_cancelled"


def test_a_temporary_filing_changes_its_end_and_before_it_starts_its_start(
    stack, api, login, clock
):
    token = login(stack.fresh_person(scheme="resident"))
    fid = filed(api, token, category="referral", start=TODAY + timedelta(days=5))["filing_id"]
    later = patch(api, token, fid, {"start": "2026-12-20"})
    assert later.status == 200, later.text
    assert (later.body["start"], later.body["end"]) == ("2026-12-20", "2027-06-19")
    longer = patch(api, token, fid, {"end": "2027-10-31"})
    assert longer.status == 200 and longer.body["end"] == "2027-10-31"
    too_short = problem(patch(api, token, fid, {"end": "2027-01-31"}), 422, "validation")
    assert too_short["errors"][0]["path"] == "$.end"
    same = patch(api, token, fid, {"end": "2027-10-31"})  # nothing changes: nothing written
    assert same.status == 200 and len(same.body["history"]) == 3


def test_a_filing_in_force_keeps_its_start(stack, api, login, clock):
    token = login(stack.fresh_person(scheme="resident"))
    fid = filed(api, token, category="temporary_other")["filing_id"]
    refused = problem(patch(api, token, fid, {"start": "2026-12-20"}), 422, "validation")
    assert refused["errors"][0] == {**refused["errors"][0], "path": "$.start", "code": "started"}


def test_a_cancelled_filing_no_longer_counts_and_a_new_one_may_be_made(stack, api, login, clock):
    token = login(stack.fresh_person(scheme="resident"))
    fid = filed(api, token, category="temporary_other")["filing_id"]
    assert api.post(f"{FILINGS}/{fid}/cancel", {}, token=token).status == 200
    assert listed(api, token)["in_force"] is None
    assert filed(api, token, category="referral", where=SHANGHAI)["state"] == "in_force"
    refused = problem(patch(api, token, fid, {"end": "2027-08-01"}), 409, "conflict")
    assert refused["code"] == "already_cancelled"


# --- filing for a relative (代办) ---------------------------------------------------------------


def test_filing_for_a_relative_needs_their_consent_code(stack, api, login, clock):
    agent = stack.fresh_person(scheme="employee")
    relative = stack.fresh_person(scheme="resident")
    agent_token, relative_token = login(agent), login(relative)
    asked = api.post(
        f"{FILINGS}/proxy-requests",
        {"id_number": relative.id_number, "name": relative.name},
        token=agent_token,
    )
    assert asked.status == 202, asked.text
    request_id = asked.body["request_id"]
    sms = stack.last_sms(relative.phone)
    assert "申请为您代办异地就医备案" in sms and not HALF_WIDTH.search(sms)
    code = re.search(r"验证码(\d{6})", sms).group(1)
    wrong = "000000" if code != "000000" else "111111"
    refused = file(api, agent_token, proxy={"request_id": request_id, "code": wrong})
    problem(refused, 400, "code-invalid")
    assert listed(api, relative_token)["filings"] == []

    body = filed(api, agent_token, proxy={"request_id": request_id, "code": code})
    assert body["channel"] == "proxy" and body["agent_name"][0] == agent.name[0]
    assert body["agent_name"] != agent.name
    theirs = listed(api, relative_token)["filings"]
    assert [f["filing_id"] for f in theirs] == [body["filing_id"]]
    assert listed(api, agent_token)["filings"] == []  # the filing is the relative's
    assert "已为您代办异地就医备案" in stack.last_sms(relative.phone)
    history = api.get(f"{FILINGS}/{body['filing_id']}", token=relative_token).body["history"]
    assert history[0]["by_agent"] is True
    # the request is used once
    again = file(api, agent_token, where=SHANGHAI, proxy={"request_id": request_id, "code": code})
    problem(again, 404, "not-found")


def test_asking_for_someone_not_insured_here_gets_the_same_answer_and_no_sms(
    stack, api, login, clock
):
    agent = stack.fresh_person(scheme="employee")
    relative = stack.fresh_person(scheme="resident")
    token = login(agent)
    sent = stack.sms_count(relative.phone)
    wrong_name = api.post(
        f"{FILINGS}/proxy-requests",
        {"id_number": relative.id_number, "name": "错名字"},
        token=token,
    )
    assert wrong_name.status == 202
    assert set(wrong_name.body) == {
        "request_id",
        "relative_name",
        "code_valid_minutes",
        "detail",
        "detail_zh",
    }
    assert stack.sms_count(relative.phone) == sent
    own = api.post(
        f"{FILINGS}/proxy-requests", {"id_number": agent.id_number, "name": agent.name}, token=token
    )
    assert problem(own, 422, "validation")["errors"][0]["code"] == "self"


# --- the lapse reminder ---------------------------------------------------------------------


def test_the_lapse_reminder_is_sent_once_15_days_before(stack, api, login, clock):
    p = stack.fresh_person(scheme="resident")
    token = login(p)
    body = filed(api, token, category="temporary_other", start=date(2026, 12, 5))
    assert body["end"] == "2027-06-04"
    ctx = container().filings()
    before = stack.sms_count(p.phone)
    filing_reminders.run(ctx, date(2027, 5, 19))  # 16 days before: not yet
    assert stack.sms_count(p.phone) == before
    clock.advance(days=(date(2027, 5, 20) - TODAY).days)  # 15 days before the last day
    first = filing_reminders.run(ctx)
    assert first["sent"] >= 1
    assert stack.sms_count(p.phone) == before + 1
    sms = stack.last_sms(p.phone)
    assert "将于6月4日到期" in sms and "北京市" in sms and not HALF_WIDTH.search(sms)
    filing_reminders.run(ctx)
    clock.advance(days=3)
    filing_reminders.run(ctx)
    assert stack.sms_count(p.phone) == before + 1
    token = login(p)
    history = api.get(f"{FILINGS}/{body['filing_id']}", token=token).body["history"]
    assert history[0]["action"] == "reminded"


def test_a_missed_day_is_made_up_and_a_cancelled_filing_is_not_reminded(stack, api, login, clock):
    p, q = stack.fresh_person(scheme="resident"), stack.fresh_person(scheme="resident")
    kept = filed(api, login(p), category="referral")
    q_token = login(q)
    gone = filed(api, q_token, category="referral")
    assert api.post(f"{FILINGS}/{gone['filing_id']}/cancel", {}, token=q_token).status == 200
    ctx = container().filings()
    before_p, before_q = stack.sms_count(p.phone), stack.sms_count(q.phone)
    filing_reminders.run(ctx, date.fromisoformat(kept["end"]) - timedelta(days=10))
    assert stack.sms_count(p.phone) == before_p + 1
    assert stack.sms_count(q.phone) == before_q


def test_the_operator_command_runs_the_job(stack, capsys):
    assert filing_reminders.main(["--date", "2026-01-01"]) == 0
    assert re.fullmatch(r"sent=\d+ skipped=\d+ failed=\d+\n", capsys.readouterr().out)
    assert filing_reminders.main(["--date", "2026-13-01"]) == 2


# --- what settlement takes from a filing ------------------------------------------------------


def test_settlement_uses_the_filing_in_force_on_the_visit_day(stack, api, login, clock, hospital):
    p = stack.fresh_person(scheme="resident", groups=())
    token = login(p)
    body = filed(api, token, category="referral", start=TODAY + timedelta(days=1))
    before = settle(api, hospital["id"], hospital["token"], p)
    assert before.status == 200, before.text
    assert before.body["visit"]["remote_filing"] == "none"
    assert before.body["remote_filing"]["why"] == "none_in_force"
    assert "降低20个百分点" in " ".join(line["text_zh"] for line in before.body["lines"])

    clock.advance(days=1)
    during = settle(api, hospital["id"], _client_token(api, hospital), p)
    assert during.body["visit"]["remote_filing"] == "referral"
    assert during.body["remote_filing"]["filing_id"] == body["filing_id"]
    said = during.body["remote_filing"]["text_zh"]
    assert said.startswith("按参保人的异地就医备案结算：异地转诊，北京市")
    assert "降低10个百分点" in " ".join(line["text_zh"] for line in during.body["lines"])
    assert float(during.body["parts"]["basic"]) > float(before.body["parts"]["basic"])

    clock.advance(days=200)  # past 2027-06-02, the last day
    after = settle(api, hospital["id"], _client_token(api, hospital), p)
    assert after.body["visit"]["remote_filing"] == "none"
    assert after.body["parts"]["basic"] == before.body["parts"]["basic"]


def test_a_bill_claiming_a_filing_the_person_lacks_settles_without_and_says_so(
    stack, api, login, clock, hospital
):
    p = stack.fresh_person(scheme="resident", groups=())
    claimed = settle(api, hospital["id"], hospital["token"], p, remote_filing="long_term")
    plain = settle(api, hospital["id"], hospital["token"], p)
    assert claimed.status == 200, claimed.text
    remote = claimed.body["remote_filing"]
    assert (remote["claimed"], remote["applied"]) == ("long_term", "none")
    assert "账单写明" in remote["text_zh"] and "按未备案结算" in remote["text_zh"]
    assert claimed.body["parts"]["basic"] == plain.body["parts"]["basic"]


def test_a_filing_counts_only_in_its_city(stack, api, login, clock, beijing_hospital, hospital):
    p = stack.fresh_person(scheme="resident", groups=())
    filed(api, login(p), where=SHANGHAI)
    at_beijing = settle(api, beijing_hospital["id"], _client_token(api, beijing_hospital), p)
    assert at_beijing.status == 200, at_beijing.text
    assert at_beijing.body["remote_filing"]["why"] == "other_city"
    assert "北京市" in at_beijing.body["remote_filing"]["text_zh"]
    in_province = settle(api, hospital["id"], hospital["token"], p, location="out_of_county")
    assert in_province.body["remote_filing"]["why"] == "other_place"
    q = stack.fresh_person(scheme="resident", groups=())
    filed(api, login(q), where=BEIJING)
    listed_there = settle(api, beijing_hospital["id"], _client_token(api, beijing_hospital), q)
    assert listed_there.body["remote_filing"]["why"] == "applies"


def test_a_settlement_is_still_one_read_and_one_transaction_with_filings(
    stack, api, login, clock, hospital
):
    p = stack.fresh_person(scheme="resident")
    filed(api, login(p))
    with dynamodb_requests() as count:
        reply = settle(api, hospital["id"], hospital["token"], p)
    assert reply.status == 200, reply.text
    assert reply.body["remote_filing"]["why"] == "applies"  # the filing was found
    # the filing guard's copy comes in the inputs' one BatchGetItem
    assert dict(count) == {"BatchGetItem": 1, "TransactWriteItems": 1}


def test_a_filing_guard_written_before_its_copy_settles_by_the_query(
    stack, api, login, clock, beijing_hospital
):
    """A guard without the copy (written before it was kept): the filings themselves are
    read, and the filing still applies."""
    from chalicelib.adapters.dynamodb.models import FILING_GUARD_SK, FilingGuardItem

    p = stack.fresh_person(scheme="resident", groups=())
    filed(api, login(p), where=BEIJING)
    guard = FilingGuardItem(f"PERSON#{pid(p)}", FILING_GUARD_SK)
    guard.update(actions=[FilingGuardItem.open_filings.remove()], add_version_condition=False)
    token = _client_token(api, beijing_hospital)
    with dynamodb_requests() as count:
        reply = settle(api, beijing_hospital["id"], token, p)
    assert reply.status == 200, reply.text
    assert reply.body["remote_filing"]["why"] == "applies"
    assert dict(count) == {"BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}


def test_the_guards_copy_follows_changes_and_cancellations(stack, api, login, clock, hospital):
    """What the copy says is what the filings say: a cancelled filing no longer applies."""
    p = stack.fresh_person(scheme="resident", groups=())
    token = login(p)
    body = filed(api, token, category="referral", where=DONGSHAN)
    during = settle(api, hospital["id"], hospital["token"], p, location="out_of_county")
    assert during.body["remote_filing"]["why"] == "applies", during.text
    cancelled = api.post(f"{FILINGS}/{body['filing_id']}/cancel", {}, token=token)
    assert cancelled.status == 200, cancelled.text
    after = settle(api, hospital["id"], hospital["token"], p, location="out_of_county")
    assert after.body["remote_filing"]["why"] == "none_in_force", after.text


def test_an_estimate_uses_the_filing_and_shows_what_filing_changes(stack, api, login, clock):
    p = stack.fresh_person(scheme="resident", groups=())
    token = login(p)
    visit = {
        "kind": "inpatient",
        "hospital_level": 3,
        "location": "out_of_province",
        "remote_filing": "long_term",
    }
    items = [{"code": "A", "catalogue": "A", "amount": "20000"}]
    with dynamodb_requests() as count:
        without = api.post("/v1/me/estimates", {"visit": visit, "items": items}, token=token)
    assert without.status == 200 and sum(count.values()) == 1
    assert without.body["remote_filing"]["applied"] == "none"  # the claim is not taken
    effect = without.body["filing_effect"]
    assert effect["applied"] == "none" and effect["filing_id"] is None
    assert effect["text_zh"].startswith("未备案：报销比例降低20个百分点，约多付")
    assert "备案为异地长期居住：报销比例不降低" in effect["text_zh"]
    assert "元" in effect["text_zh"] and not HALF_WIDTH.search(effect["text_zh"])
    by_kind = {o["settles_as"]: o for o in effect["options"]}
    assert by_kind["none"]["cut_points"] == "20" and by_kind["long_term"]["cut_points"] == "0"
    assert float(by_kind["none"]["patient_pays"]) > float(by_kind["long_term"]["patient_pays"])

    filed(api, token)
    with_filing = api.post("/v1/me/estimates", {"visit": visit, "items": items}, token=token)
    assert with_filing.body["remote_filing"]["applied"] == "long_term"
    assert with_filing.body["patient_pays"] == by_kind["long_term"]["patient_pays"]
    in_county = api.post(
        "/v1/me/estimates",
        {"visit": {**visit, "location": "in_county"}, "items": items},
        token=token,
    )
    assert in_county.body["filing_effect"] is None


def test_an_estimate_takes_the_filing_in_force_on_the_day(stack, api, login, clock):
    p = stack.fresh_person(scheme="resident", groups=())
    token = login(p)
    filed(api, token, category="emergency", start=TODAY + timedelta(days=1), where=SHANGHAI)
    ask = {
        "visit": {"kind": "inpatient", "hospital_level": 3, "location": "out_of_province"},
        "items": [{"code": "A", "catalogue": "A", "amount": "20000"}],
    }
    applied = []
    for days in (0, 1, 200):  # before, during, after its validity (to 2027-06-02)
        clock.advance(days=days)
        answer = api.post("/v1/me/estimates", ask, token=login(p) if days else token)
        assert answer.status == 200, answer.text
        applied.append(answer.body["remote_filing"]["applied"])
    assert applied == ["none", "emergency", "none"]


def test_the_preview_shows_the_effect_on_an_example_and_on_my_last_settlement(
    stack, api, login, clock, hospital
):
    p = stack.fresh_person(scheme="resident", groups=())
    token = login(p)
    ask = {"category": "referral", **BEIJING}
    first = api.post(f"{FILINGS}/preview", ask, token=token)
    assert first.status == 200, first.text
    assert first.body["last_settlement"] is None
    example = first.body["example"]
    assert example["total"] == "20000.00" and float(example["saves"]) > 0
    assert example["text_zh"].startswith("未备案您约付") and "少付" in example["text_zh"]
    assert settle(api, hospital["id"], hospital["token"], p, location="in_county").status == 200
    second = api.post(f"{FILINGS}/preview", ask, token=token).body
    last = second["last_settlement"]
    assert last["total"] == "20000.00" and last["visit"]["location"] == "out_of_province"
    assert float(last["saves"]) > 0
    home = api.post(
        f"{FILINGS}/preview",
        {"category": "referral", "province": "990000", "city": "990100"},
        token=token,
    )
    assert problem(home, 422, "validation")["errors"][0]["code"] == "home_region"
    assert listed(api, token)["filings"] == []


# --- someone else's filing ---------------------------------------------------------------------


def test_someone_else_never_sees_or_touches_a_filing(stack, api, login, clock):
    owner, other = stack.fresh_person(scheme="resident"), stack.fresh_person(scheme="resident")
    owner_token, other_token = login(owner), login(other)
    body = filed(api, owner_token, category="referral")
    fid = body["filing_id"]
    sent = stack.sms_count(owner.phone)
    for reply in (
        api.get(f"{FILINGS}/{fid}", token=other_token),
        patch(api, other_token, fid, {"end": "2027-10-01"}),
        api.post(f"{FILINGS}/{fid}/cancel", {}, token=other_token),
    ):
        found = problem(reply, 404, "not-found")
        assert fid not in reply.text and "北京" not in reply.text
        assert found["detail_zh"] == "没有找到这条备案。"
    assert listed(api, other_token)["filings"] == []
    assert api.get(f"{FILINGS}/{fid}", token=owner_token).body == {**body}
    assert stack.sms_count(owner.phone) == sent


def test_the_scopes_of_a_third_party_token(stack, api, login, clock):
    from chalicelib.adapters.tokens import JwtTokenService

    p = stack.fresh_person(scheme="resident")
    filed(api, login(p))
    s = settings()
    now = int(clock.now().timestamp())
    reader, _ = JwtTokenService(s.token_secret, 900).issue(pid(p), ["filings:read"], now)
    assert api.get(FILINGS, token=reader).status == 200
    refused = file(api, reader, where=SHANGHAI)
    assert problem(refused, 403, "forbidden")
    card_only, _ = JwtTokenService(s.token_secret, 900).issue(pid(p), ["card:read"], now)
    problem(api.get(FILINGS, token=card_only), 403, "forbidden")


def test_a_malformed_filing_id_is_422(stack, api, login, clock):
    token = login(stack.fresh_person(scheme="resident"))
    refused = problem(api.get(f"{FILINGS}/not-an-id", token=token), 422, "validation")
    assert refused["errors"][0]["path"] == "$.filing_id"


# --- the public look-ups ----------------------------------------------------------------------


def test_regions_and_institutions_need_no_database(api):
    with dynamodb_requests() as count:
        regions = api.get("/v1/regions?q=曲靖")
        everything = api.get("/v1/regions")
        hospitals = api.get("/v1/institutions?city=530300")
        by_name = api.get("/v1/institutions?q=中医&city=110100")
    assert sum(count.values()) == 0
    assert regions.status == 200
    assert regions.body["provinces"][0]["cities"] == [
        {"code": "530300", "name_zh": "曲靖市", "name_en": "Qujing"}
    ]
    assert "GB/T 2260" in regions.body["standard"] and regions.body["derived_on"]
    assert len(everything.body["provinces"]) == 32
    assert {h["city"] for h in hospitals.body["institutions"]} == {"530300"}
    assert [h["name_zh"] for h in by_name.body["institutions"]] == ["北京市中医医院"]
    assert hospitals.body["what_to_do_zh"] == "持医保电子凭证或社保卡到以下医院可直接结算。"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/institutions", "$.city"),
        ("/v1/institutions?city=999999", "$.city"),
        ("/v1/institutions?city=abc", "$.city"),
        ("/v1/regions?q=%3Cscript%3E", "$.q"),
        ("/v1/institutions?q=" + "x" * 21, "$.q"),
    ],
)
def test_bad_look_ups_are_422(api, path, field):
    assert problem(api.get(path), 422, "validation")["errors"][0]["path"] == field
