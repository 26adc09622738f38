"""Every page of the portal (frontend/*.html, whatever pages exist) in real headless Chromium
at 360 px, in Chinese, English and large text: a screenshot each
(artifacts/browser/pages/<mode>/<page>.png), no sideways scrolling (the document is no
wider than the phone, and no visible element is wider than it or sticks out at a side),
no half-width , ? : ; ! ( ) in the Chinese text the page shows (the rules of
tests/unit/test_punctuation.py, applied to the rendered page: the server's words and the
scripts' figures included), and no error in the page's console.

One browser context per mode, one person logged in per mode, the pages visited in
sequence. The public pages are visited signed out, as a visitor meets them; every other
page signed in, as an insured employee with a settled visit. A page that leaves for
another (it needs something this test does not give it) fails, saying which and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import TIMEOUT_MS, VIEWPORT
from tests.browser.pages import ROOT, SHOTS, WIDTH, settle
from tests.conftest import token_for
from tests.unit.test_punctuation import CJK, HALF_WIDTH, shown_slip

pytestmark = pytest.mark.browser

# The source files' rule, and on the page also a mark that ends a drawn line ("姓名:"):
# in the sources a line's end may be a string's, on the page it is the text's own.
SLIP = re.compile(HALF_WIDTH.pattern + r"|[\u4e00-\u9fff）”」][,?:;!]$")


# Not Chinese text though it has Chinese in it: English prose naming a Chinese term
# ("Settle a visit (一站式结算)", the API's documentation) or a pattern ("格式: ^(?:0|…)$").
NOT_CHINESE_TEXT = re.compile(r"[A-Za-z]+[ ,:;]+[A-Za-z]+|[\\^$|]")


def slip(text: str, mode: str) -> str | None:
    """A half-width mark the page should not show: on a Chinese page a line of Chinese
    text is read as the server's own words are checked (test_punctuation.shown_slip:
    "(一级医疗机构普通门诊50%):0.00", "张*(您的父母)"); other lines keep the sources' rule."""
    if mode != "en" and CJK.search(text) and not NOT_CHINESE_TEXT.search(text):
        return shown_slip(text)
    found = SLIP.search(text)
    return found.group(0) if found else None

PAGES = sorted(p.name for p in (ROOT / "frontend").glob("*.html"))
# Opened without logging in; every other page needs a session.
PUBLIC = {"404.html", "docs.html", "help.html", "index.html", "outbox.html", "verify.html"}
# mode -> (language, large text)
MODES = {"zh": ("zh", False), "en": ("en", False), "large": ("zh", True)}


def show_proof_and_statement(page: Page) -> None:
    """proof.html: issue the proof of the last 12 months and open this year's statement."""
    page.locator("#proof-submit").click()
    expect(page.locator("#proof-doc")).to_be_visible()
    page.locator("#statement-submit").click()
    expect(page.locator("#statement-doc")).to_be_visible()
    expect(page.locator("#statement-entries tr").first).to_be_visible()


def open_the_lines(page: Page) -> None:
    """settlements.html: open each settlement's explanation lines (怎么算的), so that the
    server's words are photographed and checked as a person reads them."""
    summaries = page.locator(".st-lines summary")
    expect(summaries.first).to_be_visible()
    for i in range(summaries.count()):
        summaries.nth(i).click()
    expect(page.locator(".st-line-list > li").first).to_be_visible()


# What a page shows only after a person does something: done before the checks.
FILLED: dict[str, Callable[[Page], None]] = {
    "proof.html": show_proof_and_statement,
    "settlements.html": open_the_lines,
}

# The visible text and the words read aloud for elements (their accessible names).
RENDERED_TEXT = """() => {
    const texts = [document.title, ...document.body.innerText.split(/\\n+/)];
    for (const el of document.querySelectorAll("[placeholder], [aria-label], [title], [alt]")) {
        for (const name of ["placeholder", "aria-label", "title", "alt"]) {
            const value = el.getAttribute(name);
            if (value) texts.push(value);
        }
    }
    return texts.map((s) => s.trim()).filter(Boolean);
}"""

