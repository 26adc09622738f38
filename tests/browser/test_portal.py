"""The portal in real headless Chromium against the real local stack, at 360 px.

A person's path through the pages: log in with the code read off the demo
outbox page, see their masked details, get plain-words errors next to fields,
switch to English and large text without sideways scrolling, be sent back to
log in without a valid session, read the API docs; plus accessibility basics.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.pages import (
    assert_fits_width,
    labels_name_every_field,
    line_count,
    masked_id,
    toggle_english_and_large_text,
)

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")


def masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def root_font_px(page: Page) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))


def request_code(page: Page, person: Any) -> None:
    """On index.html: type the ID number and phone, press 获取验证码， wait for the answer."""
    page.get_by_label("身份证号").fill(person.id_number)
    page.get_by_label("手机号").fill(person.phone)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#message")).to_have_attribute("data-kind", "success")


def code_from_outbox(context: BrowserContext, page: Page, person: Any) -> str:
    """Open the demo outbox from the login page's link; read the newest SMS as a person would."""
    link = page.locator("#outbox-link")
    expect(link).to_be_visible()  # shown only when GET /v1/meta says stage "local"
    with context.expect_page() as opened:
        link.click()
    outbox = opened.value
    outbox.wait_for_load_state()
    assert outbox.url.endswith("/outbox.html"), outbox.url
    newest = outbox.locator("#outbox-list > li").first
    expect(newest).to_be_visible()
    # The outbox is newest first; ours was sent a moment ago.
    expect(newest.locator(".sms-meta strong")).to_have_text(masked_phone(person.phone))
    text = newest.locator(".sms-text").inner_text()
    found = re.search(r"验证码是\s*(\d{6})", text)
    assert found, f"no 6-digit code in the newest SMS shown: {text!r}"
    html = outbox.content()
    assert person.phone not in html, "the demo outbox shows a full phone number"
    assert person.id_number not in html
    outbox.close()
    return found.group(1)


