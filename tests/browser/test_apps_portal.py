"""A third-party app's consent (consent.html) and 授权管理 / 谁查看了我的信息 (apps.html)
in real headless Chromium against the local stack, at 360 px (issue 11 items 1, 5, 9).

The app sends the person to /v1/oauth/authorize; the consent page names the app, its
operator and purpose, logs the person in with the SMS code, shows each category in plain
words with a preview of their own data and the durations the app may have; the person
unticks one category and agrees; the app gets a code that the token endpoint exchanges
for exactly what was ticked. In 授权管理 the grant is listed, its uses are in the access
log (filtered by app), and 取消授权 stops the app's token at once. Chinese first with
full-width punctuation, English, large text.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from tests.api.oauth_flow import auth_query, exchange, pkce, register
from tests.browser.pages import (
    accessibility_basics,
    assert_fits_width,
    log_in,
    open_tile,
    shot,
    toggle_english_and_large_text,
)

pytestmark = pytest.mark.browser

ASKED = ["profile:read", "benefits:read", "card:read"]
HALF_WIDTH_BETWEEN_CJK = re.compile(r"[\u4e00-\u9fff][,?:;!()][\u4e00-\u9fff]")


def catch_the_redirect(page: Page) -> list[str]:
    """The app's own address (https://app.example/callback) answered in the browser."""
    caught: list[str] = []

    def answer(route: Route) -> None:
        caught.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>示范健康</h1>")

    page.route("https://app.example/**", answer)
    return caught


def log_in_here(page: Page, stack: Any, person: Any) -> None:
    """The consent page's own login: the SMS code, the page stays."""
    page.get_by_label("身份证号").fill(person.id_number)
    page.get_by_label("手机号").fill(person.phone)
    page.locator("#send-code").click()
    expect(page.locator("#message")).to_have_attribute("data-kind", "success")
    code = stack.last_code(person.phone)
    assert code, "no login code was sent"
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("#consent-form")).to_be_visible()
    expect(page.locator("#consent-login")).to_be_hidden()


def chinese_reads_well(page: Page) -> None:
    text = page.locator("main").inner_text()
    assert not HALF_WIDTH_BETWEEN_CJK.search(text), HALF_WIDTH_BETWEEN_CJK.findall(text)


def test_the_person_logs_in_sees_a_preview_chooses_and_the_app_gets_what_was_ticked(
    stack: Any, page: Page, api: Any
) -> None:
    app = register(ASKED)
    person = stack.fresh_person()
    caught = catch_the_redirect(page)
    verifier, challenge = pkce()
    query = auth_query(app, " ".join(ASKED), challenge)
    state = parse_qs(query)["state"][0]

    page.goto(f"/v1/oauth/authorize?{query}")
    page.wait_for_url("**/consent.html?**")
    expect(page.locator("h1")).to_have_text("授权第三方应用")
    expect(page.locator("#consent-app-name")).to_have_text("示范健康")
    expect(page.locator("#consent-operator")).to_have_text("示范健康科技有限公司")
    expect(page.locator("#consent-purpose")).to_contain_text("查看医保待遇")
    expect(page.locator("#consent-login")).to_be_visible()
    expect(page.locator("#consent-form")).to_be_hidden()  # nothing is shown before the login
    # the login page's form, drawn by login-form.js (its one copy), in the page's language
    expect(page.locator("#consent-login #login-form label")).to_have_text(
        ["身份证号", "手机号", "短信验证码"])
    assert_fits_width(page, "consent login, zh")
    shot(page, "consent-login-zh")
    log_in_here(page, stack, person)

    choices = page.locator("#scopes-list label.choice")
    expect(choices).to_have_count(3)
    expect(choices.nth(0)).to_contain_text("您的参保基本信息")
    masked = person.name[0] + "*" * (len(person.name) - 1)
    expect(page.locator("#scope-0-preview")).to_contain_text(f"姓名显示为“{masked}”")
    expect(page.locator("#scope-1-preview")).to_contain_text("年的待遇额度")
    expect(page.locator("#scope-2-preview")).to_contain_text("医保卡：")
    expect(page.locator("#duration-13_months")).to_be_checked()
    expect(page.locator("#duration-one_time")).not_to_be_checked()
    assert person.id_number not in page.content() and person.phone not in page.content()
    chinese_reads_well(page)
    assert_fits_width(page, "consent, zh")
    accessibility_basics(page)
    shot(page, "consent-zh")

    toggle_english_and_large_text(page)
    expect(page.locator("h1")).to_have_text("Allow a third-party app")
    expect(page.locator("#scope-2-preview")).to_contain_text("Card: ")
    assert_fits_width(page, "consent, English, large text")
    shot(page, "consent-en-large")
    toggle_english_and_large_text(page)

    # nothing ticked is refused in plain words, nothing sent
    for n in range(3):
        page.locator(f"#scope-{n}").uncheck()
    page.get_by_role("button", name="同意授权").click()
    expect(page.locator("#message")).to_contain_text("请至少勾选一项")
    assert not caught
    page.locator("#scope-0").check()
    page.locator("#scope-1").check()
    page.get_by_role("button", name="同意授权").click()
    page.wait_for_url("https://app.example/callback?**")
    back = parse_qs(urlsplit(caught[-1]).query)
    assert back["state"] == [state]
    answer = exchange(api, app, back["code"][0], verifier)
    assert answer.status == 200, answer.text
    assert answer.body["scope"] == "profile:read benefits:read"  # card:read was unticked
    token = answer.body["access_token"]
    assert api.get("/v1/me/benefits", token=token).status == 200
    assert api.get("/v1/me/card", token=token).status == 403  # a use refused, also logged

    # 授权管理 from the home tile: the grant, its uses, and taking it back
    page.goto("/home.html")
    open_tile(page, "tile-apps", "apps.html", "授权管理")
    grant = page.locator("#apps-list > li").first
    expect(grant).to_contain_text("示范健康")
    expect(grant).to_contain_text("有效")
    expect(grant).to_contain_text("您今年的待遇额度")
    expect(grant).not_to_contain_text("医保卡状态")
    lines = page.locator("#log-list > li")
    expect(lines).to_have_count(2)  # both in one second: newest first is to the second
    refused = lines.filter(has_text="示范健康：您的医保卡状态")
    expect(refused).to_contain_text("被拒绝")
    expect(lines.filter(has_text="示范健康：您今年的待遇额度")).to_contain_text("已读取")
    page.get_by_label("只看这个应用").select_option(label="示范健康")
    expect(lines).to_have_count(2)
    chinese_reads_well(page)
    assert_fits_width(page, "apps, zh")
    accessibility_basics(page)
    shot(page, "apps-zh")

    grant.get_by_role("button", name="取消授权").click()
    expect(page.locator("#apps-confirm")).to_be_visible()
    expect(page.locator("#apps-confirm-text")).to_contain_text("“示范健康”马上不能再读取")
    page.get_by_role("button", name="先不取消").click()
    expect(page.locator("#message")).to_have_text("没有取消，授权仍然有效。")
    assert api.get("/v1/me/benefits", token=token).status == 200
    grant.get_by_role("button", name="取消授权").click()
    page.get_by_role("button", name="确认取消").click()
    expect(page.locator("#message")).to_contain_text("已取消“示范健康”的授权")
    expect(grant).to_contain_text("已取消")
    expect(grant.get_by_role("button", name="取消授权")).to_have_count(0)
    assert api.get("/v1/me/benefits", token=token).status == 401  # at once

    toggle_english_and_large_text(page)
    expect(page.locator("h1")).to_have_text("Linked apps")
    expect(grant).to_contain_text("Taken back")
    expect(lines.filter(has_text="Your card's status")).to_contain_text("refused")
    assert_fits_width(page, "apps, English, large text")
    shot(page, "apps-en-large")


