"""Settlement through the API: the store supplies the person, one transaction writes."""

from __future__ import annotations

import base64
import uuid

from chalicelib.config import settings
from chalicelib.services.auth import person_id_for

SETTLE = "/v1/settlements"


def visit_body(hospital, person=None, card=None, amount="20000", kind="inpatient", level=2,
               use_account=False, visit_id=None):
    body = {
        "hospital_id": hospital["id"],
        "visit_id": visit_id or uuid.uuid4().hex,
        "visit": {"kind": kind, "hospital_level": level, "location": "in_county"},
        "items": [{"code": "X1", "catalogue": "A", "amount": amount}],
        "use_account": use_account,
    }
    if card:
        body["card_number"] = card
    else:
        body["person_id"] = person
    return body


def pid(p):
    return person_id_for(p.id_number, settings().pepper)


def test_the_worked_example_settles_through_the_api(stack, api, hospital):
    p = stack.fresh_person(scheme="resident", groups=("low_income",))
    reply = api.post(SETTLE, visit_body(hospital, card=p.card_number), token=hospital["token"])
    assert reply.status == 200, reply.text
    s = reply.body
    assert s["deductible"] == "500.00"
    assert s["parts"] == {"basic": "16575.00", "critical_illness": "276.25",
                          "medical_assistance": "1889.25", "safety_net": "0.00",
                          "account": "0.00", "cash": "1259.50"}
    assert s["person_id"] == pid(p) and s["status"] == "settled"
    assert s["lines"] and all(line["text_zh"] and line["text_en"] for line in s["lines"])


def test_the_same_visit_again_returns_the_same_settlement(stack, api, hospital):
    p = stack.fresh_person(scheme="resident")
    body = visit_body(hospital, person=pid(p))
    first = api.post(SETTLE, body, token=hospital["token"])
    again = api.post(SETTLE, body, token=hospital["token"])
    assert first.status == again.status == 200
    assert first.body["settlement_id"] == again.body["settlement_id"]
    assert first.body["parts"] == again.body["parts"]
    changed = dict(body, items=[{"code": "X1", "catalogue": "A", "amount": "99"}])
    conflict = api.post(SETTLE, changed, token=hospital["token"])
    assert conflict.status == 409 and conflict.body["code"] == "visit_reused"
    listed = api.get("/v1/me/settlements", token=None)
    assert listed.status == 401


def test_year_to_date_figures_carry_over_to_the_next_settlement(stack, api, hospital):
    p = stack.fresh_person(scheme="resident", groups=())
    first = api.post(SETTLE, visit_body(hospital, person=pid(p)), token=hospital["token"]).body
    second = api.post(SETTLE, visit_body(hospital, person=pid(p)), token=hospital["token"]).body
    assert second["ytd_before"] == first["ytd_after"]
    assert second["ytd_after"]["basic_paid"] == "%.2f" % (
        float(first["ytd_after"]["basic_paid"]) * 2)


def test_a_lost_card_is_refused_but_the_voucher_still_works(stack, api, hospital, login):
    p = stack.fresh_person(scheme="resident")
    token = login(p)
    api.post("/v1/me/card/loss", {"kind": "temporary"}, token=token)
    refused = api.post(SETTLE, visit_body(hospital, card=p.card_number), token=hospital["token"])
    assert refused.status == 409
    assert refused.body["type"].endswith("/card-not-usable")
    assert "电子凭证" in refused.body["detail_zh"]
    voucher = api.post(SETTLE, visit_body(hospital, person=pid(p)), token=hospital["token"])
    assert voucher.status == 200


