"""看病前算一算 (estimate.html) in real headless Chromium against the real local stack, at 360 px.

A signed-in person answers a few plain questions about a coming visit; the page
posts them to POST /v1/me/estimates and shows who pays what (big numbers, a bar
with a table for screen readers) and the engine's own explanation lines. The
worked example of SETTLEMENT.md comes out to the fen; 李秀英 (an employee at 85%)
asking for 门诊慢特病 is told plainly that it needs 95%; bad amounts are caught
next to the field before anything is sent; large English text fits 360 px.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from tests.browser.pages import (
    CJK,
    WIDTH,
    assert_fits_width,
    labels_name_every_field,
    log_in,
    money,
    open_tile,
    shot,
    toggle_english_and_large_text,
)

pytestmark = pytest.mark.browser

ESTIMATES = "/v1/me/estimates"


def open_estimate(page: Page) -> None:
    """From home.html, the 看病前算一算 tile is live and leads to estimate.html."""
    open_tile(page, "tile-estimate", "estimate.html", "看病前算一算")
    expect(page.locator("#est-who")).to_be_visible()  # GET /v1/me has answered


def watch_estimates(page: Page) -> list[Request]:
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith(ESTIMATES) else None)
    return sent


def body_of(request: Request) -> dict[str, Any]:
    body = request.post_data_json
    assert isinstance(body, dict), request.post_data
    return body


def api_estimate_lines(sent: list[Request]) -> list[dict[str, Any]]:
    """The explanation lines the API answered the last estimate with."""
    response = sent[-1].response()
    assert response is not None and response.ok
    lines = response.json()["lines"]
    assert isinstance(lines, list)
    return lines


# ------------------------------------------------------------------ 1. the worked example


def test_the_worked_example_of_settlement_md_comes_out_to_the_fen(stack: Any, page: Page) -> None:
    person = stack.fresh_person(scheme="resident", groups=("low_income",))
    log_in(page, stack, person)
    open_estimate(page)
    expect(page.locator("#est-who")).to_contain_text("城乡居民医保")
    expect(page.locator("#est-who")).to_contain_text("建档低收入人口")
    expect(page.locator("#use-account")).to_be_hidden()  # residents hold no personal account
    expect(page.locator("#est-result")).to_be_hidden()
    labels_name_every_field(page, "main input:visible, main select:visible", at_least=8)
    sent = watch_estimates(page)

    page.locator("#kind-inpatient").check()
    page.locator("#level-2").check()
    expect(page.locator("#loc-in-county")).to_be_checked()  # the usual case is the default
    expect(page.locator("#filing-note")).to_be_hidden()  # said only for care away
    expect(page.locator("#referral")).to_be_hidden()
    page.locator("#amount").fill("20000")
    page.locator("#est-submit").click()

    result = page.locator("#est-result")
    expect(result).to_be_visible()
    expect(page.locator("#message")).to_have_attribute("data-kind", "success")
    expect(page.locator("#est-result-title")).to_be_focused()
    assert len(sent) == 1 and sent[0].method == "POST"
    assert body_of(sent[0]) == {
        "visit": {
            "kind": "inpatient",
            "hospital_level": 2,
            "location": "in_county",
            "referral": False,
        },
        "items": [{"code": "A-1", "catalogue": "A", "amount": "20000.00"}],
        "use_account": False,
    }

    # SETTLEMENT.md: basic 16,575.00; critical illness 276.25; assistance 1,889.25; cash 1,259.50.
    expect(page.locator("#est-total")).to_have_text("20,000.00 元")
    expect(page.locator("#est-basic")).to_have_text("16,575.00 元")
    expect(page.locator("#est-critical-illness")).to_have_text("276.25 元")
    expect(page.locator("#est-medical-assistance")).to_have_text("1,889.25 元")
    expect(page.locator("#est-cash")).to_have_text("1,259.50 元")
    for zero in ("est-safety-net", "est-account", "est-hospital-borne"):
        expect(page.locator(f"#{zero}")).to_have_count(0)  # zero rows are left out
    parts = page.locator("#est-parts")
    expect(parts.locator("dt")).to_have_text(
        ["医保统筹支付", "大病保险", "医疗救助", "个人现金支付"]
    )
    expect(page.locator("#est-summary")).to_have_text(
        "医保和救助等共支付 18,740.50 元，您自己付 1,259.50 元（个人账户和现金）。"
    )
    expect(page.locator("#est-refusal")).to_be_hidden()

    # The bar: one segment per paid part, widths in proportion; hidden from screen
    # readers, which get the table instead.
    bar = page.locator("#est-bar")
    expect(bar).to_have_attribute("aria-hidden", "true")
    segments = bar.locator(".seg")
    expect(segments).to_have_count(4)
    bar_width = bar.evaluate("b => b.clientWidth")
    basic_width = segments.first.evaluate("s => s.getBoundingClientRect().width")
    assert abs(basic_width / bar_width - 16575 / 20000) < 0.03, (basic_width, bar_width)
    rows = page.locator("#est-table tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_have_text(re.compile(r"医保统筹支付\s*16,575.00 元\s*82\.9%"))
    expect(page.locator("#est-table caption")).to_have_text("费用怎么分担")

    # The engine's own explanation, step by step, each with its amount.
    lines = page.locator("#est-lines > li")
    expect(lines.first).to_contain_text("本次医疗费用合计20,000.00 元。")
    expect(page.locator("#est-lines")).to_contain_text("(20,000.00−500.00)×85%=16,575.00 元")
    expect(page.locator("#est-lines")).to_contain_text("超过困难群众起付标准3,000.00 元")
    expect(page.locator("#est-lines")).to_contain_text("按60%救助1,889.25 元")
    expect(lines.last).to_contain_text("您需要现金支付1,259.50 元。")
    expect(lines.last.locator(".line-amount")).to_have_text("金额：1,259.50 元")
    assert lines.count() >= 6
    # Each line with its amount, in the one money format; a line naming no money has none.
    said = [x["amount"] for x in api_estimate_lines(sent)]
    assert lines.count() == len(said)
    for i, amount in enumerate(said):
        expect(lines.nth(i).locator(".line-text")).not_to_be_empty()
        if amount == "0.00":
            expect(lines.nth(i).locator(".line-amount")).to_have_count(0)
        else:
            expect(lines.nth(i).locator(".line-amount")).to_have_text(f"金额：{money(amount)}")
    expect(page.locator("#est-note")).to_contain_text("这是估算，实际以医院结算为准。")
    expect(page.locator("#est-note")).to_contain_text("没有保存")
    assert_fits_width(page, "estimate.html scrolls sideways at 360 px")
    shot(page, "estimate-example")

    # The same answer in English, without asking again.
    page.locator("#lang-toggle").click()
    expect(page.locator("#est-basic")).to_have_text("16,575.00 yuan")
    expect(parts.locator("dt").first).to_have_text("Basic medical insurance")
    expect(lines.last).to_contain_text("You pay 1,259.50 yuan in cash.")
    expect(page.locator("#est-note")).to_contain_text("This is an estimate")
    assert len(sent) == 1

    # Changing an answer marks the result as out of date until asked again.
    expect(page.locator("#est-stale")).to_be_hidden()
    page.locator("#level-3").check()
    expect(page.locator("#est-stale")).to_be_visible()


# ------------------------------------------------------------------ 2. 李秀英：85% is not 95%


def test_li_xiuying_is_told_plainly_that_chronic_care_needs_95_percent(
    stack: Any, page: Page
) -> None:
    from chalicelib.demo import person

    li = person(990101, 1)  # 李秀英：in-service employee at 85%, with a 慢特病 qualification
    assert li.name == "李秀英" and li.tier_pct == 85.0 and li.chronic
    log_in(page, stack, li)  # waits out the minute window if another test just logged her in
    open_estimate(page)
    expect(page.locator("#est-who")).to_contain_text("职工医保")
    account = page.locator("#use-account")
    expect(account).to_be_visible()  # employees hold a personal account
    expect(account).to_be_checked()
    sent = watch_estimates(page)

    page.locator("#kind-chronic").check()
    page.locator("#level-2").check()
    page.locator("#amount").fill("800")
    page.locator("#est-submit").click()

    refusal = page.locator("#est-refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("这次看病暂时不能享受医保报销")
    expect(refusal).to_contain_text("年均缴费未达95%，门诊慢特病待遇暂不能享受。")
    expect(refusal).to_contain_text("您的年均缴费为上年度在岗职工平均工资的85%")
    expect(refusal).to_contain_text("年均缴费达到95%及以上后就可以享受")  # what would change it
    assert body_of(sent[0])["visit"]["kind"] == "chronic_outpatient"
    assert body_of(sent[0])["use_account"] is True

    # No fund pays: only the account and cash rows, which together are the whole bill.
    for gone in ("est-basic", "est-critical-illness", "est-medical-assistance", "est-safety-net"):
        expect(page.locator(f"#{gone}")).to_have_count(0)
    expect(page.locator("#est-cash")).to_be_visible()
    expect(page.locator("#est-total")).to_have_text("800.00 元")
    expect(page.locator("#est-summary")).to_contain_text("共支付 0.00 元，您自己付 800.00 元")
    # The refusal is said once: in the box above, not again among the lines.
    expect(page.locator("#est-lines")).not_to_contain_text("年均缴费未达95%")
    assert page.locator("main").inner_text().count("年均缴费未达95%") == 1
    # The lines left name money only where there is some: no "金额：800.00 元" beside
    # a line that says why nothing is paid.
    for i in range(page.locator("#est-lines > li").count()):
        item = page.locator("#est-lines > li").nth(i)
        if "没有基本医保" in item.inner_text():
            expect(item.locator(".line-amount")).to_have_count(0)
    assert_fits_width(page)
    shot(page, "estimate-refusal")

    page.locator("#lang-toggle").click()
    expect(refusal).to_contain_text("below 95%")
    expect(refusal).to_contain_text("reaches 95%")


# ------------------------------------------------------------------ 3. bad input stays on the page


def test_bad_amounts_are_explained_next_to_the_field_and_nothing_is_sent(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person(scheme="resident")
    log_in(page, stack, person)
    open_estimate(page)
    sent = watch_estimates(page)
    message = page.locator("#message")
    amount = page.locator("#amount")
    error = page.locator("#amount-error")

    # Nothing chosen: each missing answer is marked, and the first gets the focus.
    page.locator("#est-submit").click()
    expect(message).to_have_text("请按提示修改标出的内容")
    expect(message).to_have_attribute("data-kind", "error")
    expect(page.locator("#kind-group-error")).to_have_text(
        "请选择看什么病：住院、普通门诊或门诊慢特病"
    )
    expect(page.locator("#level-group-error")).to_have_text("请选择医院等级")
    expect(page.locator("#level-group #level-group-error")).to_have_count(1)  # inside its box
    expect(page.locator("#level-group")).to_have_attribute("aria-invalid", "true")
    expect(error).to_have_text("请填写预计总费用")
    expect(page.locator("#kind-inpatient")).to_be_focused()
    shot(page, "estimate-missing")

    # Keyboard only: arrows move within a radio group, Enter in the amount submits.
    page.keyboard.press("Space")
    expect(page.locator("#kind-inpatient")).to_be_checked()
    expect(page.locator("#kind-group-error")).to_have_count(0)  # answering clears the mark
    page.keyboard.press("ArrowDown")
    expect(page.locator("#kind-outpatient")).to_be_checked()
    page.locator("#level-1").check()

    for typed, said in (
        ("12.345", "请只填数字，最多两位小数，例如 20000 或 1234.50"),
        ("0", "总费用要大于0"),
        ("-5", "请只填数字，最多两位小数，例如 20000 或 1234.50"),
        ("100000000.01", "金额不能超过 100000000 元"),
    ):
        amount.fill(typed)
        amount.press("Enter")
        expect(error).to_have_text(said)
        expect(amount).to_have_attribute("aria-invalid", "true")
        assert "amount-error" in (amount.get_attribute("aria-describedby") or "").split()
        expect(amount).to_be_focused()
        expect(message).to_have_attribute("data-kind", "error")
    shot(page, "estimate-bad-amount")

    # Correcting the field takes the error away at once.
    amount.fill("100")
    expect(error).to_have_count(0)
    expect(amount).not_to_have_attribute("aria-invalid", "true")

    # The breakdown must leave something of the total in catalogue A.
    page.locator("#est-details summary").click()
    page.locator("#amount-c").fill("60")
    page.locator("#amount-b").fill("40")
    page.locator("#est-submit").click()
    expect(error).to_have_text("总费用要大于乙类和自费费用加起来的 100.00 元。请检查这几个数")
    page.locator("#lang-toggle").click()  # the error follows the language, unit included
    expect(error).to_have_text(
        "The total cost must be more than the catalogue B and pay-in-full items together "
        "(100.00 yuan). Please check these figures"
    )
    page.locator("#lang-toggle").click()
    page.locator("#amount-b").fill("12.3.4")
    page.locator("#est-submit").click()
    expect(page.locator("#amount-b-error")).to_have_text(
        "请只填数字，最多两位小数，例如 20000 或 1234.50"
    )
    page.locator("#amount-b").fill("40")
    page.locator("#b-ratio").fill("150")
    page.locator("#amount").fill("1000")
    page.locator("#est-submit").click()
    expect(page.locator("#b-ratio-error")).to_have_text(
        "请填0到100之间的数字，最多两位小数，例如 10"
    )
    assert sent == [], "a request was sent for a form with errors"

    # Put right, in the way people type it (full-width digits, separators, 元): one request.
    page.locator("#b-ratio").fill("10")
    amount.fill("１,000元")
    page.locator("#est-submit").click()
    expect(page.locator("#est-result")).to_be_visible()
    assert len(sent) == 1
    assert body_of(sent[0])["items"] == [
        {"code": "A-1", "catalogue": "A", "amount": "900.00"},
        {"code": "B-1", "catalogue": "B", "amount": "40.00", "b_self_ratio": "0.1"},
        {"code": "C-1", "catalogue": "C", "amount": "60.00"},
    ]
    expect(amount).to_have_value("1000")
    expect(page.locator("#est-lines")).to_contain_text("目录外（丙类）费用60.00 元")
    expect(page.locator("#est-lines")).to_contain_text("先由您自付4.00 元")
    expect(page.locator("#est-total")).to_have_text("1,000.00 元")


# ------------------------------------------------------------------ 4. large English text at 360 px


def test_large_english_text_fits_360_px_with_the_form_errors_and_the_result(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person(scheme="employee", retired=False, tier_pct=100.0)
    log_in(page, stack, person)
    open_estimate(page)
    toggle_english_and_large_text(page)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_class(re.compile(r"\blarge-text\b"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Estimate costs before a visit")
    expect(page).to_have_title(re.compile(r"^Estimate before a visit"))
    assert_fits_width(page, "the form scrolls sideways in large English text")

    # Care away from home: the filing is the one on record (none here), the referral is asked.
    page.locator("#kind-inpatient").check()
    page.locator("#level-3").check()
    page.locator("#loc-out-of-province").check()
    expect(page.locator("#filing-note")).to_contain_text("by the filing you have made")
    expect(page.get_by_role("link", name="File for care away from home")).to_have_attribute(
        "href", "filing.html"
    )
    expect(page.get_by_label("My local hospital referred me")).not_to_be_checked()
    page.locator("#est-details summary").click()
    page.locator("#amount").fill("123456.789")
    page.locator("#amount-c").fill("100000000")
    page.locator("#est-submit").click()
    expect(page.locator("#amount-error")).to_have_text(
        "Digits only, at most two decimals, e.g. 20000 or 1234.50"
    )
    assert_fits_width(page, "field errors scroll sideways in large English text")

    page.locator("#amount").fill("123456.78")
    page.locator("#amount-c").fill("3000")
    page.locator("#amount-b").fill("20000")
    page.locator("#est-submit").click()
    expect(page.locator("#est-result")).to_be_visible()
    expect(page.locator("#est-result-title")).to_have_text("Your estimate")
    expect(page.locator("#est-total")).to_have_text("123,456.78 yuan")
    expect(page.locator("#est-cash")).to_have_text(re.compile(r"^[\d,]+\.\d\d yuan$"))
    expect(page.locator("#est-lines")).to_contain_text("20 points")  # the out-of-province cut
    expect(page.locator("#est-filing-used")).to_contain_text("settled as without one")
    expect(page.locator("#est-filing-effect")).to_contain_text(
        "Without a filing the ratio is 20 points lower"
    )
    main_text = page.locator("main").inner_text()
    assert not CJK.search(main_text), f"Chinese left on the English page: {main_text!r}"
    assert_fits_width(page, "the result scrolls sideways in large English text")
    for big in ("est-total", "est-cash"):
        right = page.locator(f"#{big}").evaluate("e => e.getBoundingClientRect().right")
        assert right <= WIDTH, f"#{big} runs off the screen"
    shot(page, "estimate-large-en")


# ------------------------------------------------------------------ 5. no session


def test_without_a_session_the_page_goes_back_to_login_with_a_message(page: Page) -> None:
    page.goto("/index.html")
    page.evaluate("sessionStorage.setItem('yibao.token', 'not-a-real-token')")
    page.goto("/estimate.html")
    page.wait_for_url("**/index.html")
    expect(page.locator("#message")).to_have_text("登录已过期，请重新登录")
    assert page.evaluate("sessionStorage.getItem('yibao.token')") is None
