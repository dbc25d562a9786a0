"""Embedder, chunking and incremental indexing against the real model and a real Neo4j."""
from __future__ import annotations

import math

import pytest
from django.core.management import call_command

from graph import chunks as chunk_queries
from graph import driver
from graph.model import Batch, Edge, Entity
from ingest.merge import sync
from kiki import chunking
from kiki.embeddings import Embedder, EmbeddingUnavailable
from kiki.indexing import index_entities
from tests.fixtures_embeddings import CountingEmbedder, counting_embedder, embedder  # noqa: F401 (fixtures)


def _para(topic: str, n: int = 60) -> str:
    words = f"{topic} notes about how the {topic} work is planned reviewed and shipped".split()
    return " ".join(words[i % len(words)] for i in range(n)) + "."


RUNBOOK = "\n\n".join([
    "# Runbook", _para("oncall", 120),
    "## Clusters", _para("cluster", 150),
    "## Deploys", _para("deploy", 150),
])


def _org(body: str = RUNBOOK, summary: str = "We run the Kubernetes clusters and CI runners") -> Batch:
    return Batch("test", [
        Entity("Department", "engineering", "Engineering"),
        Entity("Team", "platform", "Platform Infrastructure", summary=summary, body=body),
        Entity("Team", "back-office", "Back Office Crew",
               summary="We keep the books: journals, balances, reconciliation"),
        Entity("Person", "ana-costa", "Ana Costa", props={"title": "Staff Engineer", "location": "Lisbon"}),
        Entity("Person", "bo-li", "Bo Li", props={"title": "Engineering Manager"}),
        Entity("System", "deployer", "Deployer", props={"kind": "Component", "type": "service",
                                                         "lifecycle": "production"}),
        Entity("Process", "release", "Release a service"),
        Entity("Step", "release.step-1", "Cut a release branch", summary="From main"),
    ], [
        Edge("PART_OF", "Team", "platform", "Department", "engineering"),
        Edge("MEMBER_OF", "Person", "ana-costa", "Team", "platform"),
        Edge("MEMBER_OF", "Person", "bo-li", "Team", "platform"),
        Edge("LEADS", "Person", "bo-li", "Team", "platform"),
        Edge("REPORTS_TO", "Person", "ana-costa", "Person", "bo-li"),
        Edge("OWNS", "Team", "platform", "System", "deployer"),
        Edge("OWNS", "Team", "platform", "Process", "release"),
        Edge("HAS_STEP", "Process", "release", "Step", "release.step-1", props={"order": 1}),
        Edge("RESPONSIBLE_FOR", "Team", "platform", "Step", "release.step-1"),
    ])


def _chunks(label: str, key: str) -> list[dict]:
    return driver.read(chunk_queries.CHUNKS_OF_ENTITY, label=label, key=key)


# --- the embedder ----------------------------------------------------------

def test_embedder_gives_normalized_384_dim_vectors_that_capture_meaning(embedder):
    v = embedder.encode(["accounting ledger", "We keep the books: journals, balances, reconciliation",
                         "We run the Kubernetes clusters"])
    assert embedder.dimension == 384
    assert [len(x) for x in v] == [384, 384, 384]
    assert all(abs(math.sqrt(sum(a * a for a in x)) - 1.0) < 1e-4 for x in v)
    dot = lambda a, b: sum(x * y for x, y in zip(a, b))  # noqa: E731
    assert dot(v[0], v[1]) > dot(v[0], v[2]) + 0.1
    assert embedder.encode([]) == []


def test_missing_model_raises_embedding_unavailable(tmp_path):
    with pytest.raises(EmbeddingUnavailable) as err:
        Embedder(model_path=tmp_path / "no-model").encode(["hello"])
    assert "no-model" in str(err.value)


def test_facts_passage_carries_graph_context(clean_graph):
    sync(_org(), full=False)
    docs = {d["key"]: d for d in chunk_queries.entity_docs([
        {"label": "Person", "key": "ana-costa"}, {"label": "Team", "key": "platform"},
        {"label": "System", "key": "deployer"}, {"label": "Process", "key": "release"}])}
    assert chunking.facts_text(docs["ana-costa"]) == \
        "Ana Costa is Staff Engineer in Platform Infrastructure. Reports to Bo Li. Based in Lisbon."
    team = chunking.facts_text(docs["platform"])
    assert "in Engineering" in team and "Led by Bo Li" in team and "Owns Deployer, Release a service" in team
    assert chunking.facts_text(docs["deployer"]) == \
        "Deployer is a production service Component. Owned by Platform Infrastructure."
    steps = [p.text for p in chunking.passages(docs["release"])]
    assert any("Step 1: Cut a release branch - From main (responsible: Platform Infrastructure)" in t
               for t in steps)


# --- indexing -----------------------------------------------------------------

def test_index_creates_chunks_with_384_dim_vectors(clean_graph, counting_embedder):
    sync(_org(), full=False)
    counts = index_entities(embedder=counting_embedder)
    assert counts.entities == 7          # page entities only; the Step is folded into its process
    assert counts.embedded == counts.chunks == len(counting_embedder.texts)
    platform = _chunks("Team", "platform")
    assert len(platform) >= 4            # facts + three body sections
    assert [c["ordinal"] for c in platform] == list(range(len(platform)))
    assert all(c["dims"] == 384 for c in platform)
    total = driver.read("MATCH (c:Chunk)-[:CHUNK_OF]->(:Entity) RETURN count(c) AS n")[0]["n"]
    assert total == counts.chunks
    assert all(len(call) <= 64 * 8 for call in counting_embedder.calls)


