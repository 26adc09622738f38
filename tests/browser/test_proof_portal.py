"""参保证明和对账单 (proof.html) and the public check (verify.html) in real headless Chromium
against the local stack, at 360 px, on screen and printed (print media emulated)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    SHOTS,
    accessibility_basics,
    assert_fits_width,
    log_in,
    masked_id,
    money,
    shot,
)

pytestmark = pytest.mark.browser


def issue(page: Page, first: str, last: str) -> dict[str, Any]:
    page.get_by_label("从哪个月").fill(first)
    page.get_by_label("到哪个月").fill(last)
    with page.expect_response("**/v1/me/proofs") as answer:
        page.get_by_role("button", name="出具参保证明").click()
    body: dict[str, Any] = answer.value.json()
    expect(page.locator("#proof-doc")).to_be_visible()
    return body


def test_a_proof_is_issued_printed_and_checked_by_someone_else(
    stack: Any, page: Page, browser: Any, live_server: str
) -> None:
    p = stack.fresh_person(scheme="employee")
    log_in(page, stack, p)
    page.goto("/proof.html")
    accessibility_basics(page)
    proof = issue(page, "2025-01", "2025-12")
    expect(page.locator("#message")).to_have_text("参保证明已出具，可以打印或出示给对方核验。")
    expect(page.locator("#proof-name")).to_have_text(p.name)
    expect(page.locator("#proof-id")).to_have_text(masked_id(p.id_number))
    expect(page.locator("#proof-code")).to_have_text(proof["code"])
    expect(page.locator("#proof-months tr")).to_have_count(12)
    expect(page.locator("#proof-summary")).to_have_text(proof["text_zh"])
    expect(page.locator("#proof-qr")).to_have_attribute("src", proof["qr_svg"])
    assert_fits_width(page)
    shot(page, "proof-zh")

    page.emulate_media(media="print")
    expect(page.locator("#proof-form")).to_be_hidden()
    expect(page.locator("#proof-print")).to_be_hidden()
    expect(page.locator("#lang-toggle")).to_be_hidden()
    expect(page.locator("#proof-doc")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "proof-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # someone else, not signed in, opens the QR code's address
    other = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN",
                                base_url=live_server)
    try:
        checker = other.new_page()
        with checker.expect_response(f"**/v1/proofs/{proof['code']}") as answer:
            checker.goto(proof["verify_path"])
        assert answer.value.status == 200
        expect(checker.locator("#verify-verdict")).to_have_text("这份参保证明是真的，在有效期内。")
        expect(checker.locator("#verify-name")).to_have_text(proof["name_masked"])
        expect(checker.locator("#verify-summary")).to_have_text(proof["text_zh"])
        assert p.name not in checker.locator("main").inner_text()
        assert_fits_width(checker)
        accessibility_basics(checker)
        shot(checker, "verify-zh")
        # a mistyped code: said next to the field, nothing asked
        checker.get_by_label("核验码").fill("ABC")
        checker.get_by_role("button", name="核验").click()
        expect(checker.locator("#verify-code-error")).to_have_text(
            "! 核验码是10位字母和数字，请核对后再输入".removeprefix("! "))
        # a code typed with full-width letters and spaces is read whole
        checker.get_by_label("核验码").fill(" ".join(proof["code"].lower()))
        checker.get_by_role("button", name="核验").click()
        expect(checker.locator("#verify-result")).to_be_visible()
        checker.get_by_label("核验码").fill("ZZZZZZZZZZ")
        checker.get_by_role("button", name="核验").click()
        expect(checker.locator("#message")).to_have_text(
            "没有这个核验码的参保证明，请核对证明上印的核验码。")
        expect(checker.locator("#verify-result")).to_be_hidden()
    finally:
        other.close()


def test_a_period_in_the_wrong_order_is_said_next_to_the_field(stack: Any, page: Page) -> None:
    log_in(page, stack, stack.fresh_person())
    page.goto("/proof.html")
    page.get_by_label("从哪个月").fill("2025-06")
    page.get_by_label("到哪个月").fill("2025-01")
    page.get_by_role("button", name="出具参保证明").click()
    expect(page.locator("#proof-from-error")).to_contain_text("起始月份不能晚于截止月份")
    expect(page.locator("#proof-doc")).to_be_hidden()


def test_a_resident_is_told_there_is_no_personal_account(stack: Any, page: Page) -> None:
    log_in(page, stack, stack.fresh_person(scheme="resident"))
    page.goto("/proof.html")
    page.get_by_role("button", name="查看对账单").click()
    expect(page.locator("#message")).to_have_text("没有个人账户：城乡居民医保没有个人账户。")
    expect(page.locator("#statement-doc")).to_be_hidden()


def test_without_a_session_the_proof_page_goes_back_to_login(page: Page) -> None:
    page.goto("/proof.html")
    page.wait_for_url("**/index.html")


def test_the_year_statement_stacks_on_the_phone_and_prints_alone_as_a_table(
    stack: Any, page: Page
) -> None:
    """对账单: at 360 px each line stacks (named amount and balance); printed (print media,
    an A4 page's width) it is the statement alone: whose it is, the year's figures and a
    three-column table, without the proof, the forms, the buttons or the header's buttons."""
    p = stack.fresh_person(scheme="employee", retired=False)
    log_in(page, stack, p)
    page.goto("/proof.html")
    page.get_by_role("button", name="出具参保证明").click()
    expect(page.locator("#proof-doc")).to_be_visible()
    with page.expect_response("**/v1/me/account/statement?year=*") as answer:
        page.get_by_role("button", name="查看对账单").click()
    statement = answer.value.json()
    assert statement["entries"], "an employee's year has account lines"
    rows = page.locator("#statement-entries tr")
    expect(rows).to_have_count(len(statement["entries"]))
    first, entry = rows.first, statement["entries"][0]
    plus = "" if entry["amount"].startswith("-") else "+"
    expect(first.locator("td").nth(1)).to_have_text(f"金额{plus}{money(entry['amount'])}")
    expect(first.locator("td").nth(2)).to_have_text(f"余额{money(entry['balance_after'])}")
    # Stacked: the text over the full width, the figures under it, the column headers
    # left for screen readers.
    expect(page.locator("#statement-doc thead th").first).not_to_be_in_viewport()
    boxes = [first.locator("td").nth(i).bounding_box() for i in range(3)]
    assert all(boxes) and boxes[1]["y"] > boxes[0]["y"]  # type: ignore[index]
    assert_fits_width(page, "the year statement at 360 px")

    # window.print() opens no dialog here: what it would print is the print media.
    page.evaluate("window.print = () => { window.printed = document.body.dataset.print; }")
    page.get_by_role("button", name="打印对账单").click()
    assert page.evaluate("window.printed") == "statement"
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    try:
        expect(page.locator("#statement-doc")).to_be_visible()
        expect(page.locator("#statement-who")).to_have_text(
            f"{p.name}，身份证号{masked_id(p.id_number)}"
        )
        for hidden in ("#proof-doc", "#proof-form", "#statement-form", "#statement-print",
                       "#lang-toggle", "#logout", ".back-link >> nth=0"):
            expect(page.locator(hidden)).to_be_hidden()
        header = page.locator("#statement-doc thead th")
        expect(header).to_have_text(["日期和摘要", "金额", "余额"])
        expect(header.nth(1)).to_be_visible()
        expect(page.locator("#statement-entries .cell-label").first).to_be_hidden()
        cells = [first.locator("td").nth(i).bounding_box() for i in range(3)]
        # one row of three columns, side by side
        assert cells[0]["x"] < cells[1]["x"] < cells[2]["x"]  # type: ignore[index]
        assert abs(cells[0]["y"] - cells[2]["y"]) < 2  # type: ignore[index]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "statement-print.png"), full_page=True)
    finally:
        page.emulate_media(media="screen")
