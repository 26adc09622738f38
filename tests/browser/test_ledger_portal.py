"""缴费记录， 个人账户 and 待遇余额 in real headless Chromium against the real local stack, 360 px.

A signed-in employee opens the three ledger pages from the home tiles: the
contributions of 2025 month by month with the year's tier (95) and the
contribution years as a bar with a text alternative; the personal account's
balance, the last 12 months as bars with a table for screen readers, and the
March 2026 statement; the benefit balance with each yearly cap as a progress
bar. Every figure is checked against what the API itself answers. A resident
is told plainly that resident insurance has no personal account; large English
text fits 360 px on all three pages.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.pages import (
    CJK,
    WIDTH,
    api_get,
    assert_fits_width,
    in_text,
    line_count,
    log_in,
    money,
    open_tile,
    sent_back_to_log_in,
    shot,
    toggle_english_and_large_text,
)

pytestmark = pytest.mark.browser


def month_zh(period: str) -> str:
    year, month = period.split("-")
    return f"{int(year)}年{int(month)}月"


def js_number(yuan: str) -> str:
    """How JavaScript's String(Number("300000.00")) writes an amount: "300000", "123.4"."""
    value = Decimal(yuan)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


# ------------------------------------------------------------------ 1. contributions of 2025


def test_an_employee_sees_2025_month_by_month_with_the_tier_and_the_years_explained(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person(scheme="employee", retired=False, tier_pct=100.0)
    log_in(page, stack, person)
    open_tile(page, "tile-payments", "contributions.html", "缴费记录")

    year = page.locator("#contrib-year")
    prev, following = page.locator("#contrib-prev"), page.locator("#contrib-next")
    this_year = api_get(page, "/v1/me/contributions")["body"]["year"]
    expect(year).to_have_text(f"{this_year}年")  # the current year first
    expect(following).to_be_disabled()
    expect(prev).to_be_enabled()
    assert this_year >= 2026, "the demo ledgers run to 2026-10: 2025 is a past, whole year"

    # Back a year at a time, by keyboard, to 2025.
    for shown in range(this_year - 1, 2024, -1):
        prev.focus()
        page.keyboard.press("Enter")
        expect(year).to_have_text(f"{shown}年")
    expect(year).to_have_attribute("aria-live", "polite")
    expect(following).to_be_enabled()
    answer = api_get(page, "/v1/me/contributions?year=2025")
    assert answer["status"] == 200
    data = answer["body"]
    assert data["scheme"] == "employee" and len(data["entries"]) == 12

    # Twelve months, each with its figures, who paid and how (按时缴费， in words).
    entries = page.locator("#contrib-entries > li")
    expect(entries).to_have_count(12)
    expect(page.locator("#contrib-entries-title")).to_have_text("2025年每月缴费")
    for i, entry in enumerate(data["entries"]):
        item = entries.nth(i)
        expect(item).to_have_attribute("data-period", entry["period"])
        expect(item.locator(".entry-title")).to_have_text(month_zh(entry["period"]))
        expect(item.locator(".entry-total-value")).to_have_text(money(entry["total"]))
        expect(item.locator(".kind")).to_have_text(re.compile(r"按时缴费$"))
    first = entries.first
    expect(first.locator(".entry-facts")).to_contain_text("个人部分(2%)")
    expect(first.locator(".entry-facts")).to_contain_text(money(data["entries"][0]["individual"]))
    expect(first.locator(".entry-facts")).to_contain_text("单位部分(8%)")
    expect(first.locator(".entry-facts")).to_contain_text("大额医疗")
    payer = data["entries"][0]["payer_label"]["zh"]
    expect(first.locator(".entry-paid")).to_contain_text(f"由{payer}缴纳")
    expect(page.locator("#contrib-entries .entry-arrears")).to_have_count(0)

    # The year's tier: 100% of the average wage is tier 95, which includes everything.
    tier = data["summary"]["tier"]
    assert tier["tier"] == "95"
    expect(page.locator("#contrib-tier-title")).to_have_text("2025年的缴费档次")
    expect(page.locator("#contrib-tier-pct")).to_have_text(f"{tier['average_pct']}%")
    expect(page.locator("#contrib-tier-level")).to_have_text("缴费档次：95档")
    includes = page.locator("#contrib-tier-includes li")
    expect(includes).to_have_count(4)
    expect(page.locator("#contrib-tier-includes li.yes")).to_have_count(4)
    expect(includes.last).to_contain_text("门诊慢特病")
    expect(includes.last).to_contain_text("可以享受")
    expect(page.locator("#contrib-tier-text")).to_have_text(in_text(tier["text_zh"]))

    # Contribution years: a bar whose text alternative says what it shows.
    years = data["summary"]["contribution_years"]
    bar = page.locator("#contrib-years-bar")
    expect(bar).to_have_attribute("role", "img")
    label = bar.get_attribute("aria-label") or ""
    assert f"需要满{years['required_years']}年" in label, label
    assert "累计缴费" in label and re.search(r"\d+年", label), label
    expect(page.locator("#contrib-years-text")).to_have_text(in_text(years["text_zh"]))
    fill = bar.locator(".years-fill").evaluate("f => f.getBoundingClientRect().width")
    assert fill > 0, "the years bar shows nothing paid"
    assert_fits_width(page, "contributions.html scrolls sideways at 360 px")
    shot(page, "ledger-contributions")

    # The same year in English, without asking again; then forward to the current year.
    page.locator("#lang-toggle").click()
    expect(year).to_have_text("2025")
    expect(page.locator("#contrib-tier-level")).to_have_text("Tier: 95%")
    expect(page.locator("#contrib-tier-text")).to_have_text(in_text(tier["text_en"]))
    expect(entries.first.locator(".entry-title")).to_have_text("Jan 2025")
    expect(entries.first.locator(".kind")).to_contain_text("paid on time")
    for _ in range(this_year - 2025):
        following.click()
    expect(year).to_have_text(str(this_year))
    expect(following).to_be_disabled()
    # Two quick presses move two years, whatever the answers' timing.
    prev.click()
    prev.click()
    expect(year).to_have_text(str(this_year - 2))
    expect(page.locator("#contrib-tier-title")).to_have_text(f"Your tier for {this_year - 2}")


# ------------------------------------------------------------------ 2. the personal account


def test_the_account_page_shows_the_balance_the_chart_with_its_table_and_a_statement(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person(scheme="employee", retired=False)
    log_in(page, stack, person)
    open_tile(page, "tile-account", "account.html", "个人账户")

    answer = api_get(page, "/v1/me/account")
    assert answer["status"] == 200
    data = answer["body"]
    expect(page.locator("#acct-balance")).to_have_text(money(data["balance"]))
    credit = data["latest_credit"]
    expect(page.locator("#acct-credit")).to_contain_text(month_zh(credit["period"]))
    expect(page.locator("#acct-credit")).to_contain_text(f"+{money(credit['amount'])}")
    expect(page.locator("#acct-credit-text")).to_have_text(in_text(credit["text_zh"]))

    # The last 12 months: bars for the eye (hidden from screen readers), a table for them.
    months = data["months"]
    assert len(months) == 12, (
        f"the API gives {len(months)} months: the demo ledgers end in 2026-10 and "
        "GET /v1/me/account reads only this year's and last year's pages"
    )
    chart = page.locator("#acct-chart")
    expect(chart).to_have_attribute("aria-hidden", "true")
    expect(chart.locator(".chart-bar")).to_have_count(12)
    heights = chart.locator(".chart-bar").evaluate_all(
        "bars => bars.map((b) => b.getBoundingClientRect().height)"
    )
    top = max(Decimal(m["balance"]) for m in months)
    tallest = max(heights)
    assert tallest > 50, heights
    for month, height in zip(months, heights, strict=True):  # in proportion to the balance
        share = float(Decimal(month["balance"]) / top)
        assert abs(height / tallest - share) < 0.05, (month, height)
    table = page.locator("#acct-chart-table")
    expect(table.locator("caption")).to_have_text("最近12个月的月末余额")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(12)
    expect(rows.first.locator("th")).to_have_text(month_zh(months[0]["period"]))
    expect(rows.first.locator("td")).to_have_text(money(months[0]["balance"]))
    expect(rows.last.locator("td")).to_have_text(money(months[-1]["balance"]))
    expect(rows.first.locator("th")).to_have_attribute("scope", "row")

    # The statement opens on the month of the latest line; March 2026 has its monthly credit.
    select = page.get_by_label("看哪个月的明细")
    expect(select).to_have_value(data["as_of"][:7])
    expect(select.locator("option")).to_have_count(12)
    select.select_option("2026-03")
    march = api_get(page, "/v1/me/account/entries?month=2026-03")["body"]["entries"]
    lines = page.locator("#acct-entries > li")
    expect(lines).to_have_count(len(march))
    credit_line = page.locator("#acct-entries > li.stmt-credit")
    expect(credit_line).to_have_count(1)
    expect(credit_line.locator(".stmt-kind")).to_have_text("个人账户划入")
    march_credit = next(e for e in march if e["kind"] == "credit")
    amount = credit_line.locator(".stmt-amount")
    expect(amount).to_have_text(f"收入 +{money(march_credit['amount'])}")  # a word and a sign
    expect(amount).to_have_class(re.compile(r"\bin\b"))
    expect(credit_line.locator(".stmt-meta")).to_contain_text("2026年3月5日")
    expect(credit_line.locator(".stmt-meta")).to_contain_text(money(march_credit["balance_after"]))
    expect(page.locator("#acct-more")).to_be_hidden()  # one page holds a month
    assert_fits_width(page, "account.html scrolls sideways at 360 px")
    shot(page, "ledger-account")


# ------------------------------------------------------------------ 3. the benefit balance


def test_benefits_shows_each_yearly_cap_as_a_bar_with_what_is_left(stack: Any, page: Page) -> None:
    person = stack.fresh_person(scheme="resident", groups=("dibao",))
    log_in(page, stack, person)
    open_tile(page, "tile-benefits", "benefits.html", "待遇余额")

    data = api_get(page, "/v1/me/benefits")["body"]
    expect(page.locator("#ben-year")).to_contain_text(f"{data['year']}年度")
    inpatient = data["caps"]["inpatient"]
    section = page.locator("#ben-inpatient")
    expect(section.get_by_role("heading", level=2)).to_have_text("住院")
    expect(page.locator("#ben-inpatient-left")).to_have_text(money(inpatient["left"]))
    expect(section).to_contain_text("今年还能报")
    bar = page.get_by_role("progressbar", name="住院", exact=True)
    expect(bar).to_have_count(1)
    expect(bar).to_have_attribute("aria-valuemin", "0")
    expect(bar).to_have_attribute("aria-valuemax", js_number(inpatient["cap"]))
    expect(bar).to_have_attribute("aria-valuenow", js_number(inpatient["used"]))
    expect(bar).to_have_attribute("aria-valuetext", re.compile(re.escape(money(inpatient["cap"]))))
    expect(section.locator(".ben-text")).to_have_text(in_text(inpatient["text_zh"]))

    for kind, box in (("outpatient", "#ben-outpatient"), ("chronic_outpatient", "#ben-chronic")):
        cap = data["caps"][kind]
        expect(page.locator(box)).to_be_visible()
        expect(page.locator(f"{box}-left")).to_have_text(money(cap["left"]))
        expect(page.locator(f"{box} [role=progressbar]")).to_have_count(1)

    # Critical illness: how much more burden before it pays; dibao: medical assistance too.
    critical = data["critical_illness"]
    expect(page.locator("#ben-critical-left")).to_have_text(money(critical["until_paying"]))
    expect(page.locator("#ben-critical [role=progressbar]")).to_have_attribute(
        "aria-valuemax", js_number(critical["threshold"])
    )
    assistance = data["medical_assistance"]
    assert assistance is not None
    expect(page.locator("#ben-assistance")).to_be_visible()
    expect(page.locator("#ben-assistance-left")).to_have_text(money(assistance["left"]))
    expect(page.locator("#ben-deductible")).to_contain_text("一级医院")
    deductible = in_text(data["deductible"]["text_zh"])
    expect(page.locator("#ben-deductible .ben-text")).to_have_text(deductible)
    # An empty bar is a grey track, not a white framed box like a field to type in.
    looks = bar.evaluate(
        """(b) => {
            const s = getComputedStyle(b);
            const page = getComputedStyle(document.body).backgroundColor;
            return { bg: s.backgroundColor, border: s.borderTopWidth, page };
        }"""
    )
    assert looks["bg"] != looks["page"], "the empty bar has the page's colour, like an input"
    assert looks["border"] == "0px", "the bar is framed like an input"
    assert_fits_width(page, "benefits.html scrolls sideways at 360 px")
    shot(page, "ledger-benefits")


# ------------------------------------------------------------------ 4. residents: no account


def test_a_resident_can_open_next_year_which_is_paid_in_this_years_window(
    stack: Any, page: Page
) -> None:
    """A relative (or the resident) pays next year's contribution in this year's enrolment
    window: 缴费记录 opens that year too (employees stop at this year, above)."""
    person = stack.fresh_person(scheme="resident")
    log_in(page, stack, person)
    open_tile(page, "tile-payments", "contributions.html", "缴费记录")
    year = page.locator("#contrib-year")
    this_year = api_get(page, "/v1/me/contributions")["body"]["year"]
    expect(year).to_have_text(f"{this_year}年")
    following = page.locator("#contrib-next")
    expect(following).to_be_enabled()
    following.click()
    expect(year).to_have_text(f"{this_year + 1}年")
    assert api_get(page, f"/v1/me/contributions?year={this_year + 1}")["status"] == 200
    expect(following).to_be_disabled()  # and no further
    expect(page.locator("#message")).not_to_have_attribute("data-kind", "error")


def test_a_resident_is_told_plainly_that_there_is_no_personal_account(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person(scheme="resident")
    log_in(page, stack, person)
    open_tile(page, "tile-account", "account.html", "个人账户")

    message = page.locator("#message")
    expect(message).to_have_text("没有个人账户：城乡居民医保没有个人账户。")
    expect(message).to_have_attribute("data-kind", "info")  # a fact, not a failure
    for part in ("#acct-summary", "#acct-history", "#acct-statement"):
        expect(page.locator(part)).to_be_hidden()
    assert api_get(page, "/v1/me/account")["status"] == 404
    shot(page, "ledger-account-resident")
    page.locator("#lang-toggle").click()
    expect(message).to_have_text("No personal account: residents have none.")


# ------------------------------------------------------------------ 5. large English text at 360 px


def test_large_english_text_fits_360_px_on_all_three_pages(stack: Any, page: Page) -> None:
    person = stack.fresh_person(scheme="employee", retired=False, tier_pct=100.0)
    log_in(page, stack, person)
    toggle_english_and_large_text(page)  # remembered for the next pages
    expect(page.locator("#tile-benefits")).to_have_text("Benefits")

    pages = (
        ("contributions.html", "Contribution history", "#contrib-tier-level", "contributions"),
        ("account.html", "Personal account", "#acct-entries > li", "account"),
        ("benefits.html", "Benefit balance", "#ben-inpatient-left", "benefits"),
    )
    for href, h1, ready, name in pages:
        page.goto(f"/{href}")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", "en")
        expect(html).to_have_class(re.compile(r"\blarge-text\b"))
        expect(page.get_by_role("heading", level=1)).to_have_text(h1)
        expect(page.locator(ready).first).to_be_visible()
        assert_fits_width(page, f"{href} scrolls sideways in large English text")
        for heading in page.locator("main h2, main h3").all_inner_texts():
            assert not CJK.search(heading), f"Chinese left in a heading of {href}: {heading!r}"
        for big in ("#contrib-year", "#contrib-years-paid", "#acct-balance", "#ben-inpatient-left"):
            found = page.locator(big)
            if found.count() and found.is_visible():
                right = found.evaluate("e => e.getBoundingClientRect().right")
                assert right <= WIDTH, f"{big} runs off the screen on {href}"
                # A big amount is read at a glance: never broken between number and unit.
                if big != "#contrib-years-paid":  # "26 years 10 months" may take two lines
                    assert line_count(page, big[1:]) == 1, f"{big} breaks over lines on {href}"
        shot(page, f"ledger-{name}-large-en")
    main_text = page.locator("main").inner_text()
    assert "Left this year" in main_text


# ------------------------------------------------------------------ 6. no session


def test_without_a_session_the_ledger_pages_go_back_to_login(page: Page) -> None:
    for href in ("contributions.html", "account.html", "benefits.html"):
        sent_back_to_log_in(page, href)
        assert page.evaluate("sessionStorage.getItem('yibao.token')") is None


# ------------------------------------------------------------------ 7. 加载更多


def test_more_statement_lines_load_below_and_the_keyboard_continues_there(
    stack: Any, page: Page
) -> None:
    """A month of the demo fits one page: the API's answer is given a next_cursor here."""
    person = stack.fresh_person(scheme="employee", retired=False)
    log_in(page, stack, person)
    asked: list[str] = []

    def paged(route: Route) -> None:
        url = route.request.url
        asked.append(url)
        if "cursor=" not in url:
            reply = route.fetch()
            route.fulfill(response=reply, json={**reply.json(), "next_cursor": "1"})
            return
        month = re.search(r"month=(\d{4}-\d{2})", url)
        assert month and "cursor=1" in url, url
        line = {
            "at": f"{month.group(1)}-01T10:00:00+08:00",
            "period": month.group(1),
            "kind": "pharmacy",
            "kind_label": {"zh": "定点药店购药", "en": "pharmacy purchase"},
            "amount": "-12.30",
            "balance_after": "100.00",
            "text_zh": None,
            "text_en": None,
            "ref": None,
        }
        route.fulfill(json={"entries": [line], "next_cursor": None})

    page.route("**/v1/me/account/entries?*", paged)
    open_tile(page, "tile-account", "account.html", "个人账户")
    lines = page.locator("#acct-entries > li")
    more = page.locator("#acct-more")
    expect(more).to_be_visible()
    expect(more).to_have_text("加载更多")
    before = lines.count()
    assert before >= 1
    more.focus()
    page.keyboard.press("Enter")
    expect(lines).to_have_count(before + 1)
    added = lines.nth(before)
    expect(added).to_be_focused()
    expect(added.locator(".stmt-kind")).to_have_text("定点药店购药")
    expect(added.locator(".stmt-amount")).to_have_text("支出 −12.30 元")  # a word and a sign
    expect(added.locator(".stmt-amount")).to_have_class(re.compile(r"\bout\b"))
    expect(more).to_be_hidden()
    assert len(asked) == 2 and "cursor=1" in asked[1]
