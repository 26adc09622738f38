"""家庭共济 (family.html) in real headless Chromium against the real local stack, at 360 px.

An employee opens 家庭共济 from the home page, asks to link a resident parent,
types the code the parent received by SMS (a wrong one first: said next to the
field), sees the link in force, and ends it after a confirmation step (取消 first
changes nothing). The parent's side: a request shown in their own portal is
accepted there, a settlement paid from the linked account appears in their family
statement, and they end the link. A resident is told plainly why they cannot pay
for relatives, and gets no form. English and large text fit 360 px.

Paying a relative's resident contribution depends on the date (September to
December only), so it is left to the API tests, which fix the clock.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    BEIJING,
    CJK,
    accessibility_basics,
    api_get,
    assert_fits_width,
    in_text,
    log_in,
    money,
    open_tile,
    sent_back_to_log_in,
    shot,
    toggle_english_and_large_text,
)

pytestmark = pytest.mark.browser


def open_family(page: Page) -> None:
    """From home.html, the 家庭共济 tile is live and leads to family.html, loaded."""
    tile = page.locator("#tile-family")
    # Its name is in the page's language, like the other tiles'.
    expect(page.get_by_role("link", name="家庭共济", exact=True)).to_have_attribute(
        "id", "tile-family"
    )
    assert tile.inner_text().strip() == "家庭共济"
    open_tile(page, "tile-family", "family.html", "家庭共济")
    expect(page.locator("#fam-pay")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#fam-can-pay")).not_to_be_empty()
    expect(page.locator("#fam-uses-box")).to_have_attribute("aria-busy", "false")


def next_year() -> int:
    return datetime.now(BEIJING).year + 1


# ------------------------------------------------------------------ 1. the payer's side


def test_an_employee_links_a_parent_with_the_code_they_read_out_and_ends_it(
    stack: Any, page: Page
) -> None:
    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident", groups=())
    log_in(page, stack, payer)
    open_family(page)

    overview = api_get(page, "/v1/me/family")["body"]
    assert overview["can_pay"] is True
    message = page.locator("#message")
    expect(page.locator("#fam-rules-text")).to_have_text(in_text(overview["rules_zh"]))
    expect(page.locator("#fam-source")).to_contain_text(overview["source"])
    expect(page.locator("#fam-can-pay")).to_have_text("可以用您的个人账户为家人支付")
    expect(page.locator("#fam-can-pay")).to_have_attribute("data-value", "yes")
    expect(page.locator("#fam-why")).to_be_hidden()
    expect(page.locator("#fam-balance")).to_contain_text(money(overview["account_balance"]))
    # Nothing yet: both groups say so in plain words; the statement too.
    expect(page.locator("#fam-payer-links > li")).to_have_count(0)
    expect(page.locator("#fam-payer-empty")).to_contain_text("您还没有为家人绑定")
    expect(page.locator("#fam-relative-empty")).to_contain_text("还没有家人为您支付")
    year = api_get(page, "/v1/me/family/uses")["body"]["year"]
    expect(page.locator("#fam-year")).to_have_value(str(year))
    expect(page.locator("#fam-uses-empty")).to_have_text(f"{year}年没有家庭共济的支付记录。")
    expect(page.locator("#fam-add")).to_be_visible()
    accessibility_basics(page)
    assert_fits_width(page, "family.html scrolls sideways at 360 px")
    shot(page, "family-empty")

    # The form: a plain text field for the ID number (no autofill), checked before sending.
    id_field = page.get_by_label("家人的身份证号")
    expect(id_field).to_have_attribute("type", "text")
    expect(id_field).to_have_attribute("inputmode", "text")
    expect(id_field).to_have_attribute("autocomplete", "off")
    submit = page.get_by_role("button", name="申请绑定，给家人发验证码")
    submit.click()
    expect(message).to_have_attribute("data-kind", "error")
    expect(page.locator("#fam-id-number-error")).to_have_text("请填写身份证号")
    expect(page.locator("#fam-name-error")).to_have_text("请填写家人的姓名")
    expect(page.locator("#fam-relation-error")).to_have_text(
        "请选择这位家人是您的配偶、父母还是子女"
    )
    expect(id_field).to_be_focused()
    expect(id_field).to_have_attribute("aria-invalid", "true")

    # Ask: the parent gets the code by SMS; the answer is a pending link with a code field.
    id_field.fill(relative.id_number.lower())
    page.get_by_label("家人的姓名").fill(relative.name)
    page.get_by_label("这位家人是您的").select_option(label="父母")
    submit.click()
    expect(message).to_have_attribute("data-kind", "success")
    expect(message).to_contain_text("申请已提交")
    links = page.locator("#fam-payer-links > li")
    expect(links).to_have_count(1)
    link = links.first
    expect(link).to_have_attribute("data-status", "pending")
    link_id = link.get_attribute("data-link-id")
    assert link_id
    shown = next(x for x in api_get(page, "/v1/me/family")["body"]["links"] if x["role"] == "payer")
    assert shown["link_id"] == link_id and shown["status"] == "pending"
    masked = shown["other_name"]
    assert masked != relative.name and "*" in masked
    expect(link.locator("h3")).to_have_text(f"{masked}（您的父母）")
    expect(link.locator(".fam-status")).to_have_text("等待对方确认")
    expect(link.locator(".fam-note")).to_contain_text("如果家人没有收到短信，请先撤回这条申请")
    expect(link.locator(".fam-next")).to_have_text(in_text(shown["next_step_zh"]))
    expect(link.locator("[data-fact=created]")).to_have_text(
        re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$")
    )
    code_field = page.get_by_label("家人收到的验证码")
    expect(code_field).to_be_focused()
    expect(code_field).to_have_attribute("inputmode", "numeric")
    expect(code_field).to_have_attribute("autocomplete", "off")
    expect(page.get_by_role("button", name="撤回申请")).to_be_visible()
    expect(page.locator("#fam-payer-empty")).to_be_hidden()
    # The full ID number left the page with the request.
    expect(id_field).to_have_value("")
    assert relative.id_number not in page.content(), "the full ID number is still on the page"
    assert relative.id_number.lower() not in page.content()
    sms = stack.last_sms(relative.phone)
    assert "家庭共济验证码是" in sms and "同意绑定请告诉对方" in sms, sms
    code = stack.last_code(relative.phone, "家庭共济")
    assert code, "the relative got no consent code"
    accessibility_basics(page)
    assert_fits_width(page, "a pending link scrolls sideways at 360 px")
    shot(page, "family-pending")

    # A wrong code is refused next to the field, in the server's words; then the right one.
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    confirm_link = page.get_by_role("button", name="确认绑定")
    code_field.fill(wrong)
    confirm_link.click()
    expect(message).to_have_attribute("data-kind", "error")
    code_error = page.locator(f"#fam-code-{link_id}-error")
    expect(code_error).to_be_visible()
    assert CJK.search(code_error.inner_text()), code_error.inner_text()
    expect(page.get_by_label("家人收到的验证码")).to_be_focused()
    expect(link.locator(".fam-status")).to_have_text("等待对方确认")

    page.get_by_label("家人收到的验证码").fill(code)
    confirm_link.click()
    expect(message).to_have_attribute("data-kind", "success")
    expect(message).to_contain_text("绑定成功")
    expect(link.locator(".fam-status")).to_have_text("已绑定")
    expect(link).to_have_attribute("data-status", "active")
    expect(link.locator(".fam-note")).to_contain_text("绑定成功")
    expect(link.locator("[data-fact=consented]")).to_be_visible()
    expect(page.locator(f"#fam-code-{link_id}")).to_have_count(0)
    year_next = next_year()
    pay = page.locator(f"#fam-pay-{link_id}")
    expect(pay).to_have_text(f"代缴{year_next}年居民医保")
    expect(pay).to_have_attribute("data-year", str(year_next))
    expect(page.locator(f"#fam-pay-hint-{link_id}")).to_contain_text("9月到12月")
    end = page.get_by_role("button", name="解除绑定")
    expect(end).to_be_visible()
    assert api_get(page, "/v1/me/family")["body"]["links"][0]["status"] == "active"
    assert "家庭共济绑定已生效" in stack.last_sms(relative.phone)
    assert_fits_width(page, "an active link scrolls sideways at 360 px")
    shot(page, "family-active")

    # Large English text still fits 360 px; the link is drawn again in English.
    toggle_english_and_large_text(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Family mutual aid")
    expect(page.locator("#fam-rules-text")).to_have_text(in_text(overview["rules_en"]))
    expect(link.locator("h3")).to_have_text(f"{masked} (your parent)")
    expect(link.locator(".fam-status")).to_have_text("active")
    expect(pay).to_have_text(f"Pay their {year_next} resident contribution")
    for heading in page.locator("main h2, main h3").all_inner_texts():
        assert not CJK.search(heading.replace(masked, "")), f"Chinese left: {heading!r}"
    assert_fits_width(page, "family.html scrolls sideways in large English text")
    shot(page, "family-active-large-en")
    toggle_english_and_large_text(page)
    expect(link.locator(".fam-status")).to_have_text("已绑定")

    # Ending asks first; 取消 changes nothing.
    sms_before = stack.sms_count(relative.phone)
    end.click()
    box = page.locator("#fam-confirm")
    expect(box).to_be_visible()
    expect(page.locator("#fam-confirm-title")).to_have_text(f"确认解除和{masked}的绑定？")
    expect(page.locator("#fam-confirm-title")).to_be_focused()
    expect(box).to_contain_text("解除后，您的个人账户不能再为这位家人支付")
    expect(end).to_have_attribute("aria-expanded", "true")
    assert box.evaluate("(b) => b.closest('li')?.dataset.linkId") == link_id
    assert_fits_width(page)
    shot(page, "family-confirm-end")
    page.get_by_role("button", name="取消").click()
    expect(box).to_be_hidden()
    expect(end).to_be_focused()
    expect(message).to_have_text("已取消，没有做任何改动。")
    expect(link.locator(".fam-status")).to_have_text("已绑定")
    assert stack.sms_count(relative.phone) == sms_before, "cancelling still ended the link"

    end.click()
    page.get_by_role("button", name="确认解除").click()
    expect(message).to_have_attribute("data-kind", "success")
    expect(message).to_have_text(f"已解除和{masked}的绑定。")
    # Ended: out of the list, into the folded history (opened, as it just ended).
    expect(page.locator("#fam-payer-links > li")).to_have_count(0)
    link = page.locator(f"#fam-history-links > #fam-link-{link_id}")
    expect(page.locator("#fam-history")).to_have_attribute("open", "")
    expect(page.locator("#fam-history-title")).to_have_text("已结束的申请和绑定（1条）")
    expect(link.locator(".fam-status")).to_have_text("已解除")
    expect(link).to_have_attribute("data-status", "ended")
    expect(link.locator("[data-fact=reason]")).to_have_text("由共济账户本人解除")
    expect(link.locator("[data-fact=ended]")).to_be_visible()
    expect(link.locator("button")).to_have_count(0)
    expect(box).to_be_hidden()
    expect(page.locator(f"#fam-link-{link_id}-title")).to_be_focused()
    assert api_get(page, "/v1/me/family")["body"]["links"][0]["status"] == "ended"
    assert "家庭共济绑定已解除" in stack.last_sms(relative.phone)
    accessibility_basics(page)
    assert_fits_width(page)
    shot(page, "family-ended")


# ------------------------------------------------------------------ 2. the relative's side


def test_a_parent_accepts_in_their_portal_sees_the_payment_in_the_statement_and_ends_it(
    stack: Any, page: Page, api: Any, login: Any, hospital: dict[str, str]
) -> None:
    from chalicelib.config import settings
    from chalicelib.services.auth import person_id_for

    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident", groups=())
    log_in(page, stack, relative)
    payer_token = login(payer)
    asked = api.post(
        "/v1/me/family",
        {"id_number": relative.id_number, "name": relative.name, "relation": "parent"},
        token=payer_token,
    )
    assert asked.status == 201, asked.text
    link_id = asked.body["link_id"]
    open_family(page)

    # A resident: no paying, no form; the request for them, with accept and decline.
    expect(page.locator("#fam-can-pay")).to_have_text("您现在不能为家人支付")
    expect(page.locator("#fam-add")).to_be_hidden()
    link = page.locator(f"#fam-link-{link_id}")
    expect(link).to_have_attribute("data-role", "relative")
    expect(link).to_have_attribute("data-status", "pending")
    mine = next(
        x for x in api_get(page, "/v1/me/family")["body"]["links"] if x["link_id"] == link_id
    )
    expect(link.locator("h3")).to_have_text(f"{mine['other_name']}（您的子女）")
    expect(link.locator(".fam-next")).to_have_text(in_text(mine["next_step_zh"]))
    expect(link.get_by_role("button", name="拒绝")).to_be_visible()
    accessibility_basics(page)
    assert_fits_width(page)
    shot(page, "family-relative-pending")

    link.get_by_role("button", name="同意绑定").click()
    expect(page.locator("#message")).to_contain_text("您已同意")
    expect(link.locator(".fam-status")).to_have_text("已绑定")
    expect(link.locator("button")).to_have_count(1)  # 解除绑定 only: relatives do not pay
    payer_side = api.get("/v1/me/family", token=payer_token).body["links"]
    assert [x["status"] for x in payer_side if x["link_id"] == link_id] == ["active"]

    # A settlement whose self-pay the linked account pays: in the relative's statement.
    settled = api.post(
        "/v1/settlements",
        {
            "hospital_id": hospital["id"],
            "visit_id": uuid.uuid4().hex,
            "person_id": person_id_for(relative.id_number, settings().pepper),
            "visit": {"kind": "outpatient", "hospital_level": 1, "location": "in_county"},
            "items": [{"code": "X", "catalogue": "C", "amount": "300"}],
            "use_family_account": True,
        },
        token=hospital["token"],
    )
    assert settled.status == 200, settled.text
    paid = settled.body["family_aid"]["amount"]
    assert paid == "300.00"
    page.reload()
    expect(page.locator("#fam-uses-box")).to_have_attribute("aria-busy", "false")
    [entry] = api_get(page, "/v1/me/family/uses")["body"]["entries"]
    line = page.locator("#fam-uses-list > li")
    expect(line).to_have_count(1)
    expect(line).to_have_attribute("data-kind", "settlement")
    expect(line.locator(".stmt-kind")).to_have_text("看病结算")
    expect(line.locator(".stmt-amount")).to_have_text(f"家人代付 {money(paid)}")
    expect(line.locator(".stmt-meta")).to_contain_text(f"子女{entry['other_name']}为我支付")
    expect(line.locator(".stmt-text")).to_have_text(in_text(entry["text_zh"]))
    expect(page.locator("#fam-uses-empty")).to_be_hidden()
    assert_fits_width(page)
    shot(page, "family-relative-statement")

    # The relative ends it (asked first).
    link.get_by_role("button", name="解除绑定").click()
    expect(page.locator("#fam-confirm")).to_contain_text("解除后，家人的个人账户不能再为您支付")
    page.get_by_role("button", name="确认解除").click()
    link = page.locator(f"#fam-history-links > #fam-link-{link_id}")
    expect(link.locator(".fam-status")).to_have_text("已解除")
    expect(link.locator("[data-fact=reason]")).to_have_text("由家庭成员解除")
    expect(page.locator("#fam-relative-links > li")).to_have_count(0)
    payer_side = api.get("/v1/me/family", token=payer_token).body["links"]
    assert [x["status"] for x in payer_side if x["link_id"] == link_id] == ["ended"]


def test_a_mistyped_name_points_to_withdraw_and_the_code_can_be_asked_again(
    stack: Any, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SMS codes that work 10 minutes here: the page says what the server counts, no copy.
    monkeypatch.setenv("YIBAO_OTP_TTL_SECONDS", "600")
    payer = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident", groups=())
    log_in(page, stack, payer)
    open_family(page)
    message = page.locator("#message")

    def ask(name: str) -> None:
        page.get_by_label("家人的身份证号").fill(relative.id_number)
        page.get_by_label("家人的姓名").fill(name)
        page.get_by_label("这位家人是您的").select_option(label="父母")
        page.get_by_role("button", name="申请绑定，给家人发验证码").click()

    ask("王某某")  # the wrong name: a request is made, no SMS goes out
    expect(message).to_have_attribute("data-kind", "success")
    expect(message).to_contain_text("验证码10分钟内有效")
    expect(message).to_contain_text("申请24小时内没有确认")
    [wrong] = api_get(page, "/v1/me/family")["body"]["links"]
    assert (wrong["code_valid_minutes"], wrong["pending_hours"]) == (10, 24)
    # The page says the code's minutes and the request's day apart, as the SMS does.
    expect(page.locator(f"#fam-link-{wrong['link_id']} .fam-next")).to_contain_text(
        "验证码10分钟内有效"
    )
    # 重新发送验证码 is there, limited like the first code: within the minute, the wait in
    # words, said once (in the request; the status region says where to read it).
    resend = page.get_by_role("button", name="重新发送验证码")
    resend.click()
    note = page.locator(f"#fam-link-{wrong['link_id']} .fam-note")
    expect(note).to_have_attribute("data-kind", "error")
    expect(note).to_contain_text("再试")
    expect(message).to_have_text("没有办成，原因和下一步写在下面这条里。")
    shot(page, "family-resend-wait")
    # The right name is blocked by the waiting request: the refusal points to 撤回申请,
    # said once (in the status region), and the keyboard is on that button.
    ask(relative.name)
    expect(message).to_have_attribute("data-kind", "error")
    expect(message).to_contain_text("撤回申请")
    assert page.locator("main").inner_text().count("您已经绑定或申请绑定了这位家人") == 1
    withdraw = page.locator(f"#fam-withdraw-{wrong['link_id']}")
    expect(withdraw).to_be_focused()
    shot(page, "family-blocked-withdraw")
    withdraw.click()
    page.get_by_role("button", name="确认撤回").click()
    expect(message).to_have_text("申请已撤回。")
    # Withdrawn: out of the list, into the folded history.
    expect(page.locator("#fam-payer-links > li")).to_have_count(0)
    expect(page.locator(f"#fam-history-links > #fam-link-{wrong['link_id']}")).to_have_count(1)
    expect(page.locator("#fam-history-title")).to_have_text("已结束的申请和绑定（1条）")
    page.reload()
    expect(page.locator("#fam-uses-box")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#fam-history")).not_to_have_attribute("open", "")  # folded away
    accessibility_basics(page)
    assert_fits_width(page)


# ------------------------------------------------------------------ 3. residents cannot pay


def test_a_resident_is_told_why_they_cannot_pay_for_relatives_and_gets_no_form(
    stack: Any, page: Page
) -> None:
    resident = stack.fresh_person(scheme="resident")
    log_in(page, stack, resident)
    open_family(page)

    overview = api_get(page, "/v1/me/family")["body"]
    assert overview["can_pay"] is False
    reason = overview["cannot_pay_reason"]
    assert reason["code"] == "not_an_employee"
    expect(page.locator("#fam-can-pay")).to_have_text("您现在不能为家人支付")
    expect(page.locator("#fam-can-pay")).to_have_attribute("data-value", "no")
    why = page.locator("#fam-why")
    expect(why).to_have_text(in_text(reason["text_zh"]))
    expect(why).to_contain_text("职工医保")  # what to do instead: an employee relative links them
    expect(page.locator("#fam-why-next")).to_be_visible()
    expect(page.locator("#fam-balance")).to_be_hidden()
    expect(page.locator("#fam-add")).to_be_hidden()
    expect(page.locator("#fam-payer")).to_be_hidden()
    expect(page.get_by_label("家人的身份证号")).to_be_hidden()
    expect(page.locator("#fam-relative-empty")).to_contain_text("还没有家人为您支付")
    expect(page.locator("#fam-rules-text")).to_have_text(in_text(overview["rules_zh"]))
    accessibility_basics(page)
    assert_fits_width(page, "family.html scrolls sideways at 360 px")
    shot(page, "family-resident")

    toggle_english_and_large_text(page)
    expect(why).to_have_text(in_text(reason["text_en"]))
    expect(page.locator("#fam-can-pay")).to_have_text("You cannot pay for relatives now")
    expect(page).to_have_title(re.compile(r"^Family mutual aid"))
    for heading in page.locator("main h1, main h2").all_inner_texts():
        assert not CJK.search(heading), f"Chinese left in a heading: {heading!r}"
    assert_fits_width(page, "family.html scrolls sideways in large English text")
    shot(page, "family-resident-large-en")


# ------------------------------------------------------------------ 4. no session


def test_without_a_session_the_family_page_goes_back_to_login(page: Page) -> None:
    sent_back_to_log_in(page, "family.html")