def test_second_run_embeds_nothing(clean_graph, embedder):
    sync(_org(), full=False)
    index_entities(embedder=embedder)
    again = CountingEmbedder(embedder)
    counts = index_entities(embedder=again)
    assert again.calls == []
    assert counts.embedded == 0 and counts.deleted == 0 and counts.unchanged == counts.chunks > 0


def test_changed_body_reembeds_only_that_entitys_changed_chunks(clean_graph, embedder):
    sync(_org(), full=False)
    index_entities(embedder=embedder)
    before = {c["key"]: c for c in _chunks("Team", "platform")}
    others_before = driver.read("MATCH (c:Chunk) WHERE c.entity_key <> 'platform' RETURN c.key AS k ORDER BY k")

    new_body = RUNBOOK.replace(_para("deploy", 150), _para("rollback", 150))
    sync(_org(body=new_body), full=False)
    counting = CountingEmbedder(embedder)
    counts = index_entities(["platform"], embedder=counting)

    assert counts.entities == 1
    assert len(counting.texts) == 1 and "rollback" in counting.texts[0]
    assert counts.embedded == 1 and counts.deleted == 1
    after = {c["key"]: c for c in _chunks("Team", "platform")}
    assert len(after) == len(before)
    assert len(set(after) - set(before)) == 1 and len(set(before) - set(after)) == 1
    others_after = driver.read("MATCH (c:Chunk) WHERE c.entity_key <> 'platform' RETURN c.key AS k ORDER BY k")
    assert others_after == others_before


def test_inserted_paragraph_embeds_only_the_new_passage_and_renumbers(clean_graph, embedder):
    sync(_org(), full=False)
    index_entities(embedder=embedder)
    sync(_org(body="# Intro\n\n" + _para("welcome", 120) + "\n\n" + RUNBOOK), full=False)
    counting = CountingEmbedder(embedder)
    counts = index_entities(["platform"], embedder=counting)
    assert counts.embedded == 1 and "welcome" in counting.texts[0]
    assert [c["ordinal"] for c in _chunks("Team", "platform")] == list(range(counts.chunks))


def test_removed_passages_and_deleted_entities_lose_their_chunks(clean_graph, embedder):
    sync(_org(), full=False)
    index_entities(embedder=embedder)
    sync(_org(body="Short now."), full=False)  # a source never clears a body; it sends a shorter one
    counts = index_entities(["platform"], embedder=embedder)
    assert counts.deleted >= 3
    assert [c["ordinal"] for c in _chunks("Team", "platform")] == [0]  # the facts passage; the rest is gone

    driver.write("MATCH (n:Person {key: 'ana-costa'}) DETACH DELETE n")
    counts = index_entities(["ana-costa"], embedder=embedder)
    assert counts.deleted == 1 and counts.entities == 0
    assert driver.read("MATCH (c:Chunk {entity_key: 'ana-costa'}) RETURN count(c) AS n")[0]["n"] == 0


def test_facts_change_reembeds_the_facts_passage(clean_graph, embedder):
    sync(_org(), full=False)
    index_entities(embedder=embedder)
    sync(Batch("test", [Entity("Team", "sre", "SRE")],
                      [Edge("MEMBER_OF", "Person", "ana-costa", "Team", "sre")]), full=False)
    counting = CountingEmbedder(embedder)
    index_entities(["ana-costa", "sre"], embedder=counting)
    assert len(counting.texts) == 2
    assert any("Ana Costa is Staff Engineer in Platform Infrastructure, SRE" in t for t in counting.texts)


def test_embed_task_is_safe_to_run_twice(clean_graph, embedder):
    from kiki.tasks import embed_entities

    sync(_org(), full=False)
    first = embed_entities.apply(args=[["platform", "ana-costa"]]).get()
    second = embed_entities.apply(args=[["platform", "ana-costa"]]).get()
    assert first["embedded"] == first["chunks"] > 0
    assert second["embedded"] == 0 and second["unchanged"] == first["chunks"]
    n = driver.read("MATCH (c:Chunk) RETURN count(c) AS n")[0]["n"]
    assert n == first["chunks"]


def test_embed_command_reports_progress(clean_graph, embedder, capsys):
    sync(_org(), full=False)
    call_command("embed", "--all")
    out = capsys.readouterr().out
    assert "7/7 entities" in out and "Indexed 7 entities" in out
    call_command("embed", "platform")
    assert "0 embedded" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_embed_task_runs_on_a_real_worker(clean_graph, celery_worker_process):
    """Queued the way ingest queues it, executed by a real `celery worker`
    process (which loads the model itself); a redelivery embeds nothing."""
    from kiki.tasks import embed_entities

    sync(_org(), full=False)
    first = embed_entities.delay(["platform", "back-office"]).get(timeout=600)
    again = embed_entities.delay(["platform", "back-office"]).get(timeout=600)
    assert first["entities"] == 2 and first["embedded"] == first["chunks"] > 0
    assert again["embedded"] == 0 and again["unchanged"] == first["chunks"]
    stored = driver.read("MATCH (c:Chunk)-[:CHUNK_OF]->(n) RETURN count(c) AS n, min(size(c.embedding)) AS d")[0]
    assert stored == {"n": first["chunks"], "d": 384}
