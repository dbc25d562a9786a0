"""Page history against the real Neo4j: every save a revision with its
parent, the history page with pagination and source changes attributed to
their source, word diffs (side by side and inline), restoring a revision as
a new one, and stale saves merged or shown in the merge view."""
from datetime import datetime, timezone

import pytest

from graph import driver
from graph.model import Batch, Entity
from ingest.merge import sync
from wiki import actions

pytestmark = pytest.mark.django_db

DAY1 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DAY2 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


def catalog(lifecycle, now):
    sync(Batch("catalog", [Entity("System", "ledger", "Ledger", summary="The general ledger",
                                  body="Line one.\n\nLine two.", props={"lifecycle": lifecycle},
                                  source_id="component:ledger")], []), full=True, now=now)


@pytest.fixture
def ledger(clean_graph):
    catalog("production", DAY1)


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("ana", password="pw-for-tests"))
    return client


def save(body, base, who="ana", comment=""):
    return actions.do_save_page("System", "ledger", summary="The general ledger", body=body, base_rev=base,
                                editor=who, comment=comment)


def test_each_save_is_a_revision_with_author_comment_size_and_parent(ledger, editor):
    response = editor.post("/system/ledger/edit", {"summary": "The general ledger", "body": "Line one.\r\n\r\nLine 2.",
                                                   "comment": "fix number", "version": "0"})
    assert response.status_code == 302
    assert save("Line one.\n\nLine 2.\n\nLine three.", 1, who="bo").status == "saved"
    revs = driver.read("MATCH (:System {key: 'ledger'})-[:HAS_REVISION]->(r:PageRevision) "
                       "RETURN r {.number, .parent, .author, .kind, .comment, .size, .body} AS r ORDER BY r.number")
    revs = [r["r"] for r in revs]
    assert [(r["number"], r["parent"], r["author"], r["kind"]) for r in revs] == [
        (0, None, "catalog", "import"), (1, 0, "ana", "edit"), (2, 1, "bo", "edit")]
    assert revs[1]["comment"] == "fix number" and revs[1]["body"] == "Line one.\n\nLine 2."  # CRLF normalized
    assert revs[2]["size"] == len("Line one.\n\nLine 2.\n\nLine three.")
    html = editor.get("/system/ledger/history").content.decode()
    assert "Revision 2" in html and "fix number" in html and "(+13)" in html


def test_history_lists_source_changes_attributed_to_the_source(ledger, editor):
    catalog("deprecated", DAY2)
    html = editor.get("/system/ledger/history").content.decode()
    assert "Lifecycle: <q>production</q> → <q>deprecated</q>" in html
    assert "from Catalog" in html


def test_history_is_paginated(ledger, editor):
    for i in range(55):
        assert save(f"Version {i}.", i).status == "saved"
    first = editor.get("/system/ledger/history").content.decode()
    assert "Page 1 of 2" in first
    assert 'data-revision="55"' in first and 'data-revision="6"' in first and 'data-revision="5"' not in first
    second = editor.get("/system/ledger/history?page=2").content.decode()
    assert 'data-revision="5"' in second and 'data-revision="0"' in second and 'data-revision="6"' not in second
    assert editor.get("/system/ledger/history?page=3").status_code == 404


def test_diff_of_any_two_revisions_word_by_word(ledger, editor):
    save("Line one.\n\nLine two, changed.", 0)
    save("Line one.\n\nLine two, changed.\n\nNew line.", 1)
    side = editor.get("/system/ledger/diff?from=0&to=2").content.decode()
    assert 'data-view="side"' in side and "Line two<ins>, changed</ins>." in side and "<ins>New line.</ins>" in side
    inline = editor.get("/system/ledger/diff?from=2&to=0&view=inline").content.decode()
    assert 'data-view="inline"' in inline and "Line two<del>, changed</del>." in inline
    assert editor.get("/system/ledger/diff?from=0&to=9").status_code == 404
    assert editor.get("/system/ledger/diff?from=x&to=1").status_code == 400


def test_restore_makes_a_new_revision_with_the_old_text(ledger, editor):
    save("Vandalized.", 0)
    response = editor.post("/system/ledger/restore", {"revision": "0"})
    assert response.status_code == 302
    row = driver.read("MATCH (s:System {key: 'ledger'})-[:HAS_REVISION]->(r:PageRevision {number: 2}) "
                      "RETURN s.body AS body, s.rev AS rev, r.kind AS kind, r.restored AS restored, r.parent AS parent")
    assert row == [{"body": "Line one.\n\nLine two.", "rev": 2, "kind": "restore", "restored": 0, "parent": 1}]
    assert editor.post("/system/ledger/restore", {"revision": "7"}).status_code == 404


def test_restore_requires_sign_in(ledger):
    from django.test import Client
    save("Edited.", 0)
    assert Client().post("/system/ledger/restore", {"revision": "0"}).status_code == 302
    assert driver.read("MATCH (s:System {key: 'ledger'}) RETURN s.rev AS rev")[0]["rev"] == 1


def test_a_stale_save_is_merged_or_shown_as_a_conflict(ledger, editor):
    assert save("Line one, theirs.\n\nLine two.", 0, who="bo").status == "saved"
    merged = save("Line one.\n\nLine two, mine.", 0)
    assert merged.status == "merged" and merged.rev == 2
    assert driver.read("MATCH (s:System {key: 'ledger'}) RETURN s.body AS b")[0]["b"] == \
        "Line one, theirs.\n\nLine two, mine."
    response = editor.post("/system/ledger/edit", {"summary": "The general ledger", "version": "1",
                                                   "body": "Line one, theirs.\n\nLine two, ana's."})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'class="merge-conflict"' in html and "Line two, mine." in html and "Line two, ana&#x27;s." in html
    assert 'name="version" value="2"' in html
    assert driver.read("MATCH (s:System {key: 'ledger'}) RETURN s.rev AS rev")[0]["rev"] == 2


def test_an_unknown_version_is_a_clear_error(ledger, editor):
    response = editor.post("/system/ledger/edit", {"summary": "The general ledger", "body": "y", "version": "12"})
    assert response.status_code == 400 and "version 12 of System &#x27;ledger&#x27; does not exist" in \
        response.content.decode()
