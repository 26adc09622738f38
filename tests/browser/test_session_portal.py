"""Sessions in real headless Chromium against the real local stack, at 360 px.

A minute before the token ends the page warns, and 继续 gets a fresh token without an SMS
code; after the 2 hours of a session 继续 is refused in plain words. A session that ends
sends the person to log in and, after the new login, back to the same page with what they
had typed (never the ID number). 退出登录 is on every signed-in page and says the session
ended.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import api_get, assert_fits_width, log_in, shot

pytestmark = pytest.mark.browser


def token_ending_in(person: Any, seconds: int, started_ago: int | None = None) -> str:
    """A token of the stage's key for ``person`` that ends in ``seconds``; its session
    started ``started_ago`` seconds ago (default: when the token was issued)."""
    from chalicelib.adapters.tokens import JwtTokenService
    from chalicelib.config import settings
    from chalicelib.services.auth import person_id_for

    now = int(time.time())
    issued = now + seconds - 900
    started = issued if started_ago is None else now - started_ago
    token, _ = JwtTokenService(settings().token_secret, 900).issue(
        person_id_for(person.id_number, settings().pepper),
        ["citizen"],
        issued,
        {"session_start": str(started)},
        not_after=now + seconds,
    )
    return token


def signed_in_as(page: Page, token: str, href: str) -> None:
    page.goto("/index.html")
    page.evaluate("t => sessionStorage.setItem('yibao.token', t)", token)
    page.goto(f"/{href}")


def test_a_minute_before_the_end_the_page_warns_and_continue_needs_no_sms(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person()
    sent_before = stack.sms_count(person.phone)
    old = token_ending_in(person, 66)
    signed_in_as(page, old, "settlements.html")
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=12_000)  # at 60 s before the end
    expect(warning).to_have_attribute("role", "alertdialog")
    expect(warning).to_contain_text("1分钟后到期")
    expect(page.locator("#session-continue")).to_be_focused()
    assert_fits_width(page)
    shot(page, "session-warning")
    page.get_by_role("button", name="继续").click()
    expect(warning).to_be_hidden()
    fresh = page.evaluate("sessionStorage.getItem('yibao.token')")
    assert fresh and fresh != old
    assert api_get(page, "/v1/me")["body"]["name"] == person.name
    assert stack.sms_count(person.phone) == sent_before, "继续 sent an SMS"
    assert page.url.endswith("/settlements.html")


def test_after_two_hours_continue_is_refused_in_plain_words(stack: Any, page: Page) -> None:
    person = stack.fresh_person()
    signed_in_as(page, token_ending_in(person, 50, started_ago=2 * 60 * 60 - 50), "home.html")
    expect(page.locator("#session-warning")).to_be_visible()
    page.get_by_role("button", name="继续").click()
    expect(page.locator("#session-warning-text")).to_contain_text("您已登录满2小时")
    expect(page.locator("#session-warning-text")).to_contain_text("重新登录")
    expect(page.locator("#session-continue")).to_be_hidden()
    page.locator("#lang-toggle").click()
    expect(page.locator("#session-warning-text")).to_contain_text("2 hours")


def test_an_ended_session_comes_back_to_the_same_page_with_what_was_typed(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person()
    signed_in_as(page, token_ending_in(person, 6), "estimate.html")
    expect(page.locator("#est-who")).to_be_visible()
    page.locator("#kind-outpatient").check()
    page.locator("#amount").fill("1234")
    page.wait_for_url("**/index.html", timeout=15_000)  # the token ended
    expect(page.locator("#message")).to_have_text("登录已过期，请重新登录")
    kept = page.evaluate("sessionStorage.getItem('yibao.resume')")
    assert kept and "estimate.html" in kept and "1234" in kept
    assert person.id_number not in kept and person.phone not in kept

    log_in(page, stack, person, lands="estimate.html")
    expect(page.locator("#amount")).to_have_value("1234")
    expect(page.locator("#kind-outpatient")).to_be_checked()
    expect(page.locator("#message")).to_have_text("已恢复您重新登录前填写的内容。")
    # Kept only as long as needed: gone once given back.
    assert page.evaluate("sessionStorage.getItem('yibao.resume')") is None


def test_logout_is_on_every_signed_in_page_and_says_the_session_ended(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person()
    for href in ("home.html", "settlements.html", "account.html", "family.html", "card.html"):
        signed_in_as(page, token_ending_in(person, 600), href)
        expect(page.locator(".site-header #logout")).to_have_text("退出登录")
    page.locator("#logout").click()
    page.wait_for_url("**/index.html")
    message = page.locator("#message")
    expect(message).to_have_text("您已退出登录。要再办事，请重新登录。")
    expect(message).to_have_attribute("data-kind", "success")
    assert page.evaluate("sessionStorage.getItem('yibao.token')") is None
    assert page.evaluate("sessionStorage.getItem('yibao.resume')") is None
    expect(page.locator("#logout")).to_have_count(0)  # the login page has none
    page.goto("/card.html")
    page.wait_for_url("**/index.html")
    shot(page, "session-logged-out")