def test_the_account_pays_and_a_reversal_undoes_it_exactly_once(stack, api, hospital, login):
    from chalicelib.bootstrap import container

    p = stack.fresh_person(scheme="employee", retired=False, tier_pct=100.0)
    balance = container().settlement_store.load_subject(pid(p), 2026).account_balance
    body = visit_body(hospital, person=pid(p), amount="3000", use_account=True)
    reply = api.post(SETTLE, body, token=hospital["token"])
    assert reply.status == 200, reply.text
    settled = reply.body
    account_part = settled["parts"]["account"]
    expected_account = min(int(settled["parts"]["account"].replace(".", "")), balance)
    assert int(account_part.replace(".", "")) == expected_account
    reversed_ = api.post(f"{SETTLE}/{settled['settlement_id']}/reversal", token=hospital["token"])
    assert reversed_.status == 200 and reversed_.body["status"] == "reversed"
    again = api.post(f"{SETTLE}/{settled['settlement_id']}/reversal", token=hospital["token"])
    assert again.status == 409 and again.body["code"] == "already_reversed"
    # the answer is built without reading the settlement back: it is what the store holds
    key = container().settlement_store.find_by_id(settled["settlement_id"])
    assert reversed_.body == container().settlement_store.body(key)
    assert reversed_.body["reversed_at"] and {**reversed_.body, "status": "settled"} == {
        **settled, "reversed_at": reversed_.body["reversed_at"]
    }
    estimate = api.post("/v1/me/estimates", {"visit": body["visit"], "items": body["items"],
                                             "use_account": True}, token=login(p))
    assert estimate.status == 200
    assert estimate.body["parts"] == settled["parts"], "the reversal did not restore the figures"


def test_a_reversed_visit_is_settled_again_with_a_corrected_bill(stack, api, hospital, login):
    """冲正后重新结算：after a reversal the same visit id settles again with the corrected
    bill; retries of either bill get their own one answer, and nothing is counted twice."""
    from chalicelib.bootstrap import container

    p = stack.fresh_person(scheme="employee", retired=False, tier_pct=100.0)
    store = container().settlement_store
    opening = store.load_subject(pid(p), 2026)
    wrong = visit_body(hospital, person=pid(p), amount="3000", use_account=True)
    first = api.post(SETTLE, wrong, token=hospital["token"]).body
    refused = api.post(SETTLE, {**wrong, "items": [{**wrong["items"][0], "amount": "2000"}]},
                       token=hospital["token"])
    assert refused.status == 409 and refused.body["code"] == "visit_reused"
    assert "冲正" in refused.body["detail_zh"]
    undone = api.post(f"{SETTLE}/{first['settlement_id']}/reversal", token=hospital["token"])
    assert undone.status == 200, undone.text

    corrected = {**wrong, "items": [{**wrong["items"][0], "amount": "2000"}]}
    again = api.post(SETTLE, corrected, token=hospital["token"])
    assert again.status == 200, again.text
    second = again.body
    assert second["status"] == "settled" and second["visit_id"] == wrong["visit_id"]
    assert second["settlement_id"] != first["settlement_id"] and second["total"] == "2000.00"
    assert second["ytd_before"] == first["ytd_before"]  # the reversal gave everything back
    after = store.load_subject(pid(p), 2026)
    assert after.ytd == {k: int(v.replace(".", "")) for k, v in second["ytd_after"].items()}
    debit = int(second["parts"]["account"].replace(".", ""))
    assert after.account_balance == opening.account_balance - debit

    # retries: the corrected bill gets its settlement, the first bill its reversed one
    assert api.post(SETTLE, corrected, token=hospital["token"]).body == second
    late = api.post(SETTLE, wrong, token=hospital["token"])
    assert late.status == 200 and late.body["settlement_id"] == first["settlement_id"]
    assert late.body["status"] == "reversed"
    other = {**wrong, "items": [{**wrong["items"][0], "amount": "1000"}]}
    assert api.post(SETTLE, other, token=hospital["token"]).status == 409
    assert store.load_subject(pid(p), 2026).ytd == after.ytd
    mine = api.get("/v1/me/settlements", token=login(p)).body["settlements"]
    ids = [x["settlement_id"] for x in mine if x["visit_id"] == wrong["visit_id"]]
    assert sorted(ids) == sorted([first["settlement_id"], second["settlement_id"]])

    # the corrected settlement can itself be reversed, and the visit settled once more
    api.post(f"{SETTLE}/{second['settlement_id']}/reversal", token=hospital["token"])
    third = api.post(SETTLE, other, token=hospital["token"])
    assert third.status == 200 and third.body["total"] == "1000.00"
    assert third.body["ytd_before"] == first["ytd_before"]


