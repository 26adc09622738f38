"""帮助 (help.html) in real headless Chromium against the local server, at 360 px.

Reached from home's 帮助 tile and without logging in (a person whose phone number
changed cannot log in): the 12393 hotline as a tel: link, the service windows from the
demo data file with addresses and hours, what to do about a changed phone number, and
the accessibility statement; in Chinese, English and large text, fitting 360 px, with
full-width punctuation in the Chinese text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    accessibility_basics,
    assert_fits_width,
    log_in,
    open_tile,
    shot,
    toggle_english_and_large_text,
)

pytestmark = pytest.mark.browser

WINDOWS = json.loads(
    (Path(__file__).parents[2] / "frontend/assets/data/windows.json").read_text("utf-8")
)["windows"]
HALF_WIDTH_BETWEEN_CJK = re.compile(r"[\u4e00-\u9fff][,?:;!][\u4e00-\u9fff]")


def test_help_needs_no_login_and_names_the_hotline_the_windows_and_a_changed_phone(
    page: Page,
) -> None:
    page.goto("/help.html")
    expect(page.locator("h1")).to_have_text("帮助")
    expect(page.locator("#help-call")).to_have_attribute("href", "tel:12393")
    items = page.locator("#help-windows > li")
    expect(items).to_have_count(len(WINDOWS))
    for n, window in enumerate(WINDOWS):
        expect(items.nth(n)).to_contain_text(window["name_zh"])
        expect(items.nth(n)).to_contain_text(window["address_zh"])
        expect(items.nth(n)).to_contain_text(window["hours_zh"])
    expect(page.locator("#help-phone")).to_have_text("登记的手机号换了怎么办？")
    expect(page.locator("main")).to_contain_text("带上本人身份证")
    expect(page.locator("#help-a11y")).to_contain_text("适老化")
    text = page.locator("main").inner_text()
    assert not HALF_WIDTH_BETWEEN_CJK.search(text), HALF_WIDTH_BETWEEN_CJK.findall(text)
    assert_fits_width(page, "help, zh")
    accessibility_basics(page)
    shot(page, "help-zh")

    toggle_english_and_large_text(page)
    expect(page.locator("h1")).to_have_text("Help")
    expect(items.first).to_contain_text(WINDOWS[0]["address_en"])
    expect(page.locator("#help-phone")).to_have_text("My registered phone number has changed")
    assert_fits_width(page, "help, en, large text")
    shot(page, "help-en-large")


def test_home_leads_to_help(stack: Any, page: Page) -> None:
    log_in(page, stack, stack.fresh_person())
    open_tile(page, "tile-help", "help.html", "帮助")