# Visible elements wider than the phone, drawn past its left or right side, or scrolling
# sideways inside. Not drawn, so not counted: what a box within the phone clips (the 1 px
# boxes of text for screen readers only, a hidden table header) and the skip link (off
# screen until focused). Only the outermost of a nest is named: "table.proof-months", not
# each of its cells.
TOO_WIDE = """(width) => {
    const fits = (box) => box.left >= -0.5 && box.right <= width + 0.5;
    const clipped = (el) => {
        for (let up = el.parentElement; up; up = up.parentElement) {
            const style = getComputedStyle(up);
            const clips = ["hidden", "clip"].includes(style.overflowX)
                || style.clipPath !== "none" || style.clip !== "auto";
            if (clips && fits(up.getBoundingClientRect())) return true;
        }
        return false;
    };
    const found = new Map();
    for (const el of document.body.querySelectorAll("*")) {
        if (el.closest(".skip-link")) continue;
        const style = getComputedStyle(el);
        if (style.visibility === "hidden" || style.display === "none") continue;
        const box = el.getBoundingClientRect();
        if (!box.width || !box.height) continue;
        const scrolls = el.scrollWidth > el.clientWidth + 1
            && ["auto", "scroll"].includes(style.overflowX);
        if (box.width > width + 0.5 || !fits(box) || scrolls) {
            if ([...found.keys()].some((outer) => outer.contains(el)) || clipped(el)) continue;
            const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                + (el.classList.length ? "." + [...el.classList].join(".") : "");
            found.set(el, `${name}: ${Math.round(box.left)}..${Math.round(box.right)} px`
                + (scrolls ? `, scrolls inside (${el.scrollWidth} px)` : ""));
        }
    }
    return [...found.values()];
}"""
# A longer page (the API's documentation) is photographed down to here: enough to look at,
# and Chromium takes long over a full page of tens of thousands of pixels.
SHOT_HEIGHT = 12000


@dataclass
class Tour:
    """One mode's browser context and tab, and the token of the person logged in."""

    mode: str
    context: BrowserContext
    page: Page
    token: str
    errors: list[str] = field(default_factory=list)

    def signed_in(self, yes: bool) -> None:
        script = (
            f"sessionStorage.setItem('yibao.token', {self.token!r})"
            if yes
            else "sessionStorage.removeItem('yibao.token')"
        )
        self.page.evaluate(script)


@pytest.fixture(scope="module", params=list(MODES))
def tour(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server: str,
    stack: Any,
    api: Any,
    hospital: dict[str, str],
) -> Iterator[Tour]:
    language, large = MODES[request.param]
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=live_server)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    # The preferences as a person left them on an earlier visit (boot.js reads them).
    context.add_init_script(
        f"localStorage.setItem('yibao.lang', {language!r});"
        f"localStorage.setItem('yibao.largeText', {'1' if large else '0'!r});"
    )
    person = stack.fresh_person(scheme="employee", retired=False)
    settle(hospital, person, kind="outpatient", amount="860")
    page = context.new_page()
    tour = Tour(request.param, context, page, token_for(stack, api, person))
    page.on("pageerror", lambda error: tour.errors.append(f"uncaught {error}"))
    page.on(
        "console",
        lambda msg: tour.errors.append(f"console {msg.type}: {msg.text}")
        if msg.type == "error" and "Failed to load resource" not in msg.text
        else None,
    )
    page.goto("/help.html")
    try:
        yield tour
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_fits_360_px_and_writes_chinese_with_full_width_punctuation(
    tour: Tour, name: str
) -> None:
    page = tour.page
    tour.errors.clear()
    tour.signed_in(name not in PUBLIC)
    page.goto(f"/{name}", wait_until="networkidle")
    landed = page.url.split("?")[0].rsplit("/", 1)[-1]
    assert landed == name, (
        f"{name} left for {landed} ({'signed in' if name not in PUBLIC else 'signed out'}): "
        "it needs something test_every_page.py does not give it (a public page goes into "
        "PUBLIC, a page that needs data or a step to show goes into FILLED)"
    )
    expect(page.locator("[aria-busy='true']")).to_have_count(0)
    if name in FILLED:
        FILLED[name](page)
    page.wait_for_load_state("networkidle")
    shots = SHOTS / "pages" / tour.mode
    shots.mkdir(parents=True, exist_ok=True)
    height = min(SHOT_HEIGHT, int(page.evaluate("document.documentElement.scrollHeight")))
    page.screenshot(
        path=str(shots / name.replace(".html", ".png")),
        full_page=True,
        clip={"x": 0, "y": 0, "width": WIDTH, "height": height},
    )

    problems = []
    width = int(page.evaluate("document.documentElement.scrollWidth"))
    if width > WIDTH:
        problems.append(f"the page is {width} px wide")
    problems += page.evaluate(TOO_WIDE, WIDTH)
    problems += [
        f"half-width {mark!r} in {text[:80]!r}"
        for text in page.evaluate(RENDERED_TEXT)
        if (mark := slip(text, tour.mode))
    ]
    problems += tour.errors
    assert not problems, f"{name} ({tour.mode}, {WIDTH} px):\n" + "\n".join(problems)