def test_citizens_see_their_own_settlements_newest_first_with_a_cursor(stack, api, hospital,
                                                                       login):
    p, other = stack.fresh_person(scheme="resident"), stack.fresh_person(scheme="resident")
    ids = [api.post(SETTLE, visit_body(hospital, person=pid(p), amount=str(100 + i)),
                    token=hospital["token"]).body["settlement_id"] for i in range(3)]
    api.post(SETTLE, visit_body(hospital, person=pid(other)), token=hospital["token"])
    token = login(p)
    page = api.get("/v1/me/settlements?limit=2", token=token).body
    assert [s["settlement_id"] for s in page["settlements"]] == ids[::-1][:2]
    rest = api.get(f"/v1/me/settlements?limit=2&cursor={page['next_cursor']}", token=token).body
    assert [s["settlement_id"] for s in rest["settlements"]] == ids[:1]
    forged = base64.urlsafe_b64encode(b"PERSON#x").decode()
    assert api.get(f"/v1/me/settlements?cursor={forged}", token=token).status == 422
    assert api.get("/v1/me/settlements?limit=0", token=token).status == 422
    # Someone else's token, even with this person's cursor, reads only their own.
    theirs = api.get(f"/v1/me/settlements?limit=2&cursor={page['next_cursor']}",
                     token=login(other))
    assert theirs.status in (200, 422)
    seen = str(theirs.body)
    assert not any(i in seen for i in ids) and p.name not in seen


def test_an_estimate_explains_the_zhang_refusal_and_writes_nothing(stack, api, login):
    from datetime import datetime

    from chalicelib.adapters.clock import CHINA, FixedClock
    from chalicelib.bootstrap import use_clock
    from chalicelib.demo import person

    li = person(990101, 1)  # 李秀英：in-service employee at 85%, chronic qualification
    # A past clock: her one-code-a-minute gap ends long before the browser tests log her in.
    use_clock(FixedClock(datetime(2026, 1, 10, 9, 0, tzinfo=CHINA)))
    try:
        zhang_refusal(api, login(li))
    finally:
        use_clock(None)


def zhang_refusal(api, token):
    before = api.get("/v1/me/settlements", token=token).body
    reply = api.post("/v1/me/estimates", {
        "visit": {"kind": "chronic_outpatient", "hospital_level": 2, "location": "in_county"},
        "items": [{"code": "M1", "catalogue": "A", "amount": "800"}],
    }, token=token)
    assert reply.status == 200
    assert reply.body["parts"]["basic"] == "0.00" and reply.body["eligible"] is False
    assert any("95%" in line["text_zh"] for line in reply.body["lines"])
    assert api.get("/v1/me/settlements", token=token).body == before


def test_settlement_needs_a_hospital_client_for_that_hospital(stack, api, hospital, login):
    p = stack.fresh_person(scheme="resident")
    citizen = login(p)
    assert api.post(SETTLE, visit_body(hospital, person=pid(p)), token=citizen).status == 403
    other = dict(visit_body(hospital, person=pid(p)), hospital_id="H-OTHER")
    assert api.post(SETTLE, other, token=hospital["token"]).status == 403
    assert api.post(SETTLE, visit_body(hospital, person=pid(p))).status == 401


def test_bad_bills_name_the_field(stack, api, hospital):
    p = stack.fresh_person(scheme="resident")
    body = visit_body(hospital, person=pid(p), amount="12.345")
    reply = api.post(SETTLE, body, token=hospital["token"])
    assert reply.status == 422
    assert reply.body["errors"][0]["path"].startswith("$.items[0].amount")
    both = dict(body, card_number=p.card_number, items=[{"code": "X", "catalogue": "A",
                                                         "amount": "1"}])
    assert api.post(SETTLE, both, token=hospital["token"]).status == 422


