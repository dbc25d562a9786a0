"""The merge path and schema against a real Neo4j."""
from graph import driver, schema
from graph.model import Batch, Edge, Entity
from graph.writes import merge_batch


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
    result = merge_batch(_batch())
    assert result.nodes_created == 2
    assert result.relationships_created == 1
    problems = [str(p) for p in result.problems]
    assert any("Bad Key!" in p for p in problems)
    assert any("unknown Person 'nobody'" in p for p in problems)
    rows = driver.read("MATCH (p:Person)-[:MEMBER_OF]->(t:Team) RETURN p.key AS p, t.key AS t")
    assert rows == [{"p": "ana-costa", "t": "risk-data"}]


def test_second_identical_merge_writes_nothing(clean_graph):
    merge_batch(_batch())
    again = merge_batch(_batch())
    assert again.nodes_created == 0 and again.relationships_created == 0
    assert again.properties_set == 0 and again.entities_changed == 0


def test_migrate_is_idempotent(neo4j):
    first = schema.migrate()
    assert schema.migrate() == first
    assert {"entity_text", "person_key", "team_key"} <= set(first)
