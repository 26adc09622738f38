"""医保电子凭证 (voucher.html) in real headless Chromium against the local stack, at 360 px.

The page shows the QR code of a voucher the hospital API accepts, for the person signed
in, with the masked facts; it counts down and shows a new code before the minute is up;
while the card is reported lost it says the voucher still works.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    accessibility_basics,
    assert_fits_width,
    log_in,
    masked_id,
    shot,
    toggle_english_and_large_text,
)

pytestmark = pytest.mark.browser


def shown_voucher(page: Page) -> dict[str, Any]:
    with page.expect_response("**/v1/me/voucher") as answer:
        page.goto("/voucher.html")
    body: dict[str, Any] = answer.value.json()
    expect(page.locator("#voucher")).not_to_have_attribute("aria-busy", "true")
    return body


def test_the_qr_code_is_a_voucher_the_hospital_accepts_and_it_renews_itself(
    stack: Any, page: Page, api: Any, hospital: dict[str, str]
) -> None:
    p = stack.fresh_person()
    page.clock.install()
    log_in(page, stack, p)
    voucher = shown_voucher(page)
    expect(page.locator("#voucher-qr")).to_have_attribute("src", voucher["qr_svg"])
    expect(page.locator("#voucher-id")).to_have_text(masked_id(p.id_number))
    expect(page.locator("#voucher-name")).to_have_text(p.name[0] + "*" * (len(p.name) - 1))
    expect(page.locator("#voucher-countdown")).to_contain_text("秒后自动换新二维码")
    expect(page.locator("#voucher-card-note")).to_be_hidden()
    qr_box = page.locator("#voucher-qr").bounding_box()
    assert qr_box and qr_box["width"] >= 200  # big enough for a counter's scanner
    assert_fits_width(page)
    accessibility_basics(page)
    shot(page, "voucher-zh")

    verified = api.post("/v1/vouchers/verification", {"voucher": voucher["voucher"]},
                        token=hospital["token"])
    assert verified.status == 200 and verified.body["id_number_masked"] == masked_id(p.id_number)

    with page.expect_response("**/v1/me/voucher") as renewed:
        page.clock.run_for(56_000)  # 60 s lifetime, a new one 5 s before the end
    fresh = renewed.value.json()
    assert fresh["voucher"] != voucher["voucher"]
    expect(page.locator("#voucher-qr")).to_have_attribute("src", fresh["qr_svg"])

    toggle_english_and_large_text(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Electronic medical insurance voucher")
    expect(page.locator("#voucher-countdown")).to_contain_text("A new code in")
    assert_fits_width(page)
    shot(page, "voucher-en-large")


def test_while_the_card_is_lost_the_page_says_the_voucher_still_works(
    stack: Any, page: Page
) -> None:
    p = stack.fresh_person()
    log_in(page, stack, p)
    token = page.evaluate("sessionStorage.getItem('yibao.token')")
    lost = page.request.post("/v1/me/card/loss", data={"kind": "temporary"},
                             headers={"Authorization": f"Bearer {token}"})
    assert lost.ok, lost.text()
    shown_voucher(page)
    expect(page.locator("#voucher-card")).to_have_text("临时挂失")
    expect(page.locator("#voucher-card-note")).to_have_text("医保卡挂失期间，也能用电子凭证看病结算。")


def test_without_a_session_the_voucher_page_goes_back_to_login(page: Page) -> None:
    page.goto("/voucher.html")
    page.wait_for_url("**/index.html")
