"""Helpers shared by the browser tests: logging in, opening a page from its home tile,
asking the API what the page was told, the checks every page gets (no sideways scrolling
at 360 px, labels that name their fields, unique ids, named buttons) and screenshots."""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "browser"
WIDTH = 360  # every test's phone is this wide (conftest.VIEWPORT)
BEIJING = timezone(timedelta(hours=8))
# Chinese characters, full-width forms and CJK punctuation: none may be left in English text.
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


# ------------------------------------------------------------------ getting there


def log_in(page: Page, stack: Any, person: Any, lands: str = "home.html") -> None:
    """Log in through index.html with the code from the SMS; land on ``lands`` (home.html,
    or the page a session ended on).

    A person another test of the session has logged in may still be inside the
    per-phone minute window: the page then counts down and we ask again once.
    """
    page.goto("/index.html")
    page.get_by_label("身份证号").fill(person.id_number)
    page.get_by_label("手机号").fill(person.phone)
    send = page.locator("#send-code")
    message = page.locator("#message")
    for _ in range(2):
        send.click()
        expect(message).to_have_attribute("data-kind", re.compile(r"^(success|error)$"))
        if message.get_attribute("data-kind") == "success":
            break
        expect(message).to_contain_text("太频繁")
        expect(send).to_be_enabled(timeout=75_000)
    expect(message).to_have_attribute("data-kind", "success")
    code = stack.last_code(person.phone)
    assert code, "no login code was sent"
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"**/{lands}")


def open_tile(page: Page, tile_id: str, href: str, h1: str) -> None:
    """From home.html, the tile is live (a link, no 即将上线 badge) and leads to its page."""
    tile = page.locator(f"#{tile_id}")
    expect(tile).to_have_attribute("href", href)
    expect(tile).not_to_have_attribute("aria-disabled", "true")
    expect(tile).not_to_have_attribute("role", "link")
    expect(tile.locator(".badge")).to_have_count(0)
    tile.click()
    page.wait_for_url(f"**/{href}")
    expect(page.get_by_role("heading", level=1)).to_have_text(h1)


def sent_back_to_log_in(page: Page, href: str) -> None:
    """With a token the API does not know, the page goes back to index.html and says why."""
    page.goto("/index.html")
    page.evaluate("sessionStorage.setItem('yibao.token', 'not-a-real-token')")
    page.goto(f"/{href}")
    page.wait_for_url("**/index.html")
    expect(page.locator("#message")).to_have_text("登录已过期，请重新登录")


def toggle_english_and_large_text(page: Page) -> None:
    """Press the language and the large-text buttons (again: back to Chinese, normal text)."""
    page.locator("#lang-toggle").click()
    page.locator("#large-text-toggle").click()


# ------------------------------------------------------------------ what the page was told


def api_get(page: Page, path: str) -> dict[str, Any]:
    """What the API answers the signed-in page (its token, its origin): {status, body}."""
    answer = page.evaluate(
        """async (path) => {
            const token = sessionStorage.getItem("yibao.token");
            const r = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
            return { status: r.status, body: await r.json() };
        }""",
        path,
    )
    assert isinstance(answer, dict)
    return answer


def as_hospital(hospital: dict[str, str]) -> tuple[Any, str]:
    """An API client and the hospital client's token of now."""
    from local.client import ApiClient

    api = ApiClient()
    token = api.post(
        "/v1/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": hospital["client_id"],
            "client_secret": hospital["secret"],
        },
    ).body["access_token"]
    return api, str(token)


def settle(
    hospital: dict[str, str], person: Any, kind: str = "inpatient", amount: str = "12000",
    **extra: Any,
) -> dict[str, Any]:
    """A hospital settles a visit of ``person`` in the home county (level 2, catalogue A),
    with a client token of now (the session's may come from a test that fixed the clock)."""
    import uuid

    from chalicelib.config import settings
    from chalicelib.services.auth import person_id_for

    api, token = as_hospital(hospital)
    reply = api.post(
        "/v1/settlements",
        {
            "hospital_id": hospital["id"],
            "visit_id": uuid.uuid4().hex,
            "person_id": person_id_for(person.id_number, settings().pepper),
            "visit": {"kind": kind, "hospital_level": 2, "location": "in_county"},
            "items": [{"code": "X", "catalogue": "A", "amount": amount}],
            **extra,
        },
        token=token,
    )
    assert reply.status == 200, reply.text
    body = reply.body
    assert isinstance(body, dict)
    return body


