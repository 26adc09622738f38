"""Helpers shared by the browser tests."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect


def log_in(page: Page, stack: Any, person: Any) -> None:
    """Log in through index.html with the code from the SMS; land on home.html.

    A person another test of the session has logged in may still be inside the
    per-phone minute window: the page then counts down and we ask again once.
    """
    page.goto("/index.html")
    page.get_by_label("身份证号").fill(person.id_number)
    page.get_by_label("手机号").fill(person.phone)
    send = page.locator("#send-code")
    message = page.locator("#message")
    for _ in range(2):
        send.click()
        expect(message).to_have_attribute("data-kind", re.compile(r"^(success|error)$"))
        if message.get_attribute("data-kind") == "success":
            break
        expect(message).to_contain_text("太频繁")
        expect(send).to_be_enabled(timeout=75_000)
    expect(message).to_have_attribute("data-kind", "success")
    code = stack.last_code(person.phone)
    assert code, "no login code was sent"
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/home.html")