@pytest.mark.parametrize("query", ["?client_id=nobody&response_type=code", ""])
def test_a_bad_request_says_so_in_plain_words_and_offers_nothing(page: Page, query: str) -> None:
    page.goto(f"/consent.html{query}")
    expect(page.locator("#message")).to_have_attribute("data-kind", "error")
    expect(page.locator("#message")).to_contain_text("这个授权请求不完整或已失效，请回到应用重新发起。")
    # no empty card beneath the refusal: nothing names an app, nothing to fill in
    expect(page.locator("#consent-app")).to_be_hidden()
    expect(page.locator("[aria-busy='true']")).to_have_count(0)  # nothing still loading
    expect(page.locator("#consent-form")).to_be_hidden()
    expect(page.locator("#consent-login")).to_be_hidden()
    assert_fits_width(page)
    shot(page, "consent-bad-request" + ("-no-query" if not query else ""))
    toggle_english_and_large_text(page)
    expect(page.locator("#message")).to_contain_text("go back to the app and start again")
    expect(page.locator("#consent-app")).to_be_hidden()
    assert_fits_width(page, "consent refusal, English, large text")
    shot(page, "consent-bad-request-en-large" + ("-no-query" if not query else ""))


def test_apps_without_a_login_goes_to_the_login_page(stack: Any, page: Page) -> None:
    page.goto("/apps.html")
    page.wait_for_url("**/index.html")
    log_in(page, stack, stack.fresh_person())
    page.goto("/apps.html")
    expect(page.locator("#apps-none")).to_be_visible()
    expect(page.locator("#log-none")).to_be_visible()


def test_the_demo_app_completes_the_flow_with_authlibs_client_refreshes_and_lapses(
    stack: Any, page: Page
) -> None:
    """`make run`'s demo app (local/demo_app.py, Authlib's OAuth2Session with PKCE S256):
    connect, consent in the portal, the first call, a refresh, then the sandbox lapses the
    grant and both the refresh and the call are refused."""
    person = stack.fresh_person()
    page.goto("/local/demo-app")
    page.locator("#demo-start").click()
    page.wait_for_url("**/consent.html?**")
    expect(page.locator("#consent-app-name")).to_have_text("示范健康（演示应用）")
    log_in_here(page, stack, person)
    expect(page.locator("#scopes-list label.choice")).to_have_count(5)
    expect(page.locator("#scope-3-preview")).to_contain_text("结算记录")
    page.get_by_role("button", name="同意授权").click()
    page.wait_for_url("**/local/demo-app/callback?**")
    expect(page.locator("h1")).to_have_text("已连接 / Connected")
    token = page.locator("#demo-token")
    expect(token).to_contain_text('"expires_in": 3600')
    expect(token).to_contain_text('"access_grant_expiration"')
    expect(token).to_contain_text('"patient"')
    expect(page.locator("#demo-benefits")).to_contain_text('"caps"')
    assert person.id_number not in page.content()
    shot(page, "demo-app-connected")

    page.locator("#demo-refresh").click()
    expect(page.locator("h1")).to_have_text("已刷新 / Refreshed")
    page.locator("#demo-call").click()
    expect(page.locator("#demo-benefits")).to_be_visible()
    page.locator("#demo-expire").click()
    expect(page.locator("h1")).to_contain_text("授权已过期")
    page.locator("#demo-refresh").click()
    expect(page.locator("h1")).to_contain_text("刷新被拒绝")
    expect(page.locator("#demo-error")).to_contain_text('"invalid_grant"')
    page.locator("#demo-call").click()
    expect(page.locator("h2")).to_contain_text("→ 401")
