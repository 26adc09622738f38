"""异地就医备案 (filing.html) in real headless Chromium against the real local stack, at 360 px.

A resident opens 异地就医备案 from the home page and files through the wizard, one question
a screen: for whom, why (a retirees-only category is shown, disabled, with the reason), where,
from when, the commitment; before submitting the page shows what the filing changes on an
example bill and on their own last settlement. The filing then shows its validity, the
hospitals of its city and what to do there. A temporary filing's end is changed and the
filing cancelled, each after a confirmation step (不改了 first changes nothing). A relative
files for someone with the code that person received. English and large text fit 360 px.
"""

from __future__ import annotations

import re
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
    open_tile,
    sent_back_to_log_in,
    settle,
    shot,
    toggle_english_and_large_text,
)

pytestmark = pytest.mark.browser


def open_filing(page: Page) -> None:
    open_tile(page, "tile-remote-care", "filing.html", "异地就医备案")
    expect(page.locator("#fl-mine")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#fl-start")).to_be_visible()


def api_send(page: Page, method: str, path: str, body: Any) -> dict[str, Any]:
    """A call with the page's token: {status, body}."""
    answer = page.evaluate(
        """async ([method, path, body]) => {
            const token = sessionStorage.getItem("yibao.token");
            const r = await fetch(path, { method, body: JSON.stringify(body), headers: {
                Authorization: `Bearer ${token}`, "Content-Type": "application/json" } });
            return { status: r.status, body: await r.json() };
        }""",
        [method, path, body],
    )
    assert isinstance(answer, dict)
    return answer


def english_text(page: Page) -> str:
    """The text of main, less what is marked Chinese on purpose (a policy's citation)."""
    return str(
        page.evaluate(
            """() => {
            const main = document.querySelector("main").cloneNode(true);
            main.querySelectorAll("[lang^='zh']").forEach((e) => e.remove());
            document.body.append(main);
            const text = main.innerText;
            main.remove();
            return text;
        }"""
        )
    )


def today() -> str:
    return datetime.now(BEIJING).date().isoformat()


def settle_once(stack: Any, hospital: dict[str, str], person: Any) -> None:
    """A settlement in the home county, for the preview's "my last settlement"."""
    settle(hospital, person)


# ------------------------------------------------------------------ 1. the wizard


def test_a_resident_files_through_the_wizard_and_sees_where_to_go(
    stack: Any, page: Page, hospital: dict[str, str]
) -> None:
    person = stack.fresh_person(scheme="resident", groups=())
    settle_once(stack, hospital, person)
    log_in(page, stack, person)
    open_filing(page)
    overview = api_get(page, "/v1/me/filings")["body"]
    expect(page.locator("#fl-rules-text")).to_have_text(in_text(overview["rules_zh"]))
    expect(page.locator("#fl-mine-empty")).to_have_text("您还没有办过异地就医备案。")
    accessibility_basics(page)
    assert_fits_width(page, "filing.html scrolls sideways at 360 px")
    message = page.locator("#message")

    page.locator("#fl-start").click()
    expect(page.locator("#fl-wizard-title")).to_be_focused()
    expect(page.locator("#fl-step-count")).to_have_text("第1步，共5步")
    expect(page.get_by_label("给我自己")).to_be_checked()
    shot(page, "filing-wizard-who")
    page.get_by_role("button", name="下一步").click()

    # Why: what this person may not use is there, disabled, with the reason in plain words.
    expect(page.locator("#fl-step-count")).to_have_text("第2步，共5步")
    retiree = page.locator("#fl-cat-retiree_resettled")
    expect(retiree).to_be_disabled()
    expect(page.locator("label[for='fl-cat-retiree_resettled']")).to_contain_text(
        "只适用于职工医保参保人"
    )
    expect(page.locator("label[for='fl-cat-emergency']")).to_contain_text("可以事后补办")
    page.get_by_role("button", name="下一步").click()
    expect(message).to_have_attribute("data-kind", "error")
    expect(page.locator("#fl-step-why-error")).to_have_text("请选择备案类别")
    accessibility_basics(page)
    shot(page, "filing-wizard-why")
    page.get_by_label("异地长期居住", exact=True).check()
    page.get_by_role("button", name="下一步").click()

    # Where: the home city is not offered; Beijing has one city, chosen with it.
    expect(page.locator("#fl-step-count")).to_have_text("第3步，共5步")
    page.get_by_label("省份", exact=True).select_option(label="示范省")
    cities = page.locator("#fl-city option").all_inner_texts()
    assert "示范市" not in cities and "东山市" in cities
    page.get_by_label("省份", exact=True).select_option(label="北京市")
    expect(page.get_by_label("城市", exact=True)).to_have_value("110100")
    page.get_by_role("button", name="下一步").click()

    # From when: today by default; a long-term filing has no end.
    expect(page.locator("#fl-step-count")).to_have_text("第4步，共5步")
    expect(page.get_by_label("开始日期")).to_have_value(today())
    expect(page.locator("#fl-end-date")).to_be_hidden()
    expect(page.locator("#fl-long-note")).to_be_visible()
    page.get_by_role("button", name="下一步").click()

    # The commitment, and what the filing changes: an example and my last settlement.
    expect(page.locator("#fl-step-count")).to_have_text("第5步，共5步")
    expect(page.locator("#fl-commitment")).to_have_text(in_text(overview["commitment"]["text_zh"]))
    expect(page.locator("#fl-effect")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#fl-effect-example")).to_contain_text("北京市三级医院住院")
    expect(page.locator("#fl-effect-example")).to_contain_text(re.compile(r"少付[\d,]+\.\d\d 元"))
    expect(page.locator("#fl-effect-last")).to_contain_text("按您上次的结算")
    expect(page.locator("#fl-effect-last")).to_contain_text("少付")
    # and where to go: the city's designated hospitals, before submitting
    expect(page.locator("#fl-wizard-what")).to_have_text(
        "持医保电子凭证或社保卡到以下医院可直接结算。"
    )
    expect(page.locator("#fl-wizard-hospitals .fl-hospital").first).to_contain_text(
        "北京市第一人民医院"
    )
    page.get_by_role("button", name="提交备案").click()
    expect(page.locator("#fl-commit-error")).to_have_text("请先阅读并同意个人承诺")
    accessibility_basics(page)
    assert_fits_width(page, "the wizard's last step scrolls sideways at 360 px")
    shot(page, "filing-wizard-promise")
    sent = stack.sms_count(person.phone)
    page.get_by_label("我已阅读，同意以上承诺").check()
    page.get_by_role("button", name="提交备案").click()

    # The filing: its validity, the hospitals there and what to do.
    expect(message).to_have_attribute("data-kind", "success")
    expect(message).to_have_text("备案已办好，确认短信已发出。")
    expect(page.locator("#fl-wizard")).to_be_hidden()
    expect(page.locator("#fl-detail-title")).to_have_text("异地长期居住：北京市")
    expect(page.locator("#fl-d-state")).to_have_text("有效")
    expect(page.locator("#fl-d-validity")).to_have_text(
        re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日起长期有效$")
    )
    expect(page.locator("#fl-what-to-do")).to_have_text(
        "持医保电子凭证或社保卡到以下医院可直接结算。"
    )
    expect(page.locator(".fl-hospital").first).to_contain_text("北京市第一人民医院")
    expect(page.locator(".fl-hospital").first).to_contain_text("三级医院 · 可直接结算")
    expect(page.locator("#fl-history .history-item")).to_have_count(1)
    expect(page.locator("#fl-list > li")).to_have_count(1)
    expect(page.locator("#fl-now")).to_contain_text("现在有效的备案：异地长期居住，北京市")
    assert stack.sms_count(person.phone) == sent + 1
    assert "异地就医备案已办好" in stack.last_sms(person.phone)
    accessibility_basics(page)
    assert_fits_width(page, "a filing scrolls sideways at 360 px")
    shot(page, "filing-done")

    # Within the first 6 months a long-term filing is cancelled only for a listed reason.
    page.get_by_role("button", name="取消备案").click()
    reason = page.get_by_label("变更或取消的原因")
    expect(reason).to_be_visible()
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.locator("#fl-reason-error")).to_contain_text("6个月内不能变更或取消")
    expect(reason).to_be_focused()
    expect(page.locator("#fl-d-state")).to_have_text("有效")
    reason.select_option(label="已回参保地居住或工作")
    page.get_by_role("button", name="取消备案").click()
    page.get_by_role("button", name="确认", exact=True).click()
    expect(message).to_have_text("备案已取消，短信通知已发出。")
    expect(page.locator("#fl-d-state")).to_have_text("已取消")
    expect(page.locator("#fl-history .history-item").first).to_contain_text(
        "取消备案（已回参保地居住或工作）"
    )


# ------------------------------------------------------------------ 2. change and cancel


def test_a_temporary_filing_is_changed_and_cancelled_after_a_confirmation(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person(scheme="resident")
    log_in(page, stack, person)
    made = api_send(
        page,
        "POST",
        "/v1/me/filings",
        {
            "category": "referral",
            "province": "530000",
            "city": "530100",
            "start": today(),
            "commitment": True,
        },
    )
    assert made["status"] == 201, made
    filing = made["body"]
    open_filing(page)
    page.locator(f"#fl-open-{filing['filing_id']}").click()
    expect(page.locator("#fl-detail-title")).to_have_text("异地转诊：云南省 昆明市")
    expect(page.locator("#fl-d-lock")).to_have_text("可以随时变更或取消")
    expect(page.locator("#fl-notes")).to_contain_text("到期前15天会有短信提醒")

    page.get_by_role("button", name="变更备案").click()
    new_end = filing["end"][:4] + "-" + filing["end"][5:7] + "-28"
    page.get_by_label("新的结束日期").fill(new_end)
    page.get_by_role("button", name="下一步：确认变更").click()
    box = page.locator("#fl-confirm")
    expect(box).to_be_visible()
    expect(page.locator("#fl-confirm-title")).to_be_focused()
    expect(page.locator("#fl-confirm-text")).to_contain_text("改为：云南省 昆明市，有效期到")
    accessibility_basics(page)
    shot(page, "filing-change-confirm")
    page.get_by_role("button", name="不改了").click()
    expect(page.locator("#message")).to_have_text("没有改动您的备案。")
    assert api_get(page, f"/v1/me/filings/{filing['filing_id']}")["body"]["end"] == filing["end"]

    page.get_by_role("button", name="下一步：确认变更").click()
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.locator("#message")).to_have_text("备案已变更，短信通知已发出。")
    expect(page.locator("#fl-d-validity")).to_contain_text("28日")
    expect(page.locator("#fl-history .history-item")).to_have_count(2)

    page.get_by_role("button", name="取消备案").click()
    expect(page.locator("#fl-confirm-text")).to_contain_text("在昆明市看病不能再按备案结算")
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.locator("#message")).to_have_text("备案已取消，短信通知已发出。")
    expect(page.locator("#fl-d-state")).to_have_text("已取消")
    expect(page.get_by_role("button", name="取消备案")).to_be_hidden()
    expect(page.locator("#fl-list .fl-state")).to_have_text(["已取消"])
    assert_fits_width(page, "a cancelled filing scrolls sideways at 360 px")
    shot(page, "filing-cancelled")


