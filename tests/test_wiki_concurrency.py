"""Concurrent saves over real HTTP, as editors in browsers make them: each
editor signs in, opens the edit form (getting its CSRF token and the page's
version), and all of them press Save at the same instant. Against the live
server (threaded WSGI) and the real Neo4j, no save answered "saved" may be
lost: every one of them is a revision in the page's history whose text is in
the final article, and a save that could not be merged is told so (409).
"""
from __future__ import annotations

import re
import threading

import pytest
import requests

from graph import driver
from graph.model import Batch, Entity
from ingest.merge import sync

pytestmark = [pytest.mark.django_db(transaction=True)]

EDITORS = 8
ROUNDS = 5
PARAGRAPHS = [f"Paragraph {i}: original text." for i in range(EDITORS)]


@pytest.fixture
def ledger(clean_graph):
    sync(Batch("catalog", [Entity("System", "ledger", "Ledger", summary="The general ledger",
                                  body="\n\n".join(PARAGRAPHS), source_id="component:ledger")], []), full=True)


@pytest.fixture
def sessions(live_server, django_user_model):
    """One signed-in HTTP session per editor (session cookie from a real login)."""
    from django.contrib.auth.models import Group
    from django.test import Client
    out = []
    for i in range(EDITORS):
        user = django_user_model.objects.create_user(f"editor{i}", password="pw-for-tests")
        user.groups.add(Group.objects.get_or_create(name="editor")[0])  # editing needs the editor role
        client = Client()
        client.force_login(user)
        s = requests.Session()
        s.cookies.set("sessionid", client.cookies["sessionid"].value)
        out.append(s)
    yield out
    for s in out:
        s.close()


def open_form(session, url):
    html = session.get(url, timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    version = re.search(r'name="version" value="([^"]*)"', html).group(1)
    summary = re.search(r'name="summary" value="([^"]*)"', html).group(1)
    return {"csrfmiddlewaretoken": token, "version": version, "summary": summary}


def race(sessions, url, bodies):
    """Every editor opens the form, then all post at once; returns the status codes."""
    forms = [open_form(s, url) for s in sessions]
    barrier = threading.Barrier(len(sessions))
    statuses = [None] * len(sessions)

    def save(i):
        form = dict(forms[i], body=bodies[i], save="1")
        barrier.wait()
        r = sessions[i].post(url, data=form, headers={"Referer": url}, allow_redirects=False, timeout=60)
        statuses[i] = r.status_code

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(sessions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def current_body():
    return driver.read("MATCH (s:System {key: 'ledger'}) RETURN s.body AS body")[0]["body"]


def test_simultaneous_saves_of_the_same_text_lose_nothing(ledger, sessions, live_server):
    """Each editor rewrites the whole article, so at most one save per round
    can win; the others must be told (409), never answered as saved and dropped."""
    url = f"{live_server.url}/system/ledger/edit"
    saved_total = 0
    for rnd in range(ROUNDS):
        bodies = [f"Round {rnd}: the whole article as editor {i} wrote it." for i in range(EDITORS)]
        statuses = race(sessions, url, bodies)
        assert set(statuses) <= {302, 409}, statuses
        saved = [bodies[i] for i, code in enumerate(statuses) if code == 302]
        saved_total += len(saved)
        assert len(saved) == 1, f"round {rnd}: {len(saved)} saves answered as saved, one text survives"
        assert current_body() == saved[0]
    assert saved_total == ROUNDS


def revision_chain():
    return driver.read("MATCH (:System {key: 'ledger'})-[:HAS_REVISION]->(r:PageRevision) "
                       "RETURN r.number AS number, r.parent AS parent, r.author AS author, r.body AS body "
                       "ORDER BY r.number")


def test_simultaneous_saves_of_different_paragraphs_are_all_merged(ledger, sessions, live_server):
    """Each editor changes a different paragraph of the same version: every
    save is merged and answered as saved, and the final article has all of them."""
    url = f"{live_server.url}/system/ledger/edit"
    bodies = []
    for i in range(EDITORS):
        paragraphs = list(PARAGRAPHS)
        paragraphs[i] = f"Paragraph {i}: rewritten by editor {i}."
        bodies.append("\n\n".join(paragraphs))
    statuses = race(sessions, url, bodies)
    assert statuses == [302] * EDITORS
    final = current_body()
    assert final == "\n\n".join(f"Paragraph {i}: rewritten by editor {i}." for i in range(EDITORS))
    chain = revision_chain()
    # Revision 0 is the imported text; then one revision per save, each the child of the one before.
    assert [r["number"] for r in chain] == list(range(EDITORS + 1))
    assert [r["parent"] for r in chain] == [None] + list(range(EDITORS))
    assert sorted(r["author"] for r in chain[1:]) == sorted(f"editor{i}" for i in range(EDITORS))
    assert chain[-1]["body"] == final
