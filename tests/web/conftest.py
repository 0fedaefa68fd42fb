"""Browser tests: Debian's Chromium driven by Playwright, against the app on a live server.

One browser for the whole session (a context per test is cheap); the database is SQLite
only here (the services below the pages run on both engines in tests/integration).
Screenshots at 360 px and 1280 px go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import FakeClock, _settings

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}



@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite only for the browser tests (overrides the both-engines fixture)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'khiw.db'}"
    app = create_app(_settings(url, FakeClock(datetime.now(UTC))))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run scripts/bootstrap --dev (it installs Debian's chromium)")
    SCREENSHOTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """new_page(locale="th-TH", geolocation=None, permissions=None, javascript=True) → a page at 360 px."""
    contexts = []

    def make(locale="th-TH", geolocation=None, permissions=None, javascript=True):
        options = {"viewport": PHONE, "locale": locale, "java_script_enabled": javascript}
        if geolocation:
            options["geolocation"] = geolocation
        if permissions is not None:
            options["permissions"] = permissions
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def office(live_server):
    """Pa Sang District Office at its real coordinates, open Mon–Fri 08:30–16:30; the
    clock says Monday 23 November 2026, 10:00 in Bangkok."""
    from tests.factories import make_office

    return make_office(code="pa-sang", capacity={"walk_in": 100, "web": 40, "mobile": 20}, web_slot_capacity=4)
