"""Card services (card.html) in real headless Chromium against the real local stack, at 360 px.

A person logs in, opens 挂失医保卡 from the home page and takes the card through
its life: a temporary loss (after a confirmation step), unfreezing with the SMS
code, a formal loss, a replacement by mail with its due date, and the 住院无卡证明
with its code and QR image; in Chinese and English, normal and large text.
A loss report whose answer is lost on the way is sent again with the same
Idempotency-Key and carried out once.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import date, datetime
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.pages import (
    BEIJING,
    accessibility_basics,
    assert_fits_width,
    line_count,
    log_in,
    masked_id,
    open_tile,
    shot,
)

pytestmark = pytest.mark.browser

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def beijing(iso: str) -> str:
    """A time as the pages write it in Chinese: "2026年3月5日 09:00" (Beijing time)."""
    at = datetime.fromisoformat(iso).astimezone(BEIJING)
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"


def english_date(iso_date: str) -> str:
    """ "2026-03-05" as the pages write it in English: "5 Mar 2026"."""
    return f"{date.fromisoformat(iso_date):%-d %b %Y}"


def chinese_date(iso_date: str) -> str:
    """ "2026-03-05" as the pages write it in Chinese: "2026年3月5日"."""
    y, m, d = (int(part) for part in iso_date.split("-"))
    return f"{y}年{m}月{d}日"


def open_card_page(page: Page) -> None:
    """From home.html, the 挂失医保卡 tile leads to card.html."""
    open_tile(page, "tile-card-loss", "card.html", "医保卡服务")
    expect(page.locator("#card")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#card-status")).not_to_be_empty()


def card_from_api(page: Page) -> dict[str, Any]:
    """GET /v1/me/card with the page's own token (to compare what the page shows)."""
    token = page.evaluate("sessionStorage.getItem('yibao.token')")
    reply = page.request.get("/v1/me/card", headers={"Authorization": f"Bearer {token}"})
    assert reply.ok, reply.text()
    body: dict[str, Any] = reply.json()
    return body


def confirm_loss(page: Page, button: str) -> None:
    page.locator(f"#{button}").click()
    box = page.locator("#confirm-box")
    expect(box).to_be_visible()
    expect(box).to_contain_text("确认挂失？挂失后这张卡马上不能用于看病结算。")
    page.locator("#confirm-yes").click()


def request_unfreeze_code(page: Page, stack: Any, person: Any) -> str:
    """Press 获取验证码： sent at once, even just after the login code (its own minute limit)."""
    page.locator("#btn-unfreeze-code").click()
    message = page.locator("#message")
    expect(message).to_have_attribute("data-kind", re.compile(r"^(success|error)$"))
    expect(message).to_have_attribute("data-kind", "success")
    expect(message).to_contain_text("验证码已发送")
    expect(page.locator("#btn-unfreeze-code")).to_have_text(re.compile(r"^\d+秒后可重新获取$"))
    expect(page.locator("#unfreeze-code-input")).to_be_focused()
    code = stack.last_code(person.phone, "解挂")
    assert code, "no 解挂 code was sent"
    return str(code)


def clear_of_minute_boundary() -> None:
    """The per-phone minute limit is a clock-minute window: start early in a minute so that
    two requests a few seconds apart fall into the same one."""
    second = time.time() % 60
    if second > 50:
        time.sleep(60.2 - second)


# ------------------------------------------------------------------ the whole life of a card