# ------------------------------------------------------------------ 3. for a relative


def test_a_relative_files_for_someone_with_the_code_they_received(stack: Any, page: Page) -> None:
    agent = stack.fresh_person(scheme="employee", retired=False)
    relative = stack.fresh_person(scheme="resident")
    log_in(page, stack, agent)
    open_filing(page)
    page.locator("#fl-start").click()
    page.get_by_label("替家人办理（代办）").check()
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("#fl-id-number-error")).to_be_visible()
    page.get_by_label("家人的身份证号").fill(relative.id_number)
    page.get_by_label("家人的姓名").fill(relative.name)
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("#fl-why-proxy")).to_be_visible()
    page.get_by_label("其他临时外出", exact=True).check()
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("省份", exact=True).select_option(label="上海市")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("#fl-end-date")).to_be_visible()
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("我已阅读，同意以上承诺").check()
    page.get_by_role("button", name="提交备案").click()
    expect(page.locator("#fl-send-code-error")).to_have_text("请先给家人发验证码")

    page.get_by_role("button", name="给家人发验证码").click()
    expect(page.locator("#fl-code-sent")).to_contain_text("会收到一条短信验证码")
    sms = stack.last_sms(relative.phone)
    code = re.search(r"验证码(\d{6})", sms).group(1)
    page.get_by_label("家人收到的验证码").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="提交备案").click()
    expect(page.locator("#message")).to_have_attribute("data-kind", "error")
    expect(page.locator("#message")).to_contain_text("验证码不对")
    page.get_by_label("家人收到的验证码").fill(code)
    page.get_by_role("button", name="提交备案").click()
    expect(page.locator("#message")).to_have_text("备案已办好，确认短信已发出。")
    expect(page.locator("#fl-d-by")).to_have_text(re.compile(r"^家人代办（.\*+）$"))
    expect(page.locator("#fl-list > li")).to_have_count(0)  # the filing is the relative's
    assert "已为您代办异地就医备案" in stack.last_sms(relative.phone)
    shot(page, "filing-proxy-done")


