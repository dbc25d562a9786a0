"""The typeahead in a real browser (headless Chromium via Playwright) against
the real Django app and Neo4j: suggestions appear as you type, arrows move the
selection, Enter opens the selected page, Escape closes the list, and Enter
without a selection still submits the plain search form."""
from __future__ import annotations

import os
import shutil
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from graph import schema
from ingest.merge import sync
from tests.wiki_sample_org import sample_org
from tests.conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(neo4j):
    """The whole Django app (static files included) on a free loopback port."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler

    schema.wipe()
    assert not sync(sample_org(), full=False).rejected_records
    server = make_server("127.0.0.1", 0, StaticFilesHandler(WSGIHandler()), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls
    # made here (the signed-in user, the flush after each test) are blocking
    # ones, which Django would otherwise refuse.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu",
                                                                  "--disable-background-networking"])
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, site, browser_user):
    context = browser.new_context()
    signed_in = context.new_page()
    sign_in(signed_in, site, browser_user)
    yield signed_in
    context.close()


def options(page):
    return page.locator("#home-search-list li[role=option]")


def test_keyboard_selection_opens_the_page(site, page):
    page.goto(site + "/")
    box = page.locator("#home-search")
    box.press_sequentially("Ris", delay=30)
    options(page).first.wait_for(state="visible")
    names = [options(page).nth(i).locator("span").first.inner_text() for i in range(options(page).count())]
    assert "Risk Data" in names
    assert box.get_attribute("aria-expanded") == "true"

    box.press("ArrowDown")
    box.press("ArrowDown")
    assert options(page).nth(1).get_attribute("aria-selected") == "true"
    box.press("ArrowUp")
    first = options(page).nth(0)
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")

    box.press("Enter")
    page.wait_for_url(lambda url: "/search" not in url and url.rstrip("/") != site)
    assert page.locator("h1").inner_text() == names[0]


def test_escape_closes_and_enter_without_selection_searches(site, page):
    page.goto(site + "/")
    box = page.locator("#home-search")
    box.press_sequentially("Data", delay=30)
    options(page).first.wait_for(state="visible")
    box.press("Escape")
    assert page.locator("#home-search-list").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Enter")
    page.wait_for_url("**/search?q=Data")
    assert "Data Platform" in page.locator(".results").inner_text()


def test_suggestion_names_are_text_not_html(site, page):
    """A name with markup is shown literally by the typeahead (textContent)."""
    from graph.model import Batch, Entity

    sync(Batch("test", [Entity("Topic", "xss-topic", "Xssy <img src=x onerror=window.pwned=1>")]), full=False)
    page.goto(site + "/")
    page.locator("#home-search").press_sequentially("Xssy", delay=30)
    options(page).first.wait_for(state="visible")
    assert "<img" in options(page).first.inner_text()
    assert page.evaluate("window.pwned") is None
