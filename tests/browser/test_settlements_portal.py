"""我的结算 (settlements.html) in real headless Chromium against the real local stack, at 360 px.

An employee with three settlements (one paid partly from the personal account, one
reversed by the hospital) opens 我的结算 from home: newest first, what each fund paid,
what they paid, each explanation line, and the reversal said in plain words. English
and large text fit 360 px; another person sees none of it; a page without a session
goes back to log in.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    CJK,
    accessibility_basics,
    api_get,
    as_hospital,
    assert_fits_width,
    in_text,
    log_in,
    money,
    open_tile,
    sent_back_to_log_in,
    settle,
    shot,
    toggle_english_and_large_text,
)

pytestmark = pytest.mark.browser


def reverse(hospital: dict[str, str], settlement_id: str) -> None:
    api, token = as_hospital(hospital)
    reply = api.post(f"/v1/settlements/{settlement_id}/reversal", token=token)
    assert reply.status == 200, reply.text


def test_every_settlement_newest_first_with_its_parts_lines_and_reversal(
    stack: Any, page: Page, hospital: dict[str, str]
) -> None:
    person = stack.fresh_person(scheme="employee", retired=False, tier_pct=100.0)
    stay = settle(hospital, person, "inpatient", "12000")
    wrong = settle(hospital, person, "outpatient", "900", use_account=True)
    reverse(hospital, wrong["settlement_id"])
    visit = settle(hospital, person, "outpatient", "600", use_account=True)
    log_in(page, stack, person)
    open_tile(page, "tile-settlements", "settlements.html", "我的结算")
    expect(page.locator("#st-box")).to_have_attribute("aria-busy", "false")

    listed = api_get(page, "/v1/me/settlements")["body"]["settlements"]
    ids = [s["settlement_id"] for s in listed]
    assert ids == [visit["settlement_id"], wrong["settlement_id"], stay["settlement_id"]]
    items = page.locator("#st-list > li")
    expect(items).to_have_count(3)
    for i, s in enumerate(listed):  # newest first, as the API answers
        expect(items.nth(i)).to_have_attribute("id", f"st-{s['settlement_id']}")

    # The hospital stay: the funds' parts, what the person paid, the total.
    first = page.locator(f"#st-{stay['settlement_id']}")
    expect(first.locator(".st-title")).to_contain_text("住院 · 二级医院")  # as a person says it
    expect(first.locator(".st-total")).to_have_text(f"总费用 {money(stay['total'])}")
    basic = first.locator(".st-funds [data-part='basic'] dd")
    expect(basic).to_have_text(money(stay["parts"]["basic"]))
    cash = first.locator(".st-own [data-part='cash'] dd")
    expect(cash).to_have_text(money(stay["parts"]["cash"]))
    paid_by_funds = sum(
        int(stay["parts"][k].replace(".", ""))
        for k in ("basic", "critical_illness", "medical_assistance", "safety_net")
    ) + int(stay["hospital_borne"].replace(".", ""))
    expect(first.locator(".st-group").first).to_have_text(
        f"医保和救助付了 {money(f'{paid_by_funds // 100}.{paid_by_funds % 100:02d}')}"
    )
    # Each explanation line, one tap away.
    first.locator(".st-lines summary").click()
    lines = first.locator(".st-line-list > li")
    expect(lines).to_have_count(len(stay["lines"]))
    for i, line in enumerate(stay["lines"]):
        expect(lines.nth(i).locator(".line-text")).to_have_text(in_text(line["text_zh"]))
        if line["amount"] == "0.00":
            expect(lines.nth(i).locator(".line-amount")).to_have_count(0)
        else:
            expect(lines.nth(i).locator(".line-amount")).to_have_text(f"金额：{money(line['amount'])}")

    # The account paid part of the visit: under what the person paid.
    newest = page.locator(f"#st-{visit['settlement_id']}")
    assert visit["parts"]["account"] != "0.00"
    expect(newest.locator(".st-own [data-part='account'] dd")).to_have_text(
        money(visit["parts"]["account"])
    )
    expect(newest).to_have_attribute("data-status", "settled")

    # The reversed one says so in words, not only by its look.
    undone = page.locator(f"#st-{wrong['settlement_id']}")
    expect(undone).to_have_attribute("data-status", "reversed")
    expect(undone.locator(".st-badge")).to_have_text("已冲正")
    expect(undone.locator(".st-reversed")).to_contain_text("医院撤销了这次结算")
    expect(newest.locator(".st-reversed")).to_have_count(0)

    accessibility_basics(page)
    assert_fits_width(page)
    shot(page, "settlements-zh")

    toggle_english_and_large_text(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("My settlements")
    expect(undone.locator(".st-badge")).to_have_text("Reversed")
    expect(first.locator(".st-title")).to_contain_text("Hospital stay")
    for heading in page.locator("main h2, main h3, main h4").all_inner_texts():
        assert not CJK.search(heading), f"Chinese left in a heading: {heading!r}"
    assert_fits_width(page, "settlements.html scrolls sideways in large English text")
    shot(page, "settlements-en-large")


def test_someone_with_no_settlement_is_told_so_and_sees_no_one_elses(
    stack: Any, page: Page, hospital: dict[str, str]
) -> None:
    other = stack.fresh_person(scheme="employee", retired=False)
    theirs = settle(hospital, other, "outpatient", "400")
    person = stack.fresh_person(scheme="resident")
    log_in(page, stack, person)
    page.goto("/settlements.html")
    expect(page.locator("#st-box")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#st-empty")).to_be_visible()
    expect(page.locator("#st-empty")).to_have_text(re.compile("还没有结算记录"))
    expect(page.locator("#st-list > li")).to_have_count(0)
    assert theirs["settlement_id"] not in page.content()
    assert api_get(page, "/v1/me/settlements")["body"]["settlements"] == []


def test_without_a_session_settlements_go_back_to_log_in(page: Page) -> None:
    sent_back_to_log_in(page, "settlements.html")