def test_lose_unfreeze_lose_for_good_replace_by_mail_and_show_the_certificate(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person()
    log_in(page, stack, person)
    open_card_page(page)

    status = page.locator("#card-status")
    message = page.locator("#message")
    expect(page.get_by_role("heading", level=1)).to_have_text("医保卡服务")
    expect(status).to_have_text("正常")
    expect(page.locator("#card-usable")).to_have_text("可以用这张卡看病结算。")
    expect(page.locator("#card-number")).to_have_text(card_from_api(page)["number_masked"])
    expect(page.locator("#card-number")).to_have_text(re.compile(r"\*{3}"))
    expect(page.locator("#card-deadline")).to_be_hidden()
    for shown in ("btn-temp-loss", "btn-formal-loss"):
        expect(page.locator(f"#{shown}")).to_be_visible()
    for gone in ("btn-unfreeze-code", "btn-unfreeze", "btn-replacement", "btn-certificate"):
        expect(page.locator(f"#{gone}")).to_be_hidden()
    expect(page.locator("#card-next-steps")).to_contain_text("卡丢了？先临时挂失，马上冻结。")
    assert_fits_width(page, "card.html scrolls sideways at 360 px")
    shot(page, "card-active")

    # 临时挂失： a confirmation step first; 取消 changes nothing.
    sms_before = stack.sms_count(person.phone)
    page.locator("#btn-temp-loss").click()
    box = page.locator("#confirm-box")
    expect(box).to_be_visible()
    expect(box).to_contain_text("确认挂失？挂失后这张卡马上不能用于看病结算。")
    expect(page.locator("#confirm-title")).to_be_focused()
    expect(page.locator("#confirm-yes")).to_be_visible()
    shot(page, "card-confirm")
    page.locator("#confirm-no").click()
    expect(box).to_be_hidden()
    expect(page.locator("#btn-temp-loss")).to_be_focused()
    expect(message).to_contain_text("已取消")
    expect(status).to_have_text("正常")
    assert stack.sms_count(person.phone) == sms_before, "cancelling still reported the loss"

    confirm_loss(page, "btn-temp-loss")
    expect(status).to_have_text("临时挂失")
    expect(message).to_have_attribute("data-kind", "success")
    expect(message).to_contain_text("已临时挂失")
    expect(box).to_be_hidden()
    expect(page.locator("#card-title")).to_be_focused()
    card = card_from_api(page)
    assert card["status"] == "temp_lost"
    due = page.locator("#card-due")
    expect(page.locator("#card-due-label")).to_have_text("临时挂失到期时间")
    expect(due).to_have_text(beijing(card["temporary_loss_ends_at"]))
    expect(page.locator("#card-usable")).to_have_text("现在不能用这张卡看病结算。")
    history = page.locator("#card-history > li")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("临时挂失")
    expect(history.first).to_contain_text("网上自助")
    expect(history.first).to_contain_text(beijing(card["history"][0]["at"]))
    expect(page.locator("#btn-temp-loss")).to_be_hidden()
    for shown in ("btn-formal-loss", "btn-replacement", "btn-unfreeze-code", "btn-certificate"):
        expect(page.locator(f"#{shown}")).to_be_visible()
    expect(page.locator("#card-next-steps")).to_contain_text("卡找到了？")
    assert stack.sms_count(person.phone) == sms_before + 1
    assert "临时挂失" in stack.last_sms(person.phone)
    assert_fits_width(page)
    shot(page, "card-temp-lost")

    # 解挂 with the 解挂 code from the SMS.
    code = request_unfreeze_code(page, stack, person)
    assert page.get_by_label("短信验证码").get_attribute("id") == "unfreeze-code-input"
    expect(page.locator("#unfreeze-code-input")).to_have_attribute("autocomplete", "one-time-code")
    page.locator("#unfreeze-code-input").fill(code)
    page.locator("#btn-unfreeze").click()
    expect(status).to_have_text("正常")
    expect(message).to_contain_text("已解挂")
    expect(page.locator("#card-deadline")).to_be_hidden()
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("解挂")
    assert "解挂" in stack.last_sms(person.phone)

    # 正式挂失， then 补卡 by mail: the due date is shown prominently.
    confirm_loss(page, "btn-formal-loss")
    expect(status).to_have_text("正式挂失")
    expect(page.locator("#card-deadline")).to_be_hidden()
    page.locator("#btn-replacement").click()
    expect(page.locator("#replacement-form")).to_be_visible()
    expect(page.locator("#btn-replacement")).to_have_attribute("aria-expanded", "true")
    page.get_by_label("邮寄到家").check()
    expect(page.locator("#outlet-select")).to_be_hidden()
    address = page.get_by_label("邮寄地址")
    expect(address).to_be_visible()
    address.fill("示范县城东街道\n幸福路1号")  # a line break is fine: sent as one line
    page.locator("#btn-replacement-submit").click()
    expect(status).to_have_text("补卡办理中")
    card = card_from_api(page)
    assert card["status"] == "replacement_requested" and card["pickup"] == "mail"
    due_date = card["replacement_due"]
    assert due_date > f"{datetime.now(BEIJING):%Y-%m-%d}"
    expect(due).to_have_text(f"新卡最迟 {chinese_date(due_date)} 办好")
    expect(page.locator("#card-due-label")).to_have_text("新卡办好日期")
    expect(message).to_contain_text(f"新卡最迟 {chinese_date(due_date)} 办好")
    expect(page.locator("#card-pickup")).to_have_text("邮寄到家")
    expect(page.locator("#card-next-steps")).to_contain_text("新卡最迟")
    expect(history).to_have_count(4)
    expect(history.first).to_contain_text("申请补卡")
    for gone in (
        "btn-unfreeze-code",
        "btn-unfreeze",
        "btn-temp-loss",
        "btn-formal-loss",
        "btn-replacement",
        "replacement-form",
    ):
        expect(page.locator(f"#{gone}")).to_be_hidden()
    shot(page, "card-replacement")

    # 住院无卡证明： an 8-character code, a QR image, what the hospital checks.
    page.locator("#btn-certificate").click()
    code_el = page.locator("#certificate-code")
    expect(code_el).to_have_text(re.compile(r"^[A-Z0-9]{8}$"))
    cert_code = code_el.inner_text()
    qr = page.locator("#certificate-qr")
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    expect(qr).to_have_attribute("alt", re.compile(cert_code))
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR image is broken"
    expect(page.locator("#certificate-id")).to_have_text(masked_id(person.id_number))
    expect(page.locator("#certificate-name")).to_have_text(re.compile(r"^" + person.name[0]))
    # How the hospital checks it, in plain words: no API path.
    expect(page.locator("#certificate-check")).to_contain_text("医院扫码或输入编号")
    expect(page.locator("#certificate")).not_to_contain_text("/v1/")
    expect(page.locator("#certificate-valid")).to_have_text(
        re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$")  # a date and an hour, Beijing time
    )
    public = page.request.get(f"/v1/certificates/{cert_code}")
    assert public.ok and public.json()["valid"] is True
    html = page.content()
    assert person.id_number not in html and person.phone not in html
    assert_fits_width(page)
    shot(page, "card-certificate")

    # Large text, then English: everything re-rendered, nothing scrolls sideways.
    page.locator("#large-text-toggle").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    assert_fits_width(page, "card.html scrolls sideways in large text")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "card-large-zh")
    page.locator("#lang-toggle").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(status).to_have_text("Replacement in progress")
    expect(due).to_have_text(f"The new card will be ready by {english_date(due_date)}")
    expect(page.locator("#card-pickup")).to_have_text("Mail it to my home")
    expect(page.locator("#card-next-steps")).to_contain_text(f"due by {due_date}")
    expect(history.first).to_contain_text("replacement requested")
    expect(page.locator("#card-history-zone")).to_have_text("Times are Beijing time.")
    expect(page.locator("#certificate-code")).to_have_text(cert_code)
    expect(qr).to_have_attribute("alt", re.compile(r"^QR code"))
    expect(message).to_contain_text("no-card certificate")
    assert_fits_width(page, "card.html scrolls sideways in large English text")
    for one_line in ("certificate-code", "certificate-id", "card-number"):
        assert line_count(page, one_line) == 1, f"#{one_line} wraps at 360 px in large text"
    shot(page, "card-large-en")


