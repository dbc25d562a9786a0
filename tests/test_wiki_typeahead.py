"""The typeahead in a real browser (headless Chromium via Playwright) against
the real Django app and Neo4j: suggestions appear as you type, arrows move the
selection, Enter opens the selected page, Escape closes the list, and Enter
without a selection still submits the plain search form."""
from __future__ import annotations

import pytest

from graph import schema
from ingest.merge import sync
from tests.wiki_sample_org import sample_org
from tests.browser import chromium, served_app
from tests.conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def site(neo4j):
    """The whole Django app (static files included) on a free loopback port."""
    schema.wipe()
    assert not sync(sample_org(), full=False).rejected_records
    with served_app() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


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
