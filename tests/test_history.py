"""History you can see and ask about: pages show "Previously" (ended
memberships, owners, managers and earlier titles, with dates), and the
assistant answers questions about a past date ("who owned Ledger a year
ago?"). History is made through the real merge path on an injected clock,
relative to today so the dates in the questions stay meaningful."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from graph.model import Batch, Edge, Entity
from ingest.merge import sync
from kiki.assistant import ask, dates

TODAY = date.today()
THEN = TODAY - timedelta(days=500)     # first sync
CHANGED = TODAY - timedelta(days=100)  # second sync: Ana moved, Ledger changed owner


def at(day):
    return datetime.combine(day, time(9), tzinfo=timezone.utc)


def hr(ana_team, ana_title, ledger_owner):
    return Batch("hris", [
        Entity("Person", "ana-costa", "Ana Costa", props={"title": ana_title, "email": "ana@example.com"},
               source_id="E1"),
        Entity("Person", "bo-li", "Bo Li", props={"title": "Manager"}, source_id="E2"),
        Entity("Team", "risk-data", "Risk Data", source_id="t1"),
        Entity("Team", "payments-core", "Payments Core", source_id="t2"),
        Entity("System", "ledger", "Ledger", summary="The general ledger", source_id="s1"),
    ], [
        Edge("MEMBER_OF", "Person", "ana-costa", "Team", ana_team),
        Edge("MEMBER_OF", "Person", "bo-li", "Team", "risk-data"),
        Edge("LEADS", "Person", "bo-li", "Team", "risk-data"),
        Edge("REPORTS_TO", "Person", "ana-costa", "Person", "bo-li"),
        Edge("OWNS", "Team", ledger_owner, "System", "ledger"),
    ])


@pytest.fixture
def history(clean_graph, settings):
    settings.OPENAI_API_KEY = settings.OPENAI_BASE_URL = None
    sync(hr("risk-data", "Data Engineer", "risk-data"), full=True, now=at(THEN))
    sync(hr("payments-core", "Senior Data Engineer", "payments-core"), full=True, now=at(CHANGED))


def text(response):
    return " ".join(response.content.decode().split())


@pytest.mark.django_db
def test_pages_show_what_was_before_with_dates(history, client):
    person = text(client.get("/person/ana-costa"))
    assert "Previously" in person
    assert f'Member of <a href="/team/risk-data">Risk Data</a> <span class="muted">{THEN} – {CHANGED}</span>' in person
    assert "Title was <q>Data Engineer</q>" in person and str(CHANGED) in person
    system = text(client.get("/system/ledger"))
    assert f'Owned by <a href="/team/risk-data">Risk Data</a> <span class="muted">{THEN} – {CHANGED}</span>' in system
    team = text(client.get("/team/risk-data"))
    assert 'Member: <a href="/person/ana-costa">Ana Costa</a>' in team
    # Current sections are unchanged by history: Ana is listed under Payments Core now.
    assert '<a href="/person/ana-costa">Ana Costa</a>' in text(client.get("/team/payments-core"))


@pytest.mark.django_db
def test_a_page_without_history_has_no_previously_section(clean_graph, client):
    sync(hr("risk-data", "Data Engineer", "risk-data"), full=True, now=at(THEN))
    assert "Previously" not in text(client.get("/person/ana-costa"))


@pytest.mark.django_db
def test_questions_about_the_past_read_history(history):
    past = ask("Who owned Ledger a year ago?")
    assert "Risk Data" in past["answer"] and "Payments Core" not in past["answer"]
    assert (date.today() - timedelta(days=365)).isoformat()[:7] in past["answer"]   # says which day it used
    assert {s["key"] for s in past["sources"]} >= {"ledger", "risk-data"}
    now = ask("Who owns Ledger?")
    assert "Payments Core" in now["answer"] and "Risk Data" not in now["answer"].split("owned by", 1)[1]
    title = ask("What was Ana Costa's title a year ago?")["answer"]
    assert "Data Engineer" in title and "Senior" not in title
    assert "Senior Data Engineer" in ask("What is Ana Costa's title?")["answer"]
    members_then = ask(f"Who was in Risk Data on {(THEN + timedelta(days=10)).isoformat()}?")
    assert "Ana Costa" in members_then["answer"]
    assert "Ana Costa" not in ask("Who is in Risk Data?")["answer"]


@pytest.mark.django_db
def test_an_impossible_date_is_named_in_the_answer(clean_graph, settings):
    settings.OPENAI_API_KEY = settings.OPENAI_BASE_URL = None
    answer = ask("Who owned Ledger on 31 February 2026?")["answer"]
    assert "I don't know which day you mean" in answer and "31 February 2026" in answer


REF = date(2026, 11, 24)


@pytest.mark.parametrize("phrase, day", [
    ("who owned X as of 2026-03-01", "2026-03-01"),
    ("who owned X on 3 March 2026", "2026-03-03"),
    ("who owned X on March 3rd, 2026", "2026-03-03"),
    ("who owned X in March 2026", "2026-03-31"),
    ("who owned X last March", "2026-03-31"),
    ("who owned X last December", "2025-12-31"),
    ("who owned X in January", "2026-01-31"),
    ("who owned X in November", "2026-11-24"),      # the current month: today
    ("who owned X last month", "2026-10-31"),
    ("who owned X last quarter", "2026-09-30"),
    ("who owned X last year", "2025-12-31"),
    ("who owned X in 2025", "2025-12-31"),
    ("who owned X a year ago", "2025-11-24"),
    ("who owned X 6 months ago", "2026-05-24"),
    ("who owned X two weeks ago", "2026-11-10"),
    ("who owned X yesterday", "2026-11-23"),
    ("who owns X this quarter", "2026-11-24"),
])
def test_date_phrases(phrase, day):
    rest, found = dates.extract(phrase, REF)
    assert found == day
    assert rest == "who owned X" or rest == "who owns X"


@pytest.mark.django_db
def test_what_changed_lists_the_window_exactly(history):
    answer = ask(f"What changed in Payments Core since {(CHANGED - timedelta(days=5)).isoformat()}?")
    text_ = answer["answer"]
    assert "3 changes recorded for [Payments Core](/team/payments-core)" in text_
    assert f"{CHANGED}: [Ana Costa](/person/ana-costa) joined [Payments Core](/team/payments-core)" in text_
    assert f"{CHANGED}: [Payments Core](/team/payments-core) took ownership of [Ledger](/system/ledger)" in text_
    assert "title changed from “Data Engineer” to “Senior Data Engineer”" in text_
    assert {s["key"] for s in answer["sources"]} == {"payments-core", "ana-costa", "ledger"}
    # The first load is the graph's first knowledge, not a change: nobody "joined" then.
    since_first = ask(f"What changed in Risk Data since {THEN.isoformat()}?")["answer"]
    assert "joined" not in since_first
    assert f"{CHANGED}: [Ana Costa](/person/ana-costa) left [Risk Data](/team/risk-data)" in since_first
    assert f"{CHANGED}: [Risk Data](/team/risk-data) handed over [Ledger](/system/ledger)" in since_first


@pytest.mark.django_db
def test_a_window_without_changes_says_so(history):
    from kiki.assistant import tools
    quiet = tools.changes("payments-core", (THEN + timedelta(days=1)).isoformat(),
                          (CHANGED - timedelta(days=1)).isoformat(), "Team")
    assert quiet.data["events"] == []
    answer = ask("What changed in Risk Data last month?")
    assert "No changes are recorded for [Risk Data](/team/risk-data) between" in answer["answer"]
    assert [s["key"] for s in answer["sources"]] == ["risk-data"]


