"""Hybrid search (vectors + full text, RRF, graph boost), its fallbacks and
/api/search, against the real model and a real Neo4j."""
from __future__ import annotations

import pytest

from graph import driver, schema
from graph import search as graph_search
from graph.model import Batch, Edge, Entity
from ingest.merge import sync
from kiki import search as kiki_search
from kiki.embeddings import Embedder
from kiki.indexing import index_entities
from kiki.search import hybrid_search, rrf_fuse, search, search_passages
from tests.fixtures_embeddings import embedder  # noqa: F401 (fixture)

ORG = Batch("test", [
    Entity("Department", "finance", "Finance"),
    Entity("Department", "engineering", "Engineering"),
    Entity("Team", "back-office", "Back Office Crew",
           summary="We keep the books: journals, balances, reconciliation"),
    Entity("Team", "platform", "Platform Infrastructure",
           summary="We run the Kubernetes clusters, CI runners and the deploy pipeline"),
    Entity("Team", "talent", "Talent Acquisition", summary="Hiring: sourcing candidates, interviews and offers"),
    Entity("Person", "ana-costa", "Ana Costa", props={"title": "Controller"}),
    Entity("Person", "bo-li", "Bo Li", props={"title": "Site Reliability Engineer"}),
    Entity("Person", "carla-diaz", "Carla Diaz", props={"title": "Recruiter"}),
    Entity("System", "gl-service", "GL Service", summary="Posts journal entries and closes periods",
           props={"kind": "Component", "type": "service"}),
    Entity("System", "kube", "Kube Control Plane", summary="Container orchestration for all services",
           props={"kind": "Resource"}),
    Entity("Topic", "expense-policy", "Expense policy",
           summary="What you can spend on travel and meals, and how to get reimbursed"),
    Entity("Process", "onboarding", "Onboard a new employee",
           body="# Before day one\n\nOrder a laptop and create accounts.\n\n# First week\n\n"
                "Meet your buddy, set up your development environment and ship a small change."),
], [
    Edge("PART_OF", "Team", "back-office", "Department", "finance"),
    Edge("PART_OF", "Team", "platform", "Department", "engineering"),
    Edge("MEMBER_OF", "Person", "ana-costa", "Team", "back-office"),
    Edge("LEADS", "Person", "ana-costa", "Team", "back-office"),
    Edge("MEMBER_OF", "Person", "bo-li", "Team", "platform"),
    Edge("MEMBER_OF", "Person", "carla-diaz", "Team", "talent"),
    Edge("OWNS", "Team", "back-office", "System", "gl-service"),
    Edge("OWNS", "Team", "platform", "System", "kube"),
    Edge("OWNS", "Team", "back-office", "Topic", "expense-policy"),
])


@pytest.fixture(scope="module")
def org(neo4j, embedder):
    """The small org above, merged and embedded once for the module."""
    schema.wipe()
    sync(ORG, full=False)
    counts = index_entities(embedder=embedder)
    kiki_search.forget_chunk_state()
    yield counts
    kiki_search.forget_chunk_state()


def keys(hits):
    return [h.key for h in hits]


# --- fusion -------------------------------------------------------------------

def test_rrf_rewards_agreement_between_rankings():
    scores = rrf_fuse([["a", "b", "c"], ["b", "c", "a"]])
    assert sorted(scores, key=lambda k: -scores[k]) == ["b", "a", "c"]
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    # Second in both lists beats first in one list only.
    both = rrf_fuse([["x", "y"], ["z", "y"]])
    assert both["y"] > both["x"] == both["z"]
    assert rrf_fuse([[], []]) == {}


# --- hybrid search ---------------------------------------------------------------

def test_finds_a_team_by_meaning_not_by_its_words(org):
    assert graph_search.fulltext("accounting ledger") == []   # no shared words at all
    result = hybrid_search("accounting ledger")
    assert result.mode == "hybrid"
    assert result.hits[0].key == "back-office"
    assert result.hits[0].url == "/team/back-office"


def test_typeahead_adds_pages_close_in_meaning_once_a_word_is_typed(org, client):
    # "accounting ledger" shares no word with the team's name: only meaning finds it.
    keys = [row["key"] for row in client.get("/search/suggest", {"q": "accounting ledger"}).json()]
    assert keys and keys[0] == "back-office"
    prefix = graph_search.fulltext("acc", None, 8)
    assert prefix   # a fragment gets name matches only
    assert client.get("/search/suggest", {"q": "acc"}).json() == [
        {"type": r["label"], "key": r["key"], "name": r["name"],
         "url": f"/{r['label'].lower()}/{r['key']}"} for r in prefix]


def test_entity_matching_both_words_and_meaning_ranks_first(org):
    hits = search("kubernetes")
    assert hits[0].key == "platform"
    assert hits[0].score > hits[1].score


def test_type_filter_limits_labels(org):
    hits = search("accounting ledger", types=["Person"])
    assert hits and {h.type for h in hits} == {"Person"}
    assert hits[0].key == "ana-costa"  # the controller of the book-keeping team
    systems = search("containers", types=["System"], limit=3)
    assert [h.type for h in systems] == ["System"] * len(systems) and systems[0].key == "kube"
    assert len(search("team", limit=2)) == 2


