"""Recent changes and the random page against the real Neo4j: wiki edits and
sync changes newest first, filtered by type, user and human vs sync."""
from datetime import datetime, timezone

import pytest

from graph.model import Batch, Entity
from ingest.merge import sync
from wiki import actions

pytestmark = pytest.mark.django_db

DAY1 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DAY2 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


def catalog(lifecycle, now):
    sync(Batch("catalog", [Entity("System", "ledger", "Ledger", props={"lifecycle": lifecycle},
                                  source_id="component:ledger"),
                           Entity("Team", "payments", "Payments", source_id="team:payments")], []),
         full=True, now=now)


@pytest.fixture
def changed(clean_graph):
    catalog("production", DAY1)
    catalog("deprecated", DAY2)
    actions.do_save_page("System", "ledger", summary="", body="Edited by ana.", base_rev=0, editor="ana",
                         comment="first words")
    actions.do_save_page("Team", "payments", summary="", body="Edited by bo.", base_rev=0, editor="bo")


def test_recent_changes_lists_edits_and_syncs_with_filters(changed, client):
    html = client.get("/recent").content.decode()
    assert "first words" in html and 'href="/system/ledger/diff?from=0&amp;to=1"' in html
    assert "Lifecycle: <q>production</q> → <q>deprecated</q>" in html and "from Catalog" in html
    assert html.index("/team/payments") < html.index("Lifecycle")  # newest first: the edits are newer
    human = client.get("/recent?source=human").content.decode()
    assert "first words" in human and "Lifecycle:" not in human
    synced = client.get("/recent?source=sync").content.decode()
    assert "Lifecycle:" in synced and "first words" not in synced
    by_bo = client.get("/recent?user=bo").content.decode()
    assert "/team/payments/diff" in by_bo and "/system/ledger/diff" not in by_bo
    teams = client.get("/recent?type=team").content.decode()
    assert "/team/payments/diff" in teams and "Lifecycle:" not in teams and "/system/ledger/diff" not in teams


def test_random_page_redirects_to_a_page(changed, client):
    seen = {client.get("/random")["Location"] for _ in range(20)}
    assert seen <= {"/system/ledger", "/team/payments"} and seen


def test_random_page_on_an_empty_wiki_is_404(clean_graph, client):
    assert client.get("/random").status_code == 404