def test_wrong_client_secret_is_401(stack, api, hospital):
    from urllib.parse import urlencode

    reply = api.request(
        "POST", "/v1/oauth/token",
        raw=urlencode({"grant_type": "client_credentials", "client_id": hospital["client_id"],
                       "client_secret": "wrong"}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 401 and reply.body["code"] == "invalid_client"
    basic = base64.b64encode(f"{hospital['client_id']}:{hospital['secret']}".encode()).decode()
    ok = api.post("/v1/oauth/token", {"grant_type": "client_credentials"},
                  headers={"Authorization": f"Basic {basic}"})
    assert ok.status == 200 and ok.body["scope"] == "settlements:write"


def test_a_person_whose_insurance_is_not_active_is_refused_in_plain_words(stack, api, hospital):
    from chalicelib.demo import person

    suspended = next(p for i in range(5, 250) if (p := person(990101, i)).status == "suspended")
    reply = api.post(SETTLE, visit_body(hospital, person=pid(suspended)), token=hospital["token"])
    assert reply.status == 422 and reply.body["code"] == "insurance_suspended"
    assert "补缴" in reply.body["detail_zh"]


def test_a_visit_id_with_a_trailing_newline_is_refused(stack, api, hospital):
    """Python's ``$`` matches before a final newline; a schema's pattern must not (ECMA-262)."""
    p = stack.fresh_person(scheme="resident")
    visit = "VB-" + uuid.uuid4().hex[:12]
    first = api.post(SETTLE, visit_body(hospital, person=pid(p), visit_id=visit),
                     token=hospital["token"])
    assert first.status == 200, first.text
    for odd in (visit + "\n", visit + "\x00", visit + "\r\n", "\n" + visit):
        reply = api.post(SETTLE, visit_body(hospital, person=pid(p), visit_id=odd),
                         token=hospital["token"])
        assert reply.status == 422, (odd, reply.text)
        assert [e["path"] for e in reply.body["errors"]] == ["$.visit_id"]
    replay = api.post(SETTLE, visit_body(hospital, person=pid(p), visit_id=visit),
                      token=hospital["token"])
    assert replay.status == 200 and replay.body["settlement_id"] == first.body["settlement_id"]


def test_a_card_reported_lost_while_its_settlement_is_computed_does_not_settle(
    stack, api, hospital, monkeypatch
):
    """The race a lost card must not win: the settlement reads the card as active, the
    person reports it lost before the write. The write checks the card as read, fails, and
    the try that reads again refuses the card; nothing is settled."""
    from chalicelib.adapters.dynamodb.models import CARD_SK, CardItem, person_pk
    from chalicelib.adapters.dynamodb.settlements import DynamoSettlementRepository

    p = stack.fresh_person(scheme="resident")
    read = DynamoSettlementRepository.for_visit
    calls = []

    def read_then_lose(self, *args, **kwargs):
        found = read(self, *args, **kwargs)
        if not calls:  # the loss lands between the first read and its write
            card = CardItem.get(person_pk(pid(p)), CARD_SK, consistent_read=True)
            card.status, card.status_since = "temp_lost", "2026-12-04T10:00:00+08:00"
            card.save()
        calls.append(1)
        return found

    monkeypatch.setattr(DynamoSettlementRepository, "for_visit", read_then_lose)
    body = visit_body(hospital, card=p.card_number)
    refused = api.post(SETTLE, body, token=hospital["token"])
    assert refused.status == 409, refused.text
    assert refused.body["type"].endswith("/card-not-usable")
    assert len(calls) == 2  # read, write refused, read again: the card is lost
    monkeypatch.undo()
    # the same visit by the electronic voucher settles anew: the card's try left nothing
    voucher = visit_body(hospital, person=pid(p), visit_id=body["visit_id"])
    settled = api.post(SETTLE, voucher, token=hospital["token"])
    assert settled.status == 200, settled.text
    assert settled.body["ytd_before"]["basic_paid"] == "0.00"
