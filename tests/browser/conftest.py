"""Fixtures for tests that drive a real Chromium through Playwright against a live server.

Debian's Chromium is used (``/usr/bin/chromium``, or the path in ``SIZES_CHROMIUM``); Playwright
never downloads a browser. Without that browser every browser test is skipped, saying why,
unless ``SIZES_REQUIRE_BROWSER=1`` is set (CI sets it), when they fail instead.

Every request to a host other than the live server is aborted, so no test touches the network,
and each off-site request a page tried to make is recorded so a test can refuse it.
"""

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API keeps an asyncio event loop running in the main thread; Django's ORM,
# used by the tests themselves, would otherwise refuse to run there ("SynchronousOnlyOperation").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("SIZES_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("SIZES_REQUIRE_BROWSER", "").strip().lower() in {
    "1",
    "true",
    "yes",
    "on",
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe tags every 2.2 AA rule "wcag22aa").
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Map tiles may come from a configured tile server; nothing else may leave the site.
TILE_URL = re.compile(r"/\d+/\d+/\d+(@2x)?\.(png|jpe?g|webp|pbf)(\?.*)?$")


def _missing_browser_message() -> str:
    return (
        f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run browser tests"
    )


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run, with a fresh temporary profile."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        if REQUIRE_BROWSER:
            pytest.fail(_missing_browser_message() + " (SIZES_REQUIRE_BROWSER is set)")
        pytest.skip(_missing_browser_message())
    from playwright.sync_api import sync_playwright

    # Playwright's launch() gives the browser a fresh temporary profile of its own; HOME points
    # at a temporary folder too, so nothing is read from or left in the user's home.
    with tempfile.TemporaryDirectory(prefix="sizes-chromium-") as home, sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home},
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageProblems:
    """What went wrong in the browser while a test ran, beyond what the test asserts."""

    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.page_errors.clear()
        self.console_errors.clear()
        self.offsite_requests.clear()

    def summary(self) -> list[str]:
        return (
            [f"JavaScript error: {e}" for e in self.page_errors]
            + [f"console error: {e}" for e in self.console_errors]
            + [f"off-site request (blocked): {u}" for u in self.offsite_requests]
        )


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


def _make_context(browser, live_server, page_problems, **options):
    site = urlsplit(live_server.url)

    def route(route, request):
        url = urlsplit(request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.netloc == site.netloc:
            route.continue_()
            return
        if not TILE_URL.search(url.path or ""):
            page_problems.offsite_requests.append(request.url)
        route.abort("blockedbyclient")

    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(15_000)
    context.route("**/*", route)
    return context


def _watch(page, page_problems: PageProblems):
    page.on("pageerror", lambda exc: page_problems.page_errors.append(str(exc)))

    def on_console(msg):
        if msg.type != "error":
            return
        text = msg.text
        # An off-site request we aborted is reported as such, not as a console error too.
        if "ERR_BLOCKED_BY_CLIENT" in text:
            return
        where = msg.location.get("url") if msg.location else ""
        page_problems.console_errors.append(f"{text} ({where})" if where else text)

    page.on("console", on_console)
    return page


@pytest.fixture
def page(browser, live_server, page_problems):
    """A page in a fresh browser context pointed at the live server (relative URLs work)."""
    context = _make_context(browser, live_server, page_problems)
    try:
        yield _watch(context.new_page(), page_problems)
    finally:
        context.close()


@pytest.fixture
def nojs_page(browser, live_server, page_problems):
    """A page in a fresh context with JavaScript switched off, as some people browse."""
    context = _make_context(browser, live_server, page_problems, java_script_enabled=False)
    try:
        yield _watch(context.new_page(), page_problems)
    finally:
        context.close()


_AXE_SOURCE: str | None = None


def _axe_source() -> str:
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        import axe_playwright_python

        _AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    return _AXE_SOURCE


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; return its WCAG 2.2 AA violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return results["violations"]


def format_violations(violations: list[dict], where: str = "") -> str:
    lines = [f"{len(violations)} accessibility violation(s){' on ' + where if where else ''}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact')}]: {v['help']} ({v.get('helpUrl', '')})")
        for node in v["nodes"][:10]:
            lines.append(f"    at {json.dumps(node['target'])}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.fixture
def axe_check():
    """`axe_check(page)` asserts axe-core finds no WCAG 2.2 AA violation on the page."""

    def check(page, where: str | None = None) -> None:
        violations = axe_violations(page)
        assert not violations, format_violations(violations, where or page.url)

    return check
