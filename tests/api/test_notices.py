"""短信 through the API: 我的短信, the preferences, and the signed inbound webhook."""

from __future__ import annotations

import json
import time
import uuid

from chalicelib.api.notices import sign
from local.stack import stage_env

SECRET = stage_env("local")["YIBAO_WEBHOOK_SECRET"]


def _inbound(api, body, *, stamp=None, secret=SECRET, headers=None):
    raw, signed = sign(secret, int(stamp if stamp is not None else time.time()), body)
    return api.request("POST", "/v1/sms/inbound", raw=raw, headers={**signed, **(headers or {})})


def _monthly_on(api, token):
    groups = api.get("/v1/me/notices/preferences", token=token).body["groups"]
    return next(g for g in groups if g["group"] == "monthly")["on"]


def test_my_sms_lists_the_login_code_masked_with_its_status(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    messages = api.get("/v1/me/notices", token=token).body["messages"]
    code = messages[0]
    assert code["kind"] == "login_code" and code["status"] == "sent"
    assert code["status_label"] == {"zh": "已发送", "en": "Sent"}
    assert code["to"] == p.phone[:3] + "****" + p.phone[-4:]
    assert "******" in code["text"] and stack.last_code(p.phone) not in code["text"]
    assert p.phone not in json.dumps(messages)


def test_my_sms_never_shows_someone_elses(stack, api, login):
    a, b = stack.fresh_person(), stack.fresh_person()
    token_a, token_b = login(a), login(b)
    mine = api.get("/v1/me/notices", token=token_a).body["messages"]
    theirs = api.get("/v1/me/notices", token=token_b).body["messages"]
    assert all(m["to"].endswith(a.phone[-4:]) for m in mine)
    assert all(m["to"].endswith(b.phone[-4:]) for m in theirs)
    assert api.get("/v1/me/notices").status == 401


def test_monthly_sms_can_be_turned_off_and_on_but_security_notices_cannot(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    assert _monthly_on(api, token)
    off = api.request(
        "PUT", "/v1/me/notices/preferences", {"groups": {"monthly": False}}, token=token
    )
    assert off.status == 200, off.text
    assert not _monthly_on(api, token)
    refused = api.request(
        "PUT", "/v1/me/notices/preferences", {"groups": {"security": False}}, token=token
    )
    assert refused.status == 422
    assert refused.body["errors"][0]["path"].endswith("security")
    assert "不能关闭" in refused.text
    groups = api.get("/v1/me/notices/preferences", token=token).body["groups"]
    assert next(g for g in groups if g["group"] == "security") == {
        "group": "security",
        "label": {
            "zh": "验证码和安全提醒（不能关闭）",
            "en": "Codes and security notices (always on)",
        },
        "on": True,
        "locked": True,
    }
    on = api.request(
        "PUT", "/v1/me/notices/preferences", {"groups": {"monthly": True}}, token=token
    )
    assert on.status == 200 and _monthly_on(api, token)


def test_bad_preferences_get_a_problem_and_change_nothing(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    for body in ({"groups": {}}, {"groups": {"monthly": "no"}}, {"groups": {"ads": False}}, {}):
        reply = api.request("PUT", "/v1/me/notices/preferences", body, token=token)
        assert reply.status == 422, body
        assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert _monthly_on(api, token)


def test_an_sms_t_from_the_registered_number_opts_out_until_the_portal_turns_it_on(
    stack, api, login
):
    p = stack.fresh_person()
    token = login(p)
    reply = _inbound(api, {"from": p.phone, "text": " t ", "message_id": uuid.uuid4().hex})
    assert reply.status == 200 and reply.body == {"outcome": "opted_out"}
    assert not _monthly_on(api, token)
    # another word changes nothing; the portal turns it on again
    other = _inbound(api, {"from": p.phone, "text": "你好", "message_id": uuid.uuid4().hex})
    assert other.body == {"outcome": "ignored"}
    api.request("PUT", "/v1/me/notices/preferences", {"groups": {"monthly": True}}, token=token)
    assert _monthly_on(api, token)


def test_the_webhook_refuses_an_unsigned_request(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    raw = json.dumps({"from": p.phone, "text": "T"}).encode()
    reply = api.request(
        "POST", "/v1/sms/inbound", raw=raw, headers={"Content-Type": "application/json"}
    )
    assert reply.status == 401
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    forged = _inbound(api, {"from": p.phone, "text": "T"}, secret="not the key")
    assert forged.status == 401
    assert _monthly_on(api, token)


def test_the_webhook_refuses_a_stale_request(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    stale = _inbound(api, {"from": p.phone, "text": "T"}, stamp=time.time() - 600)
    assert stale.status == 401 and "5" in stale.body["detail"]
    assert _monthly_on(api, token)


def test_the_webhook_ignores_a_replayed_request(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    raw, headers = sign(
        SECRET, int(time.time()), {"from": p.phone, "text": "T", "message_id": "m1"}
    )
    first = api.request("POST", "/v1/sms/inbound", raw=raw, headers=headers)
    assert first.body == {"outcome": "opted_out"}
    api.request("PUT", "/v1/me/notices/preferences", {"groups": {"monthly": True}}, token=token)
    replay = api.request("POST", "/v1/sms/inbound", raw=raw, headers=headers)
    assert replay.status == 200 and replay.body == {"outcome": "duplicate"}
    assert _monthly_on(api, token), "a replay changes nothing"


def test_a_bad_inbound_body_gets_a_problem(stack, api):
    for body in ({"from": "12345", "text": "T"}, {"text": "T"}, {"from": "13800001234"}):
        reply = _inbound(api, body)
        assert reply.status == 422, body


def test_each_read_is_one_dynamodb_request_and_a_login_code_at_most_three(stack, api, login):
    from local.metering import dynamodb_requests

    p = stack.fresh_person()
    with dynamodb_requests() as count:
        token = login(p)
    # the code request: the person, the limits with the code, the notice record; the token:
    # the attempt, the use; what make bench budgets (≤ 3 each)
    assert sum(count.values()) <= 6, count
    codes = api.get("/v1/me/notices", token=token).body["messages"]
    assert [m["kind"] for m in codes] == ["login_code"]
    for path in ("/v1/me/notices", "/v1/me/notices/preferences"):
        with dynamodb_requests() as count:
            assert api.get(path, token=token).status == 200
        # the session check (退出登录) rides on it: the records sort after NOTICE#'s
        assert sum(count.values()) == 1, (path, count)
