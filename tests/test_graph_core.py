"""The merge path and schema against a real Neo4j."""
from graph import driver, schema
from graph.model import Batch, Edge, Entity
from ingest.merge import sync


def _batch():
    return Batch("test", [
        Entity("Person", "ana-costa", "Ana Costa", aliases=["Ana"], props={"email": "ana@example.com"}),
        Entity("Team", "risk-data", "Risk Data", summary="Owns risk datasets"),
        Entity("Team", "Bad Key!", "Broken"),
    ], [
        Edge("MEMBER_OF", "Person", "ana-costa", "Team", "risk-data"),
        Edge("MEMBER_OF", "Person", "nobody", "Team", "risk-data"),
    ])


def test_merge_reports_bad_items_and_loads_the_rest(clean_graph):
    result = sync(_batch(), full=False)
    assert result.counters["nodes_created"] == 2
    assert result.counters["relationships_created"] == 1
    problems = [str(p) for p in result.rejected_records]
    assert any("Bad Key!" in p for p in problems)
    assert any("unknown Person 'nobody'" in p for p in problems)
    rows = driver.read("MATCH (p:Person)-[:MEMBER_OF]->(t:Team) RETURN p.key AS p, t.key AS t")
    assert rows == [{"p": "ana-costa", "t": "risk-data"}]


def test_second_identical_merge_writes_nothing(clean_graph):
    sync(_batch(), full=False)
    again = sync(_batch(), full=False)
    assert again.counters["nodes_created"] == 0 and again.counters["relationships_created"] == 0
    assert again.counters["properties_set"] == 0 and again.created == again.updated == 0


def test_migrate_is_idempotent(neo4j):
    first = schema.migrate()
    assert schema.migrate() == first
    assert {"entity_text", "person_key", "team_key"} <= set(first)