def money(yuan: str, unit: str = "元") -> str:
    """The pages' way of writing an amount: "8935.56" -> "8,935.56 元", "-1.5" -> "−1.5 元"."""
    sign = "−" if yuan.startswith("-") else ""
    whole, cents = yuan.lstrip("-").split(".")
    return f"{sign}{int(whole):,}.{cents} {unit}"


def in_text(text: str) -> str:
    """The server's words as the pages show them: every amount in the one money format
    ("限额200,000.00元" and "限额200000.00元" -> "限额200,000.00 元", "200元" -> "200.00 元"),
    the figures of a formula grouped ("(20000.00−500.00)" -> "(20,000.00−500.00)")."""
    text = re.sub(
        r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?\s?(元|yuan\b)",
        lambda m: f"{int(m[1].replace(',', '')):,}{(m[2] or '.00').ljust(3, '0')} {m[3]}",
        text,
    )
    return re.sub(r"(?<![\d.,])(\d{4,})(\.\d{2})(?!\d)", lambda m: f"{int(m[1]):,}{m[2]}", text)


def masked_id(id_number: str) -> str:
    return id_number[:6] + "*" * 8 + id_number[-4:]


# ------------------------------------------------------------------ layout


def scroll_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def assert_fits_width(page: Page, message: str = "") -> None:
    """The page does not scroll sideways on the 360 px phone."""
    width = scroll_width(page)
    assert width <= WIDTH, message or f"{page.url} scrolls sideways at {WIDTH} px ({width} px)"


def line_count(page: Page, element_id: str) -> int:
    """On how many lines the text of an element is drawn."""
    return int(
        page.evaluate(
            """(id) => {
                const range = document.createRange();
                range.selectNodeContents(document.getElementById(id));
                return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
            }""",
            element_id,
        )
    )


def shot(page: Page, name: str) -> None:
    """A full-page screenshot, artifacts/browser/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


# ------------------------------------------------------------------ accessibility


def labels_name_every_field(
    page: Page, fields: str = "input:visible, select:visible", at_least: int = 0
) -> None:
    """Every field (`fields`, at least `at_least` of them) has exactly one label that names
    it (the browser's own computation); its aria-describedby targets exist."""
    found = page.locator(fields)
    assert found.count() >= at_least
    for i in range(found.count()):
        field = found.nth(i)
        field_id = field.get_attribute("id")
        assert field_id, "a field without an id"
        label = page.locator(f"label[for='{field_id}']")
        expect(label).to_have_count(1)
        text = label.inner_text().strip()
        assert text, f"the label of #{field_id} is empty"
        expect(page.get_by_label(text, exact=True)).to_have_attribute("id", field_id)
        for ref in (field.get_attribute("aria-describedby") or "").split():
            expect(page.locator(f"[id='{ref}']")).to_have_count(1)


def accessibility_basics(
    page: Page,
    fields: str = "input:visible, select:visible",
    at_least: int = 0,
    buttons: str = "button:visible",
) -> None:
    """One h1, one main, one status region; unique ids; every field one label naming it
    (see labels_name_every_field); aria-describedby / aria-controls targets exist; every
    button (`buttons`) has a name."""
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("status")).to_have_count(1)
    duplicates = page.evaluate(
        """() => {
            const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
            return ids.filter((id, i) => ids.indexOf(id) !== i);
        }"""
    )
    assert not duplicates, f"duplicate ids: {duplicates}"
    labels_name_every_field(page, fields, at_least)
    for ref in page.eval_on_selector_all(
        "[aria-controls]", "els => els.map((e) => e.getAttribute('aria-controls'))"
    ):
        expect(page.locator(f"[id='{ref}']")).to_have_count(1)
    for button_id, name in page.eval_on_selector_all(
        buttons, "els => els.map((b) => [b.id, b.textContent.trim()])"
    ):
        assert name, f"button #{button_id} has no name"
