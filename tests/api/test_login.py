"""Login by ID number and SMS code, through the API on the local stack."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from chalicelib.adapters.clock import CHINA, FixedClock
from chalicelib.bootstrap import use_clock

OTP = "/v1/auth/otp"
TOKEN = "/v1/auth/token"


@pytest.fixture
def clock():
    fixed = FixedClock(datetime(2026, 11, 25, 9, 0, 30, tzinfo=CHINA) + timedelta(days=30))
    use_clock(fixed)
    yield fixed
    use_clock(None)


def test_login_with_the_sms_code_gives_a_token_for_me(stack, api):
    p = stack.fresh_person()
    reply = api.post(OTP, {"id_number": p.id_number, "phone": p.phone})
    assert reply.status == 202
    code = stack.last_code(p.phone)
    assert code is not None and len(code) == 6
    reply = api.post(TOKEN, {"id_number": p.id_number, "code": code})
    assert reply.status == 200
    assert reply.body["token_type"] == "Bearer"
    assert 0 < reply.body["expires_in"] <= 900
    me = api.get("/v1/me", token=reply.body["access_token"])
    assert me.status == 200
    assert me.body["name"] == p.name
    assert me.body["id_number_masked"] == p.id_number[:6] + "********" + p.id_number[-4:]
    assert me.body["phone_masked"] == p.phone[:3] + "****" + p.phone[-4:]
    assert p.id_number not in me.text and p.phone not in me.text


def test_the_answer_is_the_same_whether_or_not_the_pair_matches(stack, api):
    p = stack.fresh_person()
    other = stack.fresh_person()
    matching = api.post(OTP, {"id_number": p.id_number, "phone": p.phone})
    wrong_phone = api.post(OTP, {"id_number": p.id_number, "phone": other.phone})
    import random
    from datetime import date

    from chalicelib.demo import make_id_number

    stranger = make_id_number(random.Random(7), "530302", date(1970, 1, 1), "male")
    unknown = api.post(OTP, {"id_number": stranger, "phone": "13700001111"})
    assert matching.status == wrong_phone.status == unknown.status == 202
    assert matching.body == wrong_phone.body == unknown.body
    assert stack.sms_count(other.phone) == 0, "a code went to a phone that is not registered"
    assert stack.sms_count("13700001111") == 0


@pytest.mark.parametrize(
    ("id_number", "code"),
    [
        ("530302196001011230", "id_checksum"),
        ("530302202102301234", "id_birth_date"),  # 30 February
        ("530302209901011234", "id_birth_date"),  # born in the future
        ("53030219600101123A", "pattern"),
    ],
)
def test_bad_id_numbers_get_a_clear_reason(api, id_number, code):
    reply = api.post(OTP, {"id_number": id_number, "phone": "13812345678"})
    assert reply.status == 422
    assert reply.content_type.startswith("application/problem+json")
    [error] = reply.body["errors"]
    assert error["path"] == "$.id_number" and error["pointer"] == "/id_number"
    assert error["code"] == code
    assert error["detail_zh"]


def test_a_real_number_with_a_renamed_birthplace_code_is_accepted(api):
    # 530302 (麒麟区) is newer than 1960, yet such real numbers exist: no code look-up.
    from chalicelib.rules.identity import check_digit

    first17 = "53030219600101123"
    reply = api.post(OTP, {"id_number": first17 + check_digit(first17), "phone": "13812340000"})
    assert reply.status == 202


def test_a_phone_that_is_not_a_chinese_mobile_is_refused(api):
    # 154 is no mobile range, though the document's 1[3-9] prefix admits it
    reply = api.post(OTP, {"id_number": "530302196001011239", "phone": "15412345678"})
    assert reply.status == 422
    assert reply.body["errors"][0]["code"] == "phone_format"
    reply = api.post(OTP, {"id_number": "530302196001011239", "phone": "12012345678"})
    assert reply.status == 422
    assert reply.body["errors"][0]["code"] == "pattern"


def test_codes_are_limited_per_phone_a_minute_an_hour_and_a_day(stack, api, clock):
    p = stack.fresh_person()
    body = {"id_number": p.id_number, "phone": p.phone}
    assert api.post(OTP, body).status == 202
    again = api.post(OTP, body)
    assert again.status == 429
    assert 1 <= int(again.headers["Retry-After"]) <= 60
    assert again.body["type"].endswith("/too-many-requests")
    assert re.search(r"请在 (\d+ 秒|1 分钟)后再试。", again.body["detail_zh"]), again.body
    sent = 1
    for _ in range(4):  # 5 an hour
        clock.advance(seconds=61)
        assert api.post(OTP, body).status == 202
        sent += 1
    clock.advance(seconds=61)
    over_hour = api.post(OTP, body)
    assert over_hour.status == 429 and int(over_hour.headers["Retry-After"]) > 60
    # A wait of more than a minute is said in whole minutes, not hundreds of seconds.
    assert re.search(r"请在 \d+ 分钟后再试。", over_hour.body["detail_zh"]), over_hour.body
    assert "秒" not in over_hour.body["detail_zh"]
    for _ in range(5):  # 10 a day
        clock.advance(hours=1, seconds=1)
        if api.post(OTP, body).status == 202:
            sent += 1
    assert sent == 10
    clock.advance(hours=1, seconds=1)
    over_day = api.post(OTP, body)
    assert over_day.status == 429
    assert stack.sms_count(p.phone) == 10


def test_codes_are_limited_per_client_ip(stack, api, monkeypatch, clock):
    clock.advance(days=100)  # an hour window no other test has counted in
    monkeypatch.setenv("YIBAO_OTP_PER_IP_HOUR", "3")
    people = [stack.fresh_person() for _ in range(4)]
    answers = [
        api.post(OTP, {"id_number": p.id_number, "phone": p.phone}).status for p in people
    ]
    assert answers == [202, 202, 202, 429]
    assert stack.sms_count(people[3].phone) == 0


def test_a_code_works_once(stack, api):
    p = stack.fresh_person()
    api.post(OTP, {"id_number": p.id_number, "phone": p.phone})
    code = stack.last_code(p.phone)
    assert api.post(TOKEN, {"id_number": p.id_number, "code": code}).status == 200
    second = api.post(TOKEN, {"id_number": p.id_number, "code": code})
    assert second.status == 400
    assert second.body["type"].endswith("/code-invalid")


def test_five_wrong_tries_void_the_code(stack, api):
    p = stack.fresh_person()
    api.post(OTP, {"id_number": p.id_number, "phone": p.phone})
    code = stack.last_code(p.phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert api.post(TOKEN, {"id_number": p.id_number, "code": wrong}).status == 400
    assert api.post(TOKEN, {"id_number": p.id_number, "code": code}).status == 400


def test_a_wrong_try_does_not_void_a_code_before_the_fifth(stack, api):
    p = stack.fresh_person()
    api.post(OTP, {"id_number": p.id_number, "phone": p.phone})
    code = stack.last_code(p.phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        api.post(TOKEN, {"id_number": p.id_number, "code": wrong})
    assert api.post(TOKEN, {"id_number": p.id_number, "code": code}).status == 200


def test_a_code_expires_after_five_minutes(stack, api, clock):
    p = stack.fresh_person()
    api.post(OTP, {"id_number": p.id_number, "phone": p.phone})
    code = stack.last_code(p.phone)
    clock.advance(seconds=301)
    assert api.post(TOKEN, {"id_number": p.id_number, "code": code}).status == 400


def test_codes_are_stored_hashed(stack, api):
    from chalicelib.adapters.dynamodb.models import OTP_SK, OtpItem, person_pk
    from chalicelib.config import settings
    from chalicelib.services.auth import person_id_for

    p = stack.fresh_person()
    api.post(OTP, {"id_number": p.id_number, "phone": p.phone})
    code = stack.last_code(p.phone)
    item = OtpItem.get(person_pk(person_id_for(p.id_number, settings().pepper)), OTP_SK)
    stored = item.attribute_values
    assert code not in str(stored)
    assert p.id_number not in str(stored) and p.phone not in str(stored)


def test_one_code_a_minute_counts_from_the_last_code_not_the_clock_minute(stack, api, clock):
    p = stack.fresh_person()
    body = {"id_number": p.id_number, "phone": p.phone}
    clock.advance(days=3)
    clock._at = clock._at.replace(second=59)  # the last second of a clock minute
    assert api.post(OTP, body).status == 202
    clock.advance(seconds=2)  # a new clock minute, 2 s after the code
    refused = api.post(OTP, body)
    assert refused.status == 429
    assert int(refused.headers["Retry-After"]) == 58
    clock.advance(seconds=58)
    assert api.post(OTP, body).status == 202


def _stranger_id(seed: int) -> str:
    """A valid ID number of nobody insured."""
    import random
    from datetime import date

    from chalicelib.demo import make_id_number

    return make_id_number(random.Random(seed), "530302", date(1971, 2, 3), "female")


def test_requests_with_someone_elses_phone_do_not_use_up_their_codes(stack, api, clock):
    clock.advance(days=200)  # windows no other test has counted in
    victim = stack.fresh_person()
    # An attacker asks with random ID numbers and the victim's phone, once a minute, all day.
    for seed in range(12):
        api.post(OTP, {"id_number": _stranger_id(seed), "phone": victim.phone})
        clock.advance(seconds=61)
    clock.advance(seconds=-61)  # the holder asks right after the last of them
    mine = api.post(OTP, {"id_number": victim.id_number, "phone": victim.phone})
    assert mine.status == 202, mine.text
    assert stack.last_code(victim.phone) is not None


def test_pairs_that_do_not_match_have_their_own_limit_per_phone(stack, api, clock):
    clock.advance(days=201)
    phone = stack.fresh_person().phone
    assert api.post(OTP, {"id_number": _stranger_id(1), "phone": phone}).status == 202
    refused = api.post(OTP, {"id_number": _stranger_id(2), "phone": phone})
    assert refused.status == 429 and "后再试" in refused.body["detail_zh"]


def test_step_up_codes_do_not_use_up_the_login_codes(stack, api, clock, login):
    clock.advance(days=202)
    p = stack.fresh_person()
    token = login(p)  # 1 login code this hour
    for _ in range(5):
        clock.advance(seconds=61)
        assert api.post("/v1/me/card/unfreeze-code", token=token).status == 202
    clock.advance(seconds=61)
    again = api.post(OTP, {"id_number": p.id_number, "phone": p.phone})
    assert again.status == 202, again.text


def test_a_pair_that_does_not_match_makes_the_same_aws_requests_as_one_that_does(stack, api):
    """No timing oracle (issue 15 item 2): the same requests to DynamoDB, SNS and SQS
    whether or not the ID number and phone match (a decoy for nobody when they do not);
    `make bench` compares their times."""
    from local.metering import aws_requests

    warm = stack.fresh_person()  # the first request builds the clients (and the local topic)
    assert api.post(OTP, {"id_number": warm.id_number, "phone": warm.phone}).status == 202
    p, other = stack.fresh_person(), stack.fresh_person()
    asked = {
        "match": {"id_number": p.id_number, "phone": p.phone},
        "wrong phone": {"id_number": other.id_number, "phone": p.phone},
        "unknown id": {"id_number": _stranger_id(31), "phone": other.phone},
    }
    sent_before = len(stack.moto.sent_sms())
    counts = {}
    for name, body in asked.items():
        with aws_requests() as count:
            assert api.post(OTP, body).status == 202
        counts[name] = dict(count)
    assert counts["match"][("sns", "Publish")] == 1, counts["match"]
    assert counts["match"] == counts["wrong phone"] == counts["unknown id"], counts
    # … and the decoys reached nobody: one SMS went, the matching pair's code.
    sent = stack.moto.sent_sms()[sent_before:]
    assert [m["to"][-11:] for m in sent] == [p.phone]


def test_a_decoy_leaves_the_holders_code_and_messages_alone(stack, api, login):
    """A request with the holder's ID number and another phone stores its decoy code under
    an id no person has: the holder's code still works, 我的短信 shows only theirs."""
    p, other = stack.fresh_person(), stack.fresh_person()
    assert api.post(OTP, {"id_number": p.id_number, "phone": p.phone}).status == 202
    code = stack.last_code(p.phone)
    assert api.post(OTP, {"id_number": p.id_number, "phone": other.phone}).status == 202
    reply = api.post(TOKEN, {"id_number": p.id_number, "code": code})
    assert reply.status == 200, reply.text
    messages = api.get("/v1/me/notices", token=reply.body["access_token"]).body["messages"]
    assert len(messages) == 1, messages


def test_a_decoy_that_cannot_be_published_still_gets_the_same_answer(stack, api, monkeypatch):
    """The decoy is best effort: a topic the functions may not reach (a policy refusing
    it, a topic gone) is logged, and the answer is the 202 every pair gets, never a 500."""
    monkeypatch.setenv("YIBAO_DECOY_TOPIC", "arn:aws:sns:us-east-1:123456789012:no-such-topic")
    p, other = stack.fresh_person(), stack.fresh_person()
    reply = api.post(OTP, {"id_number": p.id_number, "phone": other.phone})
    assert reply.status == 202, reply.text
    assert stack.sms_count(other.phone) == 0 and stack.sms_count(p.phone) == 0
