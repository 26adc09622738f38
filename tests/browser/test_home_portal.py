"""我的医保 (home.html) in real headless Chromium against the real local stack, at 360 px.

The services are large tiles on the first screen (Chinese, English, large text); a
one-line summary names the person's groups (a retiree with a recognised chronic
disease is not "无") and since when they are insured; the full profile is one tap
away; 朗读 reads the page's main text with the browser's speech synthesis.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import VIEWPORT
from tests.browser.pages import (
    CJK,
    accessibility_basics,
    api_get,
    assert_fits_width,
    log_in,
    masked_id,
    shot,
)

pytestmark = pytest.mark.browser

TILES = {
    "tile-card-loss": "card.html",
    "tile-voucher": "voucher.html",
    "tile-payments": "contributions.html",
    "tile-account": "account.html",
    "tile-benefits": "benefits.html",
    "tile-settlements": "settlements.html",
    "tile-estimate": "estimate.html",
    "tile-remote-care": "filing.html",
    "tile-family": "family.html",
    "tile-sms": "sms.html",
    "tile-apps": "apps.html",
    "tile-proof": "proof.html",
    "tile-help": "help.html",
}

# Records what the page asks the speech synthesis to say (headless Chromium has no voice).
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (u) => window.__spoken.push({ text: u.text, lang: u.lang });
}
"""


def ready(page: Page) -> None:
    expect(page.locator("#profile")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#profile-summary")).to_be_visible()


def tiles_on_the_first_screen(page: Page, mode: str, first: int = len(TILES)) -> None:
    """Every tile is a link whose text stays inside it, no word broken; the `first` ones
    (all, unless said) are drawn whole inside the first 360 x 780 screen."""
    expect(page.locator(".tiles a.tile")).to_have_count(len(TILES))
    for tile_id in TILES:
        tile = page.locator(f"#{tile_id}")
        words = len(tile.inner_text().split())
        lines = tile.evaluate(
            """(a) => {
                const range = document.createRange();
                range.selectNodeContents(a.querySelector(".tile-name").firstChild);
                return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
            }"""
        )
        limit = words if mode.endswith("English text") or mode == "English" else 1
        assert lines <= limit, f"the name of #{tile_id} is broken onto {lines} lines in {mode}"
    for tile_id, href in list(TILES.items())[:first]:
        tile = page.locator(f"#{tile_id}")
        expect(tile).to_have_attribute("href", href)
        box = tile.bounding_box()
        assert box, f"#{tile_id} is not drawn ({mode})"
        assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], (
            f"#{tile_id} is not on the first screen in {mode}: bottom at "
            f"{box['y'] + box['height']:.0f} px of {VIEWPORT['height']}"
        )
        assert box["height"] >= 48 and box["width"] >= 48, f"#{tile_id} is a small target"
        overflow = tile.evaluate("(a) => a.scrollWidth - a.clientWidth")
        assert overflow <= 0, f"the name of #{tile_id} leaves its tile in {mode}"
    assert_fits_width(page, f"home.html scrolls sideways in {mode}")


def test_the_services_are_large_tiles_on_the_first_screen_in_zh_en_and_large_text(
    stack: Any, page: Page
) -> None:
    log_in(page, stack, stack.fresh_person())
    ready(page)
    tiles_on_the_first_screen(page, "Chinese")
    shot(page, "home-zh")
    page.locator("#large-text-toggle").click()
    shot(page, "home-zh-large")
    tiles_on_the_first_screen(page, "large Chinese text")
    page.locator("#lang-toggle").click()
    expect(page.locator("#tile-settlements")).to_have_text("Settled bills")
    shot(page, "home-en-large")
    # English names are longer: two to a row in large text, the last rows below.
    tiles_on_the_first_screen(page, "large English text", first=6)
    for name in page.locator(".tile").all_inner_texts():
        assert not CJK.search(name), f"Chinese left in an English tile: {name!r}"
    page.locator("#large-text-toggle").click()
    tiles_on_the_first_screen(page, "English")
    shot(page, "home-en")