def test_graph_boost_lifts_neighbours_of_top_hits(org, embedder):
    query = "journals and balances"
    vector = embedder.encode([query])[0]
    row = graph_search.hybrid_candidates(graph_search.lucene_query(query), vector, depth=40,
                                         types=list(kiki_search.PAGE_LABELS), k=80, heads=kiki_search.LINK_HEADS)
    ids = {x["id"]: x["key"] for x in row["ft"] + row["vec"]}
    linked = {frozenset((ids[a], ids[b])) for a, b in row["links"]}
    assert frozenset(("back-office", "gl-service")) in linked
    assert frozenset(("back-office", "ana-costa")) in linked
    fused = rrf_fuse([[x["id"] for x in row["ft"]], [x["id"] for x in row["vec"]]])
    result = hybrid_search(query, vector=vector)
    by_key = {h.key: h.score for h in result.hits}
    plain = {ids[i]: s for i, s in fused.items()}
    # GL Service is owned by the top hit, so it scores above its plain RRF score.
    assert result.hits[0].key == "back-office"
    assert by_key["gl-service"] > plain["gl-service"]
    assert by_key["talent"] == pytest.approx(plain["talent"], abs=1e-6)


def test_hybrid_search_is_one_round_trip(org, embedder):
    vector = embedder.encode(["hiring"])[0]
    kiki_search.has_chunks()
    with driver.count_queries() as counted:
        result = hybrid_search("hiring", vector=vector)
    assert counted.count == 1
    assert keys(result.hits)[:2] == ["talent", "carla-diaz"]  # the team, then its recruiter


def test_search_passages_returns_best_passages_with_their_entity(org):
    passages = search_passages("what should I do in my first week", limit=3)
    assert passages[0].key == "onboarding" and passages[0].type == "Process"
    assert "buddy" in passages[0].text and passages[0].url == "/process/onboarding"
    only_topics = search_passages("reimburse my travel", limit=2, types=["Topic"])
    assert [p.key for p in only_topics] == ["expense-policy"]


def test_falls_back_to_full_text_when_the_model_cannot_load(org, tmp_path):
    broken = Embedder(model_path=tmp_path / "missing-model")
    result = hybrid_search("kubernetes", embedder=broken)
    assert result.mode == "fulltext" and "missing-model" in result.reason
    assert keys(result.hits)[0] == "platform"
    assert hybrid_search("accounting ledger", embedder=broken).hits == []


def test_falls_back_to_full_text_when_nothing_is_embedded(org, embedder):
    driver.write("MATCH (c:Chunk) DETACH DELETE c")
    kiki_search.forget_chunk_state()
    try:
        result = hybrid_search("books")
        assert result.mode == "fulltext" and "embedded" in result.reason
        assert keys(result.hits) == ["back-office"]
        assert search_passages("books")[0].text.startswith("We keep the books")
    finally:
        index_entities(embedder=embedder)
        kiki_search.forget_chunk_state()
    assert hybrid_search("books").mode == "hybrid"


# --- /api/search ------------------------------------------------------------------

def test_api_returns_ranked_entities_with_scores(org, client):
    response = client.get("/api/search", {"q": "accounting ledger", "limit": "5"})
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "hybrid" and body["count"] == len(body["results"]) <= 5
    first = body["results"][0]
    assert first["key"] == "back-office" and first["type"] == "Team" and first["rank"] == 1
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_api_type_filter_accepts_slugs_and_labels(org, client):
    body = client.get("/api/search", {"q": "accounting ledger", "type": "person,System"}).json()
    assert body["types"] == ["Person", "System"]
    assert {r["type"] for r in body["results"]} <= {"Person", "System"} and body["results"]
    repeated = client.get("/api/search?q=books&type=team&type=team").json()
    assert repeated["types"] == ["Team"]


@pytest.mark.parametrize("params, param", [
    ({}, "q"),
    ({"q": "   "}, "q"),
    ({"q": "books", "type": "widget"}, "type"),
    ({"q": "books", "limit": "zero"}, "limit"),
    ({"q": "books", "limit": "1000"}, "limit"),
])
def test_api_rejects_bad_parameters_naming_them(client, params, param):
    response = client.get("/api/search", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and error["param"] == param
    assert param in error["message"] or (param == "type" and "widget" in error["message"])


def test_api_only_answers_get(client):
    r = client.post("/api/search", {"q": "books"})
    assert r.status_code == 405 and r["Allow"] == "GET"
    assert r.json()["error"]["code"] == "method_not_allowed"


def test_search_passages_surface_exact_name_matches_too(org):
    passages = search_passages("GL Service", limit=3)
    assert passages[0].key == "gl-service" and passages[0].ordinal == 0
    assert passages[0].text.startswith("GL Service is a service Component")
    assert search_passages("  ") == []


def test_api_survives_query_syntax_characters(org, client):
    for q in ['C++ (beta) "unclosed', "AND OR NOT", "risk* ~ ^2 [x TO y]", "🙂"]:
        response = client.get("/api/search", {"q": q})
        assert response.status_code == 200, q
        assert response.json()["mode"] in ("hybrid", "fulltext")


def test_selective_type_filter_is_ranked_exactly(org, embedder):
    """Vector k-NN filters by type after the lookup; when that leaves fewer hits
    than asked for, the wanted types' chunks are ranked exactly (second trip)."""
    vector = embedder.encode(["reimburse my travel"])[0]
    with driver.count_queries() as counted:
        hits = hybrid_search("reimburse my travel", ["Topic"], limit=5, vector=vector).hits
    assert keys(hits) == ["expense-policy"] and counted.count == 2
    with driver.count_queries() as counted:
        assert keys(hybrid_search("reimburse my travel", ["Topic"], limit=1, vector=vector).hits) == \
            ["expense-policy"]
    assert counted.count == 1