# ------------------------------------------------------------------ a lost answer, retried


def test_a_loss_whose_answer_is_lost_is_sent_again_with_the_same_key_and_done_once(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person()
    log_in(page, stack, person)
    open_card_page(page)
    status = page.locator("#card-status")
    message = page.locator("#message")
    keys: list[str | None] = []

    def first_answer_lost(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server carries the request out ...
            route.abort("connectionreset")  # ... but its answer never reaches the phone
        else:
            route.continue_()

    page.route("**/v1/me/card/loss", first_answer_lost)
    sms_before = stack.sms_count(person.phone)

    # By keyboard only: Enter on 临时挂失， Tab to 确认挂失， Enter.
    page.locator("#btn-temp-loss").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#confirm-title")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#confirm-yes")).to_be_focused()
    page.keyboard.press("Enter")
    expect(message).to_have_attribute("data-kind", "error")
    expect(message).to_contain_text("网络不通")
    expect(message).to_contain_text("不会重复办理")
    expect(page.locator("#confirm-box")).to_be_visible()
    expect(status).to_have_text("正常")  # the page cannot know yet

    page.locator("#confirm-yes").click()
    expect(status).to_have_text("临时挂失")
    assert len(keys) == 2 and keys[0] == keys[1], keys
    assert UUID.match(keys[0] or ""), keys
    expect(page.locator("#card-history > li")).to_have_count(1)
    assert stack.sms_count(person.phone) == sms_before + 1, "the loss was carried out twice"

    # 解挂 codes: a second request within the minute is refused with the wait stated once
    # (after a reload the page's own countdown is gone); a wrong code is explained at the input.
    clear_of_minute_boundary()
    code = request_unfreeze_code(page, stack, person)
    page.reload()
    expect(status).to_have_text("临时挂失")
    code_button = page.locator("#btn-unfreeze-code")
    code_button.click()
    expect(message).to_have_attribute("data-kind", "error")
    text = message.inner_text()
    waits = re.findall(r"\d+\s*(?:秒|分钟)", text)
    assert len(waits) == 1, f"the wait should be stated once, in Chinese: {text!r}"
    expect(code_button).to_be_disabled()
    expect(code_button).to_have_text(re.compile(r"^\d+秒后可重新获取$"))
    assert stack.last_code(person.phone, "解挂") == code, "a second code went out"
    code_input = page.get_by_label("短信验证码")
    code_input.fill(f"{(int(code) + 1) % 1_000_000:06d}")
    code_input.press("Enter")  # the code field submits its form
    expect(page.locator("#unfreeze-code-input-error")).to_contain_text("验证码")
    expect(code_input).to_have_attribute("aria-invalid", "true")
    expect(code_input).to_be_focused()
    expect(message).to_have_attribute("data-kind", "error")
    expect(status).to_have_text("临时挂失")
    shot(page, "card-wrong-code")
    code_input.press("Backspace")
    expect(page.locator("#unfreeze-code-input-error")).to_have_count(0)

    # A new confirmation is a new request: a new key.
    confirm_loss(page, "btn-formal-loss")
    expect(status).to_have_text("正式挂失")
    assert len(keys) == 3 and keys[2] != keys[0], keys

    # 补卡 at an outlet: what is missing is said next to the field, in Chinese.
    page.locator("#btn-replacement").click()
    page.locator("#btn-replacement-submit").click()
    expect(page.locator("#pickup-group-error")).to_have_text("请选择网点领取或邮寄到家")
    expect(page.locator("#pickup-outlet")).to_be_focused()
    page.get_by_label("网点领取").check()
    expect(page.locator("#pickup-group-error")).to_have_count(0)
    page.locator("#btn-replacement-submit").click()
    expect(page.locator("#outlet-select-error")).to_have_text("请选择领卡网点")
    expect(page.locator("#outlet-select")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#outlet-select")).to_be_focused()
    shot(page, "card-outlet-errors")
    page.get_by_label("领卡网点").select_option("990101-02")
    page.locator("#btn-replacement-submit").click()
    expect(status).to_have_text("补卡办理中")
    due_date = card_from_api(page)["replacement_due"]
    expect(page.locator("#card-due")).to_have_text(f"新卡最迟 {chinese_date(due_date)} 办好")
    expect(page.locator("#card-pickup")).to_have_text("网点领取")


def test_a_change_made_elsewhere_is_refused_in_plain_words_and_the_page_catches_up(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person()
    log_in(page, stack, person)
    open_card_page(page)
    status = page.locator("#card-status")
    expect(status).to_have_text("正常")

    # Meanwhile the card is reported lost for good elsewhere (another phone, a counter).
    token = page.evaluate("sessionStorage.getItem('yibao.token')")
    elsewhere = page.request.post(
        "/v1/me/card/loss",
        data={"kind": "formal"},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert elsewhere.ok, elsewhere.text()

    confirm_loss(page, "btn-temp-loss")  # this page still offers 临时挂失
    message = page.locator("#message")
    expect(message).to_have_attribute("data-kind", "error")
    expect(message).to_contain_text("这张卡已经正式挂失了")
    expect(status).to_have_text("正式挂失")
    expect(page.locator("#btn-temp-loss")).to_be_hidden()
    expect(page.locator("#confirm-box")).to_be_hidden()
    expect(page.locator("#btn-replacement")).to_be_visible()
    expect(page.locator("#card-title")).to_be_focused()
    expect(page.locator("#card-history > li")).to_have_count(1)
    shot(page, "card-refused")
    page.locator("#btn-replacement").click()
    page.get_by_label("邮寄到家").check()
    accessibility_basics(
        page, fields="input, select, textarea", at_least=5, buttons="button:not([hidden])"
    )


def test_without_a_session_card_html_sends_the_person_to_log_in(page: Page) -> None:
    """A first visit (no session ever) is asked to log in, not told it expired."""
    page.goto("/card.html")
    page.wait_for_url("**/index.html")
    expect(page.locator("#message")).to_have_text("请先登录。")