def test_a_retiree_with_a_chronic_disease_is_summed_up_in_one_line_and_the_rest_is_one_tap_away(
    stack: Any, page: Page
) -> None:
    person = stack.fresh_person(scheme="employee", retired=True, chronic=True, groups=())
    log_in(page, stack, person)
    ready(page)
    me = api_get(page, "/v1/me")["body"]
    since = me["insured_since"]
    y, m = int(since[:4]), int(since[5:7])
    summary = page.locator("#profile-summary")
    expect(summary).to_have_text(f"职工医保：退休人员、门诊慢特病（已认定），{y}年{m}月起参保。")
    expect(page.locator("#greeting")).to_have_text(f"您好，{person.name}")
    # The full profile is folded away, one tap opens it.
    expect(page.locator("#profile-id-number")).to_be_hidden()
    page.get_by_text("查看全部参保信息").click()
    expect(page.locator("#profile-id-number")).to_have_text(masked_id(person.id_number))
    expect(page.locator("#profile-groups li")).to_have_text(["退休人员", "门诊慢特病（已认定）"])
    expect(page.locator("#profile-insured-since")).to_have_text(f"{y}年{m}月")
    accessibility_basics(page)
    shot(page, "home-profile-open")

    page.locator("#lang-toggle").click()
    expect(summary).to_have_text(
        re.compile(r"^Employee basic medical insurance: retiree, recognised chronic or special "
                   r"disease; insured since \w{3} \d{4}\.$", re.I)
    )
    expect(page.locator("#profile-groups li").first).to_have_text("Retiree")


def test_a_resident_without_groups_is_not_told_none_in_the_summary(stack: Any, page: Page) -> None:
    person = stack.fresh_person(scheme="resident", groups=(), chronic=False)
    log_in(page, stack, person)
    ready(page)
    text = page.locator("#profile-summary").inner_text()
    assert text.startswith("城乡居民医保，") and text.endswith("起参保。"), text
    assert "无" not in text


def test_read_aloud_reads_the_main_text_in_the_language_shown(stack: Any, page: Page) -> None:
    page.add_init_script(RECORD_SPEECH)
    log_in(page, stack, stack.fresh_person())
    ready(page)
    button = page.get_by_role("button", name="朗读", exact=True)
    button.click()
    spoken = page.evaluate("window.__spoken")
    texts = [s["text"] for s in spoken]
    assert texts[0] == "我的医保", texts[:3]
    assert page.locator("#profile-summary").inner_text() in texts
    assert "挂失补卡" in texts and "帮助" in texts
    assert {s["lang"] for s in spoken} == {"zh-CN"}
    assert not any("English" in x or "大字" in x for x in texts), "the header is not main text"
    # While reading, the same button stops it.
    expect(page.locator("#read-aloud")).to_have_text("停止朗读")
    page.locator("#read-aloud").click()
    expect(page.locator("#read-aloud")).to_have_text("朗读")

    page.locator("#lang-toggle").click()
    page.evaluate("window.__spoken = []")
    page.get_by_role("button", name="Read aloud").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0] == {"text": "My insurance", "lang": "en-US"}


def test_an_unknown_address_shows_a_page_in_plain_words_not_raw_json(page: Page) -> None:
    answer = page.goto("/no/such/page.html")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("没有找到这个页面")
    expect(page.locator("main")).to_contain_text("网址可能输错了")
    expect(page.get_by_role("link", name="去“我的医保”")).to_have_attribute("href", "/home.html")
    assert "{" not in page.locator("body").inner_text(), "raw JSON on the page"
    accessibility_basics(page)
    assert_fits_width(page)
    shot(page, "not-found-zh")
    page.locator("#lang-toggle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This page was not found")
    # A program asking the API still gets the RFC 9457 problem.
    reply = page.request.get("/v1/no-such-thing")
    assert reply.status == 404
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json()["type"].endswith("/not-found")


def test_every_tile_leads_to_a_page_that_exists() -> None:
    from pathlib import Path

    home = (Path(__file__).parents[2] / "frontend/home.html").read_text("utf-8")
    hrefs = re.findall(r'class="tile" href="([^"]+)"', home)
    assert sorted(hrefs) == sorted(TILES.values())
    missing = [h for h in hrefs if not (Path(__file__).parents[2] / "frontend" / h).is_file()]
    assert not missing, f"tiles leading to a 404: {missing}"
