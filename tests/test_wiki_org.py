"""The org chart's and graph view's JSON endpoints against the real Neo4j:
one level of people per request with report counts and teams, the manager
chain to open the chart on a person, search, and a page's neighbourhood."""
import pytest

from graph import schema
from ingest.merge import sync
from tests.wiki_sample_org import sample_org

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def org(neo4j, django_db_blocker):
    schema.wipe()
    with django_db_blocker.unblock():
        assert not sync(sample_org(), full=True).rejected_records


def test_roots_and_children_are_one_level_with_counts_and_teams(org, client):
    roots = client.get("/org/roots").json()["people"]
    assert [(p["id"], p["reports"]) for p in roots] == [("maya-lin", 1)]
    kids = client.get("/org/children/ana-costa").json()["people"]
    assert [(p["id"], p["parentId"], p["team"]) for p in kids] == [
        ("ben-ito", "ana-costa", "Risk Data"), ("chloe-park", "ana-costa", "Risk Data"),
        ("eva-novak", "ana-costa", "Data Platform")]
    assert kids[0]["url"] == "/person/ben-ito" and kids[0]["reports"] == 0
    assert client.get("/org/children/Not A Key").status_code == 400


def test_chain_and_search(org, client):
    assert client.get("/org/chain/chloe-park").json()["chain"] == ["maya-lin", "omar-haddad", "ana-costa"]
    assert client.get("/org/chain/maya-lin").json()["chain"] == []
    assert client.get("/org/chain/nobody").status_code == 404
    assert [p["id"] for p in client.get("/org/search?q=ch").json()["people"]] == ["chloe-park"]
    assert client.get("/org/search?q=").json()["people"] == []


def test_graph_json_has_the_page_its_relations_and_links(org, client):
    data = client.get("/system/risk-engine/graph.json").json()
    assert data["centre"] == "System:risk-engine"
    ids = {n["id"]: n["url"] for n in data["nodes"]}
    assert ids["System:market-feed"] == "/system/market-feed" and ids["Team:risk-data"] == "/team/risk-data"
    assert {"source": "Team:risk-data", "target": "System:risk-engine", "rel": "OWNS"}.items() <= \
        next(e for e in data["edges"] if e["rel"] == "OWNS").items()
    assert client.get("/system/nothing/graph.json").status_code == 404
