"""Real headless Chromium (Debian's, never a downloaded one) for the browser tier.

One browser per test session; every test gets its own context (360x780, zh-CN),
so storage, cookies and the language / large-text preferences never leak
between tests. Uncaught page errors and console errors fail the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.pages import SHOTS, WIDTH

ARTIFACTS = SHOTS
CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": WIDTH, "height": 780}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Seconds are plenty for a local stack; a stuck page should fail fast and clearly.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tier needs Debian's "
            "chromium (run `make chromium`, i.e. apt-get install -y chromium chromium-driver).",
            pytrace=False,
        )
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
    except Exception as error:
        playwright.stop()
        pytest.fail(f"could not start {CHROMIUM} headless: {error}", pytrace=False)
    try:
        yield launched
    finally:
        launched.close()
        playwright.stop()


@pytest.fixture
def context(browser: Browser, live_server: str) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=live_server)
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    problems: list[str] = []

    def watch(page: Page) -> None:
        page.on("pageerror", lambda error: problems.append(f"{page.url}: uncaught {error}"))
        page.on(
            "console",
            lambda msg: (
                problems.append(f"{page.url}: console {msg.type}: {msg.text}")
                # A 4xx answer the page handles on purpose is logged by Chromium too.
                if msg.type == "error" and "Failed to load resource" not in msg.text
                else None
            ),
        )

    ctx.on("page", watch)
    try:
        yield ctx
    finally:
        ctx.close()
    assert not problems, "the pages reported errors:\n" + "\n".join(problems)


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
