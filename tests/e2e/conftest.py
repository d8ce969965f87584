"""Browser tests: headless Debian Chromium driven by Playwright against a live server.

The network is closed to everything but the live server; every blocked or failed request and
every console error is recorded, and a screenshot of the page is saved when a test fails.
"""

import contextlib
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

# Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests make
# around it are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings):
    """The live server with the article's content loaded (live tests start from an empty
    database, since they cannot share the suite's rolled-back transaction)."""
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    call_command("load_content", verbosity=0)
    return live_server


class Page:
    """A browser page that records what went wrong on the network and in the console."""

    def __init__(self, page, base: str):
        self.page = page
        self.base = base
        self.failed_requests: list[str] = []
        self.console_errors: list[str] = []
        page.route("**/*", self._only_the_service)
        page.on("requestfailed", self._failed)
        page.on(
            "response",
            lambda r: r.status >= 400 and self.failed_requests.append(f"{r.url} {r.status}"),
        )
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _failed(self, request) -> None:
        # ERR_ABORTED is the browser cancelling a request itself, as when a click navigates away
        # while an icon is still loading; the server never failed it. Blocked requests are
        # recorded by the route handler.
        if request.failure != "net::ERR_ABORTED":
            self.failed_requests.append(f"{request.url} {request.failure}")

    def _only_the_service(self, route):
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.failed_requests.append(f"blocked: {route.request.url}")
            route.abort()

    def __getattr__(self, name):
        return getattr(self.page, name)

    def settle(self) -> None:
        """Wait until the page has no request in flight.

        A page keeps fetching after the test's last step (Swagger UI loads the schema after the
        load event). On SQLite the live server shares the test's connection, so a request still
        being served when the test database is flushed makes the flush fail.
        """
        with contextlib.suppress(PlaywrightError):  # a page that never settles closes anyway
            self.page.wait_for_load_state("networkidle", timeout=10_000)


@pytest.fixture
def page(browser, site, request):
    context = browser.new_context(base_url=site.url)
    recorded = Page(context.new_page(), site.url)
    yield recorded
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        recorded.page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    recorded.settle()
    context.close()


@pytest.fixture
def pages(browser, site, request):
    """Open one more browser (its own cookies: another person) per call: ``pages()``."""
    opened = []

    def open_page() -> Page:
        context = browser.new_context(base_url=site.url)
        opened.append((context, Page(context.new_page(), site.url)))
        return opened[-1][1]

    yield open_page
    report = getattr(request.node, "rep_call", None)
    for number, (context, recorded) in enumerate(opened):
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / f"{request.node.name}-{number}.png"
            recorded.page.screenshot(path=str(path), full_page=True)
        recorded.settle()
        context.close()


PASSWORD = "correct-horse-battery-staple"


def log_in(page: Page, username: str, password: str = PASSWORD) -> Page:
    """Log ``page`` in to admin as ``username`` through the login form."""
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page