def log_in(context: BrowserContext, page: Page, person: Any) -> None:
    """The whole login through the real pages, ending on home.html with the profile shown."""
    page.goto("/index.html")
    request_code(page, person)
    expect(page.locator("#code")).to_be_focused()
    code = code_from_outbox(context, page, person)
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/home.html")
    expect(page.locator("#profile")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#profile-summary")).to_be_visible()
    page.locator("#profile-more > summary").click()
    expect(page.locator("#profile-name")).to_be_visible()


# ------------------------------------------------------------------ 1. login


def test_a_person_logs_in_with_the_code_from_the_outbox_and_sees_masked_details(
    stack, context, page, artifacts: Path
):
    person = stack.fresh_person()
    log_in(context, page, person)

    expect(page.get_by_role("heading", level=1)).to_have_text("我的医保")
    expect(page.locator("#profile-name")).to_have_text(person.name)
    expect(page.locator("#profile-id-number")).to_have_text(masked_id(person.id_number))
    expect(page.locator("#profile-phone")).to_have_text(masked_phone(person.phone))
    expect(page.locator("#profile-card-status")).not_to_be_empty()
    expect(page.locator("#greeting")).to_contain_text(person.name)
    expect(page.locator("#message")).to_be_empty()

    html = page.content()
    assert person.id_number not in html, "the full ID number is in the home page"
    assert person.phone not in html, "the full phone number is in the home page"
    assert_fits_width(page, "home.html scrolls sideways at 360 px")
    page.screenshot(path=str(artifacts / "login-home.png"), full_page=True)

    # Logging out ends the session: home.html no longer opens.
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/index.html")
    page.goto("/home.html")
    page.wait_for_url("**/index.html")


def test_home_in_large_english_fits_360_and_keeps_the_masked_id_on_one_line(
    stack, context, page, artifacts: Path
):
    person = stack.fresh_person()
    log_in(context, page, person)
    toggle_english_and_large_text(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    # The profile is re-rendered in English, still masked.
    expect(page.locator("#profile-list dt").first).to_have_text("Name")
    expect(page.locator("#profile-id-number")).to_have_text(masked_id(person.id_number))
    assert_fits_width(page, "home.html scrolls sideways in large English text")
    lines = line_count(page, "profile-id-number")
    assert lines == 1, f"the masked ID number wraps onto {lines} lines at 360 px"
    page.screenshot(path=str(artifacts / "home-large-en.png"), full_page=True)


# ------------------------------------------------------------------ 2. field errors


def test_a_wrong_check_digit_is_explained_in_chinese_under_the_id_field(stack, page):
    person = stack.fresh_person()
    last = person.id_number[-1]
    wrong = next(c for c in "0123456789X" if c != last)
    bad_id = person.id_number[:17] + wrong  # still 17 digits + digit/X: only the server knows

    page.goto("/index.html")
    page.get_by_label("身份证号").fill(bad_id)
    page.get_by_label("手机号").fill(person.phone)
    page.get_by_role("button", name="获取验证码").click()

    error = page.locator("#id_number-error")
    expect(error).to_be_visible()
    text = error.inner_text()
    assert CJK.search(text), f"the field error is not in Chinese: {text!r}"
    assert "身份证" in text or "校验" in text or "最后一位" in text, text
    id_input = page.locator("#id_number")
    expect(id_input).to_have_attribute("aria-invalid", "true")
    expect(id_input).to_have_attribute("aria-describedby", re.compile(r"\bid_number-error\b"))
    expect(id_input).to_be_focused()
    # "Next to the field": right after the input, and drawn below it.
    assert id_input.evaluate("el => el.nextElementSibling && el.nextElementSibling.id") == (
        "id_number-error"
    )
    input_box, error_box = id_input.bounding_box(), error.bounding_box()
    assert input_box and error_box and error_box["y"] >= input_box["y"] + input_box["height"] - 1
    expect(page.locator("#message")).to_have_attribute("data-kind", "error")
    expect(page.locator("#phone")).not_to_have_attribute("aria-invalid", "true")
    assert stack.sms_count(person.phone) == 0, "an SMS was sent for an invalid ID number"

    # Editing the field takes the error away.
    id_input.press("Backspace")
    expect(error).to_have_count(0)
    expect(id_input).not_to_have_attribute("aria-invalid", "true")


def test_empty_fields_are_marked_before_anything_is_sent(page):
    page.goto("/index.html")
    page.get_by_role("button", name="获取验证码").click()
    for field in ("id_number", "phone"):
        expect(page.locator(f"#{field}-error")).to_be_visible()
        assert CJK.search(page.locator(f"#{field}-error").inner_text())
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_number")).to_be_focused()


def clear_of_minute_boundary() -> None:
    """The per-phone limit counts per clock minute (a fixed window): two requests a second
    apart across hh:mm:59 -> hh:mm+1:00 are both allowed. Start early in a minute."""
    second = time.time() % 60
    if second > 54:
        time.sleep(60.2 - second)


def ask_twice(stack, page: Page) -> Any:
    """Request a code, reload the page (its countdown is gone) and request another at once."""
    person = stack.fresh_person()
    clear_of_minute_boundary()
    page.goto("/index.html")
    request_code(page, person)
    page.reload()
    page.get_by_label("身份证号").fill(person.id_number)
    page.get_by_label("手机号").fill(person.phone)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#message")).to_have_attribute("data-kind", "error")
    return person


def test_a_second_request_and_a_wrong_code_are_refused_in_plain_words(stack, context, page):
    person = ask_twice(stack, page)
    refusal = page.locator("#message").inner_text()
    assert CJK.search(refusal) and re.search(r"\d+\s*(?:秒|分钟)", refusal), refusal
    assert stack.sms_count(person.phone) == 1, "a second SMS went out within the minute"
    send = page.locator("#send-code")
    expect(send).to_be_disabled()
    expect(send).to_have_text(re.compile(r"^\d+秒后可重新获取$"))

    code = code_from_outbox(context, page, person)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page.get_by_label("短信验证码").fill(wrong)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("#login")).to_be_enabled()
    message = page.locator("#message")
    expect(message).to_have_attribute("data-kind", "error")
    expect(message).to_contain_text("验证码")
    assert page.url.endswith("/index.html")
    assert page.evaluate("sessionStorage.getItem('yibao.token')") is None

    # One wrong try does not use the code up: the right one still logs in.
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/home.html")
    expect(page.locator("#profile-name")).to_have_text(person.name)


def test_the_wait_is_stated_once_when_codes_are_asked_for_too_often(stack, page):
    ask_twice(stack, page)
    for lang in ("zh", "en"):
        text = page.locator("#message").inner_text()
        waits = re.findall(r"\d+\s*(?:秒|分钟|seconds?|minutes?)", text)
        assert len(waits) == 1, f"{lang}: the wait is stated {len(waits)} times: {text!r}"
        page.locator("#lang-toggle").click()


def test_the_outbox_shows_when_each_sms_was_sent(stack, context, page):
    person = stack.fresh_person()
    page.goto("/index.html")
    request_code(page, person)
    page.goto("/outbox.html")
    sent_at = page.locator("#outbox-list > li").first.locator("time")
    expect(sent_at).to_be_visible()
    # Rendered together with the row: no need to wait the default 5 s to see it is missing.
    expect(sent_at).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"), timeout=1000)


# ------------------------------------------------------------------ 3. English and large text


def test_english_and_large_text_switch_and_never_scroll_sideways_at_360(page, artifacts: Path):
    page.goto("/index.html")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("登录")
    assert_fits_width(page, "index.html scrolls sideways at 360 px")
    normal_px = root_font_px(page)

    page.locator("#lang-toggle").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("#send-code")).to_have_text("Get code")
    expect(page.locator("#login")).to_have_text("Log in")
    expect(page.get_by_label("ID card number")).to_be_visible()
    expect(page.get_by_label("Mobile phone number")).to_be_visible()
    expect(page.locator("#lang-toggle")).to_have_text("中文")
    expect(page.locator("#lang-toggle")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_title(re.compile(r"^Log in"))
    main_text = page.locator("main").inner_text()
    assert not CJK.search(main_text), f"Chinese left on the English page: {main_text!r}"
    assert not CJK.search(page.locator(".site-header .site-name").inner_text())
    assert_fits_width(page, "index.html scrolls sideways in English")

    page.locator("#large-text-toggle").click()
    expect(html).to_have_class(re.compile(r"\blarge-text\b"))
    expect(page.locator("#large-text-toggle")).to_have_attribute("aria-pressed", "true")
    large_px = root_font_px(page)
    assert large_px > normal_px * 1.15, (normal_px, large_px)
    assert_fits_width(page, "index.html scrolls sideways in large text")

    # Long English field errors must wrap too.
    page.get_by_role("button", name="Get code").click()
    expect(page.locator("#id_number-error")).to_have_text(re.compile(r"^[^\u4e00-\u9fff]+$"))
    assert_fits_width(page, "field errors scroll sideways in large English text")
    page.screenshot(path=str(artifacts / "login-large-en.png"), full_page=True)

    # Both choices are remembered on the next page load (boot.js, before first paint).
    page.reload()
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_class(re.compile(r"\blarge-text\b"))
    expect(page.locator("h1")).to_have_text("Log in")

    # And both switch back.
    toggle_english_and_large_text(page)
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(html).not_to_have_class(re.compile(r"\blarge-text\b"))
    expect(page.locator("h1")).to_have_text("登录")
    assert root_font_px(page) == normal_px


# ------------------------------------------------------------------ 4. no session


@pytest.mark.parametrize(
    ("token", "said"),
    [(None, "请先登录。"), ("not-a-real-token", "登录已过期，请重新登录")],
    ids=["first-visit", "bad-token"],
)
def test_home_without_a_valid_token_goes_back_to_login_with_a_message(page, token, said):
    """A first visit (no session at all) is asked to log in, not told a session expired."""
    page.goto("/index.html")
    if token:
        page.evaluate("t => sessionStorage.setItem('yibao.token', t)", token)
    page.goto("/home.html")
    page.wait_for_url("**/index.html")
    message = page.locator("#message")
    expect(message).to_have_text(said)
    expect(message).to_have_attribute("data-kind", "error" if token else "info")
    expect(message).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('yibao.token')") is None


# ------------------------------------------------------------------ 5. API docs


def test_the_docs_page_renders_every_operation_of_the_openapi_document(page, artifacts: Path):
    reply = page.request.get("/v1/openapi.json")
    assert reply.ok, reply.status
    spec = reply.json()
    methods = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
    operations = [
        (method, path)
        for path, item in spec["paths"].items()
        for method in item
        if method in methods
    ]
    assert ("post", "/v1/auth/otp") in operations

    page.goto("/docs.html")
    docs = page.locator("#api-docs")
    expect(docs).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#message")).to_be_empty()
    for method, path in operations:
        section_id = "op-" + method + "-" + re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")
        section = page.locator(f"#{section_id}")
        expect(section).to_be_visible()
        expect(section.locator("h3")).to_contain_text(path)
        expect(section.locator("h3")).to_contain_text(re.compile(method, re.IGNORECASE))
        for status in spec["paths"][path][method].get("responses", {}):
            expect(section.locator(".responses .status", has_text=str(status))).to_be_visible()

    otp = page.locator("#op-post-v1-auth-otp")
    expect(otp).to_contain_text("429")
    expect(otp.locator(".status", has_text="429")).to_be_visible()
    assert_fits_width(page, "docs.html scrolls sideways at 360 px")
    page.screenshot(path=str(artifacts / "docs.png"), full_page=False)


# ------------------------------------------------------------------ 6. accessibility basics

ACCESSIBLE_NAME_OF_BUTTONS = """() => [...document.querySelectorAll("button, [role=button]")]
    .filter((b) => b.getClientRects().length)
    .map((b) => ({id: b.id, text: (b.getAttribute("aria-label") || b.textContent).trim()}))"""


@pytest.mark.parametrize("path", ["index.html", "outbox.html", "docs.html"])
def test_accessibility_basics(page, path):
    page.goto(f"/{path}")
    page.wait_for_load_state("networkidle")

    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^(zh-CN|en)$"))
    assert page.title().strip(), "the page has no title"

    # The browser's own accessible-name computation finds each input by its label.
    labels_name_every_field(page, "input:not([type=hidden]), select, textarea")

    buttons = page.evaluate(ACCESSIBLE_NAME_OF_BUTTONS)
    assert buttons, f"no buttons on {path}"
    for button in buttons:
        assert button["text"], f"button #{button['id']} has no accessible name"
        named = page.get_by_role("button", name=button["text"], exact=True)
        assert named.count() >= 1, f"button #{button['id']} is not named {button['text']!r}"

    if path == "index.html":
        expect(page.locator("input")).to_have_count(3)
        for label_text in ("身份证号", "手机号", "短信验证码"):
            expect(page.get_by_label(label_text, exact=True)).to_be_visible()
        for name in ("获取验证码", "登录", "English", "大字"):
            expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
        expect(page.get_by_role("status")).to_have_count(1)


def full_width(text: str) -> str:
    """Digits and X as a Chinese keyboard types them (０-９, Ｘ)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c == "X" else c for c in text)


def test_an_id_pasted_with_spaces_and_full_width_digits_is_taken_whole(stack, context, page):
    # 20+ characters with the spaces: nothing is cut at 18 before the spaces go.
    person = stack.fresh_person()
    i = person.id_number
    spaced = f"{full_width(i[:6])} {i[6:14]}\u3000{full_width(i[14:])}"
    page.goto("/index.html")
    page.get_by_label("身份证号").fill(spaced)
    phone = person.phone
    page.get_by_label("手机号").fill(full_width(f"{phone[:3]} {phone[3:7]} {phone[7:]}"))
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#message")).to_have_attribute("data-kind", "success")
    expect(page.get_by_label("身份证号")).to_have_value(person.id_number)
    code = code_from_outbox(context, page, person)
    page.get_by_label("短信验证码").fill(full_width(code[:3]) + " " + code[3:])
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/home.html")
    expect(page.locator("#profile-name")).to_have_text(person.name)
