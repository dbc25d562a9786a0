"""The chat UI in a real browser (headless Chromium via Playwright) against the
real Django app, Neo4j and SQLite: a question typed on /ask streams an answer
labelled AI-generated with its mode and sources, links go to wiki pages,
follow-ups stay in the conversation, 👎 stores a rating, and the docked panel
on wiki pages works from the keyboard."""
from __future__ import annotations

import pytest
from django.test import override_settings

from kiki.models import Rating
from tests.assistant_org import org  # noqa: F401  (module-scoped fixture)
from tests.browser import chromium, served_app
from tests.conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(org, django_db_setup):
    with override_settings(OPENAI_API_KEY=None, OPENAI_BASE_URL=None):
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


def test_ask_page_streams_an_answer_with_label_mode_sources_and_rating(site, page):
    page.goto(site + "/ask")
    box = page.locator("#kiki-q-full")
    box.fill("How many people are in Risk Data?")
    box.press("Enter")
    turn = page.locator(".kiki-chat-full .kiki-turn").first
    turn.locator(".kiki-sources").wait_for(state="visible", timeout=20000)
    assert turn.locator(".kiki-ai-label").inner_text() == "AI-generated"
    assert "offline mode" in turn.locator(".kiki-mode").inner_text()
    answer = turn.locator(".kiki-answer")
    assert "has 3 people" in answer.inner_text()
    assert answer.locator("a").first.get_attribute("href") == "/team/risk-data"
    assert answer.locator("strong").inner_text() == "3"
    assert turn.locator(".kiki-sources a").get_attribute("href") == "/team/risk-data"
    assert "AI-generated" in turn.locator(".kiki-note").inner_text()
    assert turn.locator(".kiki-reading").inner_text() == "I read this as: the number of people in Risk Data"

    # A follow-up in the same conversation.
    box.fill("and who leads it?")
    box.press("Enter")
    second = page.locator(".kiki-chat-full .kiki-turn").nth(1)
    second.locator(".kiki-sources").wait_for(state="visible", timeout=20000)
    assert "Dan Okafor" in second.locator(".kiki-answer").inner_text()

    # Rate the first answer with the keyboard.
    down = turn.get_by_role("button", name="Not helpful")
    down.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.kiki-rating button[aria-pressed=true]') !== null")
    assert down.get_attribute("aria-pressed") == "true"
    assert Rating.objects.filter(score=-1).count() == 1


def test_docked_panel_on_a_wiki_page_from_the_keyboard(site, page):
    page.goto(site + "/search")  # any page extending base.html except /ask, which hides the dock
    summary = page.locator(".kiki-chat-dock > summary")
    summary.focus()
    page.keyboard.press("Enter")
    box = page.locator("#kiki-q")
    box.wait_for(state="visible")
    box.fill("who owns the ledger api")
    page.keyboard.press("Enter")
    turn = page.locator(".kiki-chat-dock .kiki-turn").first
    turn.locator(".kiki-sources").wait_for(state="visible", timeout=20000)
    text = turn.locator(".kiki-answer").inner_text()
    assert "Ledger API is owned by Payments" in text
    hrefs = {a.get_attribute("href") for a in turn.locator(".kiki-answer a").all()}
    assert hrefs == {"/system/ledger-api", "/team/payments", "/person/eve-adams"}