# ------------------------------------------------------------------ 4. English, large text


def test_large_english_text_fits_360_px_through_the_wizard(stack: Any, page: Page) -> None:
    person = stack.fresh_person(scheme="employee", retired=True)
    log_in(page, stack, person)
    open_filing(page)
    toggle_english_and_large_text(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Register care away from home")
    page.locator("#fl-start").click()
    expect(page.locator("#fl-step-count")).to_have_text("Step 1 of 5")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("retired and resettled elsewhere", exact=True).check()
    expect(page.locator("#fl-cat-posted_worker")).to_be_disabled()
    assert_fits_width(page, "the categories scroll sideways in large English text")
    shot(page, "filing-wizard-why-large-en")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Province", exact=True).select_option(label="Guangdong")
    page.get_by_label("City", exact=True).select_option(label="Shenzhen")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#fl-effect-example")).to_contain_text("Example: a stay in a level-3")
    expect(page.locator("#fl-effect-last")).to_have_text(
        "You have no settlement yet: the above is an example."
    )
    page.get_by_label("I have read this and I agree").check()
    main_text = english_text(page)
    assert not CJK.search(main_text), f"Chinese left on the English page: {main_text!r}"
    assert_fits_width(page, "the last step scrolls sideways in large English text")
    shot(page, "filing-wizard-promise-large-en")
    page.get_by_role("button", name="File now").click()
    expect(page.locator("#message")).to_have_text("Filed. A confirmation SMS has been sent.")
    expect(page.locator("#fl-detail-title")).to_have_text(
        "retired and resettled elsewhere: Guangdong Shenzhen"
    )
    expect(page.locator("#fl-what-to-do")).to_contain_text("settled directly")
    main_text = english_text(page)
    assert not CJK.search(main_text), f"Chinese left on the English page: {main_text!r}"
    assert_fits_width(page, "a filing scrolls sideways in large English text")
    shot(page, "filing-done-large-en")


def test_without_a_session_the_page_goes_back_to_login(page: Page) -> None:
    sent_back_to_log_in(page, "filing.html")
