"""短信 (sms.html) in real headless Chromium against the real local stack, 360 px.

A signed-in employee whose monthly notice went out sees it in 我的短信 with the login
code (masked), each with its status and the phone masked; turns the monthly SMS off
and sees the API agree; the security group cannot be turned off. Chinese first,
English and large text fit 360 px.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    CJK,
    accessibility_basics,
    api_get,
    assert_fits_width,
    log_in,
    sent_back_to_log_in,
    shot,
    toggle_english_and_large_text,
)

pytestmark = pytest.mark.browser


def _monthly_sent(person: Any) -> str:
    """The October notice through the sender's own code (as the monthly run sends it)."""
    from chalicelib.adapters.clock import CHINA, FixedClock
    from chalicelib.bootstrap import container
    from chalicelib.services.auth import person_id_for
    from chalicelib.services.notices import deliver

    c = container()
    ctx = replace(c.notices(), clock=FixedClock(datetime(2026, 11, 1, 9, 0, tzinfo=CHINA)))
    pid = person_id_for(person.id_number, c.settings.pepper)
    assert deliver(ctx, {"type": "monthly", "person_id": pid, "month": "2026-10"}) == "sent"
    return pid


def test_my_sms_shows_the_monthly_notice_and_the_code_masked_and_monthly_can_be_turned_off(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person(scheme="employee")
    log_in(page, stack, person)
    _monthly_sent(person)
    page.goto("/sms.html")
    expect(page.get_by_role("heading", level=1)).to_have_text("短信")
    items = page.locator("#mine-list li")
    expect(items.first).to_be_visible()
    monthly = page.locator("#mine-list li[data-kind='monthly']")
    expect(monthly).to_contain_text("个人账户10月划入")
    expect(monthly).to_contain_text("已发送")
    masked = person.phone[:3] + "****" + person.phone[-4:]
    expect(monthly).to_contain_text(masked)
    code = page.locator("#mine-list li[data-kind='login_code']").first
    expect(code).to_contain_text("验证码是******")
    assert person.phone not in page.content()
    assert stack.last_code(person.phone) not in page.locator("#mine-list").inner_text()

    monthly_box = page.get_by_label("月度个人账户短信")
    expect(monthly_box).to_be_checked()
    security = page.get_by_label("验证码和安全提醒（不能关闭）")
    expect(security).to_be_disabled()
    expect(security).to_be_checked()
    accessibility_basics(page, fields="input:visible", at_least=5)
    assert_fits_width(page, "sms.html at 360 px")
    shot(page, "sms-zh")

    monthly_box.uncheck()
    page.get_by_role("button", name="保存设置").click()
    expect(page.locator("#message")).to_have_text("已保存。")
    groups = api_get(page, "/v1/me/notices/preferences")["body"]["groups"]
    assert next(g for g in groups if g["group"] == "monthly")["on"] is False
    page.reload()
    expect(page.get_by_label("月度个人账户短信")).not_to_be_checked()

    toggle_english_and_large_text(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("SMS")
    expect(page.get_by_role("heading", name="My SMS")).to_be_visible()
    english = page.locator("#prefs").inner_text()
    assert not CJK.search(english), english
    assert_fits_width(page, "sms.html in English, large text")
    shot(page, "sms-en-large")
    toggle_english_and_large_text(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("短信")


def test_without_a_valid_session_the_page_sends_you_to_log_in(page: Page) -> None:
    sent_back_to_log_in(page, "sms.html")
