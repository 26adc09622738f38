"""Card services through the API on the local stack."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from chalicelib.adapters.clock import CHINA, FixedClock
from chalicelib.bootstrap import use_clock

CARD = "/v1/me/card"


@pytest.fixture
def clock():
    fixed = FixedClock(datetime(2027, 3, 2, 10, 0, tzinfo=CHINA))
    use_clock(fixed)
    yield fixed
    use_clock(None)


def unfreeze_code(stack, api, token, phone):
    assert api.post(f"{CARD}/unfreeze-code", token=token).status == 202
    code = stack.last_code(phone, "解挂")
    assert code
    return code


def test_a_temporary_loss_freezes_the_card_and_is_confirmed_by_sms(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    before = stack.sms_count(p.phone)
    reply = api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token)
    assert reply.status == 200, reply.text
    card = reply.body
    assert card["status"] == "temp_lost" and card["usable_for_settlement"] is False
    assert card["temporary_loss_ends_at"]
    assert card["history"][0]["action"] == "report_temporary_loss"
    assert card["history"][0]["before"] == "active" and card["history"][0]["after"] == "temp_lost"
    assert {s["action"] for s in card["next_steps"]} >= {"report_formal_loss", "unfreeze"}
    assert stack.sms_count(p.phone) == before + 1
    assert "临时挂失" in stack.last_sms(p.phone)
    assert api.get(CARD, token=token).body["status"] == "temp_lost"
    me = api.get("/v1/me", token=token).body
    assert me["card"]["status"] == "temp_lost"


def test_the_same_idempotency_key_gives_one_transition(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token, headers=key)
    again = api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token, headers=key)
    assert first.status == again.status == 200
    assert first.body == again.body
    assert len(api.get(CARD, token=token).body["history"]) == 1
    other = api.post(f"{CARD}/loss", {"kind": "formal"}, token=token, headers=key)
    assert other.status == 409 and other.body["code"] == "idempotency_key_reused"


def test_unfreeze_needs_a_fresh_sms_code(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    api.post(f"{CARD}/loss", {"kind": "formal"}, token=token)
    wrong = api.post(f"{CARD}/unfreeze", {"code": "000000"}, token=token)
    assert wrong.status == 400 and wrong.body["type"].endswith("/code-invalid")
    assert api.get(CARD, token=token).body["status"] == "lost"
    code = unfreeze_code(stack, api, token, p.phone)
    done = api.post(f"{CARD}/unfreeze", {"code": code}, token=token)
    assert done.status == 200 and done.body["status"] == "active"
    assert "解挂" in stack.last_sms(p.phone)


def test_unfreeze_after_a_replacement_request_is_refused_with_an_explanation(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token)
    replaced = api.post(f"{CARD}/replacement", {"pickup": "mail", "address": "示范县城东街道1号"},
                        token=token)
    assert replaced.status == 200 and replaced.body["status"] == "replacement_requested"
    assert replaced.body["replacement_due"]
    code = unfreeze_code(stack, api, token, p.phone)
    refused = api.post(f"{CARD}/unfreeze", {"code": code}, token=token)
    assert refused.status == 409
    assert refused.body["type"].endswith("/card-transition-refused")
    assert refused.body["code"] == "replacement_requested"
    assert "补卡" in refused.body["detail_zh"] and "电子凭证" in refused.body["detail_zh"]


def test_a_replacement_is_due_seven_days_ahead(stack, api, login, clock):
    p = stack.fresh_person()
    token = login(p)
    api.post(f"{CARD}/loss", {"kind": "formal"}, token=token)
    reply = api.post(f"{CARD}/replacement", {"pickup": "outlet", "outlet_id": "990101-01"},
                     token=token)
    assert reply.status == 200, reply.text
    assert reply.body["replacement_due"] == "2027-03-09"
    assert reply.body["pickup"] == "outlet"


def test_a_replacement_made_on_its_due_day_settles_and_its_holder_is_told_once(
    stack, api, login, clock, capsys
):
    from chalicelib.ops.card_replacements import main

    p, other = stack.fresh_person(), stack.fresh_person()
    token, other_token = login(p), login(other)
    api.post(f"{CARD}/loss", {"kind": "formal"}, token=token)
    api.post(f"{CARD}/loss", {"kind": "formal"}, token=other_token)  # lost, not replaced
    reply = api.post(f"{CARD}/replacement", {"pickup": "outlet", "outlet_id": "990101-01"},
                     token=token)
    assert reply.body["replacement_due"] == "2027-03-09"
    old = reply.body["number_masked"]
    assert main(["--date", "2027-03-08"]) == 0  # the day before: not made yet
    assert api.get(CARD, token=token).body["status"] == "replacement_requested"
    clock.advance(days=7)  # the due day, 10:00
    sent_before = stack.sms_count(p.phone)
    assert main([]) == 0
    assert "ready=" in capsys.readouterr().out
    assert stack.sms_count(p.phone) == sent_before + 1
    text = stack.last_sms(p.phone)
    token = login(p)  # the first sign-in has expired by now
    card = api.get(CARD, token=token).body
    assert card["status"] == "active" and card["usable_for_settlement"] is True
    assert card["number_masked"] != old and card["replacement_due"] is None
    assert (card["history"][0]["action"], card["history"][0]["channel"]) == (
        "complete_replacement", "card_office")
    assert card["history"][0]["action_label"]["zh"] == "补卡办好"
    assert f"您补办的医保卡（尾号{card['number_masked'][-4:]}）已办好" in text
    ready = [m for m in api.get("/v1/me/notices", token=token).body["messages"]
             if m["kind"] == "card_replacement_ready"]
    assert [(m["status"], m["group"]) for m in ready] == [("sent", "card")]
    # run again: nothing more is made or sent; the other lost card is untouched
    assert main([]) == 0
    assert stack.sms_count(p.phone) == sent_before + 2  # the sign-in code above, no more
    assert api.get(CARD, token=login(other)).body["status"] == "lost"


def test_the_new_card_settles_and_the_old_number_is_refused(stack, api, login, clock, hospital):
    from chalicelib.bootstrap import container
    from chalicelib.services.cards import complete_due_replacements

    p = stack.fresh_person(scheme="resident")
    token = login(p)
    api.post(f"{CARD}/loss", {"kind": "formal"}, token=token)
    api.post(f"{CARD}/replacement", {"pickup": "mail", "address": "示范县城东街道1号"},
             token=token)
    clock.advance(days=7)
    complete_due_replacements(container().card_services(), clock.now().date())
    new = api.get(CARD, token=login(p)).body["number_masked"]
    from urllib.parse import urlencode

    granted = api.request(  # a week on: the hospital's token of the session has expired
        "POST", "/v1/oauth/token",
        raw=urlencode({"grant_type": "client_credentials", "client_id": hospital["client_id"],
                       "client_secret": hospital["secret"]}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    hospital_token = granted.body["access_token"]

    def settle(card_number):
        body = {"hospital_id": hospital["id"], "visit_id": uuid.uuid4().hex,
                "visit": {"kind": "outpatient", "hospital_level": 1, "location": "in_county"},
                "items": [{"code": "X1", "catalogue": "A", "amount": "100"}],
                "use_account": False, "card_number": card_number}
        return api.post("/v1/settlements", body, token=hospital_token)

    old = settle(p.card_number)
    assert old.status == 409 and old.body["type"].endswith("/card-not-usable"), old.text
    from chalicelib.services.auth import person_id_for

    pid = person_id_for(p.id_number, container().settings.pepper)
    number = container().cards.load(pid).card.number
    assert number.startswith("D98") and number[-4:] == new[-4:]
    reply = settle(number)
    assert reply.status == 200, reply.text
    assert reply.body["person_id"] == pid


def test_a_temporary_loss_lapses_on_day_eight(stack, api, login, clock):
    p = stack.fresh_person()
    token = login(p)
    api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token)
    clock.advance(days=6, hours=23)
    assert api.get(CARD, token=login(p)).body["status"] == "temp_lost"
    clock.advance(days=1, hours=1)  # day 8
    card = api.get(CARD, token=login(p)).body  # the first sign-in has expired by now
    assert card["status"] == "active" and card["usable_for_settlement"] is True


def test_bad_card_requests_are_422(stack, api, login):
    token = login(stack.fresh_person())
    assert api.post(f"{CARD}/loss", {"kind": "maybe"}, token=token).status == 422
    assert api.post(f"{CARD}/replacement", {"pickup": "mail"}, token=token).status == 422
    bad_outlet = api.post(f"{CARD}/replacement", {"pickup": "outlet", "outlet_id": "nowhere"},
                          token=token)
    assert bad_outlet.status == 422 and bad_outlet.body["errors"][0]["path"] == "$.outlet_id"
    short_key = api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token,
                         headers={"Idempotency-Key": "x"})
    assert short_key.status == 422
    assert api.get(CARD, token=token).body["status"] == "active", "bad input changed the card"


def test_the_no_card_certificate_reveals_only_initial_masked_id_and_validity(stack, api, login):
    p = stack.fresh_person()
    token = login(p)
    mine = api.get(f"{CARD}/no-card-certificate", token=token).body
    assert len(mine["code"]) == 8 and mine["qr_svg"].startswith("data:image/svg+xml")
    assert api.get(f"{CARD}/no-card-certificate", token=token).body["code"] == mine["code"]
    public = api.get(f"/v1/certificates/{mine['code']}")
    assert public.status == 200
    assert set(public.body) == {"code", "name", "id_number_masked", "issued_at", "valid_until",
                                "valid"}
    assert public.body["name"] == p.name[0] + "*" * (len(p.name) - 1)
    assert public.body["valid"] is True
    assert p.id_number not in public.text and p.phone not in public.text
    assert api.get("/v1/certificates/ZZZZZZZZ").status == 404


def test_person_a_token_never_touches_person_b_card(stack, api, login):
    a, b = stack.fresh_person(), stack.fresh_person()
    token_a, token_b = login(a), login(b)
    api.post(f"{CARD}/loss", {"kind": "temporary"}, token=token_a)
    assert api.get(CARD, token=token_b).body["status"] == "active"
    assert api.get(CARD, token=token_a).body["status"] == "temp_lost"
    # B's card number never shows in A's view.
    assert b.card_number[-4:] not in api.get(CARD, token=token_a).body["number_masked"][-4:] \
        or a.card_number[-4:] == b.card_number[-4:]


def test_card_routes_need_a_token_with_the_right_scope(stack, api):
    import time

    from chalicelib.adapters.tokens import JwtTokenService
    from chalicelib.config import settings

    for method, path in (("GET", CARD), ("POST", f"{CARD}/loss"), ("POST", f"{CARD}/replacement"),
                         ("POST", f"{CARD}/unfreeze"), ("POST", f"{CARD}/unfreeze-code"),
                         ("GET", f"{CARD}/no-card-certificate")):
        assert api.request(method, path, {}).status == 401
    s = settings()
    reader, _ = JwtTokenService(s.token_secret, 900).issue("pnobody", ["card:read"],
                                                           int(time.time()))
    assert api.post(f"{CARD}/loss", {"kind": "temporary"}, token=reader).status == 403


def test_the_certificate_check_is_limited_per_client_ip(api, clock, monkeypatch):
    clock.advance(days=400)  # a minute no other test has counted in
    monkeypatch.setenv("YIBAO_CERT_CHECKS_PER_MINUTE", "20")
    answers = [api.get(f"/v1/certificates/ZZ{n:06d}").status for n in range(30)]
    assert answers[:20] == [404] * 20
    assert set(answers[20:]) == {429}
    refused = api.get("/v1/certificates/ZZZZZZZZ")
    assert refused.body["type"].endswith("/too-many-requests")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "后再试" in refused.body["detail_zh"]  # "N 秒" under a minute, else "1 分钟"
    clock.advance(seconds=60)
    assert api.get("/v1/certificates/ZZZZZZZZ").status == 404
