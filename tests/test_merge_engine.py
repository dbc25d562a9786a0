"""The ingest merge engine against a real Neo4j: idempotence (by Neo4j's own
counters), identity resolution across sources, field priorities and
conflicts, staleness and retirement on an injected clock, human-edited
bodies, history with as-of queries, and dry runs."""
from datetime import datetime, timedelta, timezone

from graph import driver
from graph import history as iq
from graph.model import Batch, Edge, Entity
from ingest.merge import sync

DAY1 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DAY2 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


def person(key, name, **props):
    source_id = props.pop("source_id", props.get("employee_id") or key)
    aliases = props.pop("aliases", [])
    return Entity("Person", key, name, aliases=aliases, props=props, source_id=source_id)


def hr_batch(ana_team="risk-data", ana_title="Data Engineer", extra=True, bo_manager=None):
    people = [person("ana-costa", "Ana Costa", email="ana@example.com", employee_id="E1", title=ana_title),
              person("bo-li", "Bo Li", email="bo@example.com", employee_id="E2", title="Manager")]
    if extra:
        people.append(person("cy-dee", "Cy Dee", email="cy@example.com", employee_id="E3", title="Analyst"))
    teams = [Entity("Team", "risk-data", "Risk Data", source_id="t1"),
             Entity("Team", "payments", "Payments", source_id="t2")]
    edges = [Edge("MEMBER_OF", "Person", "ana-costa", "Team", ana_team),
             Edge("MEMBER_OF", "Person", "bo-li", "Team", "risk-data"),
             Edge("REPORTS_TO", "Person", "ana-costa", "Person", bo_manager or "bo-li")]
    if extra:
        edges.append(Edge("MEMBER_OF", "Person", "cy-dee", "Team", "payments"))
    return Batch("hris", people + teams, edges)


def catalog_batch(owner="risk-data"):
    return Batch("catalog", [
        Entity("System", "ledger", "Ledger", summary="The general ledger", props={"kind": "service"},
               source_id="component:ledger"),
        Entity("Team", "risk-data-team", "Risk Data", source_id="group:risk-data"),
        Entity("Team", "payments", "Payments", source_id="group:payments"),
    ], [Edge("OWNS", "Team", owner if owner != "risk-data" else "risk-data-team", "System", "ledger")])


def count(query, **params):
    return driver.read(query, **params)[0]["n"]


def test_second_identical_sync_writes_nothing(clean_graph):
    first = sync(hr_batch(), full=True, now=DAY1)
    assert (first.created, first.edges_created) == (5, 4)
    assert first.counters["nodes_created"] == 5 and first.counters["relationships_created"] == 4
    again = sync(hr_batch(), full=True, now=DAY1)
    assert again.wrote_nothing, dict(again.counters)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert again.edges_created == again.edges_updated == again.edges_closed == 0


def test_one_person_from_hr_scim_and_catalog_is_one_node(clean_graph):
    sync(hr_batch(), full=True, now=DAY1)
    scim = Batch("scim", [person("acosta", "Ana C.", email="ANA@example.com", slack_id="U123",
                                source_id="scim-9f2")])
    report = sync(scim, full=False, now=DAY1)
    assert report.created == 0 and report.updated == 1
    # The catalog knows her only by name; it resolves through the alias index.
    cat = Batch("catalog", [Entity("Person", "ana", "Ana Costa", source_id="user:ana")],
                [Edge("OWNS", "Person", "ana", "System", "ledger")])
    cat.entities.append(Entity("System", "ledger", "Ledger", source_id="component:ledger"))
    sync(cat, full=False, now=DAY1)
    rows = driver.read("MATCH (p:Person) WHERE p.email = 'ana@example.com' OR p.slack_id = 'U123' "
                       "OR 'catalog' IN p.sources RETURN p.key AS key, p.slack_id AS slack, p.sources AS sources")
    assert rows == [{"key": "ana-costa", "slack": "U123", "sources": ["catalog", "hris", "scim"]}]
    assert count("MATCH (:Person {key: 'ana-costa'})-[:OWNS]->(:System {key: 'ledger'}) RETURN count(*) AS n") == 1
    # Same SCIM record again (by its source id, even with a new email) stays the same node.
    scim2 = Batch("scim", [person("whatever", "Ana C.", email="ana.costa@example.com", source_id="scim-9f2")])
    sync(scim2, full=False, now=DAY1)
    assert count("MATCH (p:Person) RETURN count(p) AS n") == 3


def test_field_priority_decides_and_conflicts_are_recorded(clean_graph):
    sync(hr_batch(), full=True, now=DAY1)
    scim = Batch("scim", [person("ana-costa", "Ana Costa", email="ana@example.com", title="Principal Wizard",
                                source_id="s1")])
    report = sync(scim, full=False, now=DAY1)
    assert [(c.field, c.kept_value, c.kept_source, c.other_value, c.other_source) for c in report.conflicts] == \
        [("title", "Data Engineer", "hris", "Principal Wizard", "scim")]
    assert driver.read("MATCH (p:Person {key:'ana-costa'}) RETURN p.title AS t")[0]["t"] == "Data Engineer"

    # The catalog wins system ownership over codeowners, whichever syncs last.
    sync(catalog_batch(), full=True, now=DAY1)
    codeowners = Batch("codeowners", [], [Edge("OWNS", "Team", "payments", "System", "ledger")])
    report = sync(codeowners, full=True, now=DAY1)
    assert [(c.field, c.kept_source, c.other_source) for c in report.conflicts] == \
        [("owner", "catalog", "codeowners")]
    assert driver.read("MATCH (t:Team)-[:OWNS]->(:System {key:'ledger'}) RETURN t.key AS k") == [{"k": "risk-data"}]


def test_missing_records_go_stale_then_retire_after_grace(clean_graph, settings):
    settings.KIKI_STALE_GRACE_DAYS = 7
    sync(hr_batch(), full=True, now=DAY1)
    day = DAY1 + timedelta(days=1)
    report = sync(hr_batch(extra=False), full=True, now=day)
    assert (report.stale, report.retired) == (1, 0)
    row = driver.read("MATCH (p:Person {key:'cy-dee'}) RETURN p.stale_since AS s, p.status AS st")[0]
    assert row == {"s": day.date().isoformat(), "st": None}
    assert sync(hr_batch(extra=False), full=True, now=day + timedelta(days=3)).retired == 0

    later = day + timedelta(days=7)
    report = sync(hr_batch(extra=False), full=True, now=later)
    assert (report.stale, report.retired) == (0, 1)
    row = driver.read("MATCH (p:Person {key:'cy-dee'}) OPTIONAL MATCH (p)-[r]->(t:Team) "
                      "RETURN p.status AS st, p.name AS name, type(r) AS rel, r.valid_to AS to")[0]
    assert row == {"st": "retired", "name": "Cy Dee", "rel": "PAST_MEMBER_OF", "to": later.date().isoformat()}
    assert iq.members_as_of("Team", "payments", DAY1.date().isoformat())[0]["key"] == "cy-dee"
    assert iq.members_as_of("Team", "payments", later.date().isoformat()) == []

    # Back in the export: revived, stale mark cleared.
    sync(hr_batch(), full=True, now=later + timedelta(days=1))
    row = driver.read("MATCH (p:Person {key:'cy-dee'})-[:MEMBER_OF]->(t) RETURN p.status AS st, "
                      "p.stale_since AS s, t.key AS t")[0]
    assert row == {"st": None, "s": None, "t": "payments"}


def test_rejected_edge_does_not_close_a_stale_nodes_edges_before_grace(clean_graph, settings):
    # Regression: an edge with an unknown endpoint used to overwrite the set of
    # nodes missing from the snapshot, so the stale node's edges closed at once.
    settings.KIKI_STALE_GRACE_DAYS = 7
    sync(hr_batch(), full=True, now=DAY1)
    batch = hr_batch(extra=False)
    batch.edges.append(Edge("MEMBER_OF", "Person", "nobody-known", "Team", "payments"))
    report = sync(batch, full=True, now=DAY1 + timedelta(days=1))
    assert report.stale == 1 and report.edges_closed == 0, report.summary()
    assert [p.message for p in report.rejected_records] == ["unknown Person 'nobody-known'; edge not created"]
    rows = driver.read("MATCH (:Person {key:'cy-dee'})-[r]->(t:Team) RETURN type(r) AS rel, t.key AS t")
    assert rows == [{"rel": "MEMBER_OF", "t": "payments"}]


def test_human_edited_body_survives_resync(clean_graph):
    batch = catalog_batch()
    batch.entities[0].body = "Imported description."
    sync(batch, full=True, now=DAY1)
    driver.write("MATCH (s:System {key:'ledger'}) SET s.body = 'Written by a person.', s.body_edited_by = 'ana'")
    batch = catalog_batch()
    batch.entities[0].body = "A newer imported description."
    batch.entities[0].summary = "New summary"
    report = sync(batch, full=True, now=DAY2)
    assert report.updated == 1
    row = driver.read("MATCH (s:System {key:'ledger'}) RETURN s.body AS body, s.summary AS summary")[0]
    assert row == {"body": "Written by a person.", "summary": "New summary"}


def test_history_as_of_returns_old_values_and_current_reads_new(clean_graph):
    sync(hr_batch(), full=True, now=DAY1)
    sync(catalog_batch(), full=True, now=DAY1)
    sync(hr_batch(ana_team="payments", ana_title="Staff Engineer"), full=True, now=DAY2)
    report = sync(catalog_batch(owner="payments"), full=True, now=DAY2)
    assert report.edges_created == 1 and report.edges_closed == 1
    march, june = "2026-03-15", "2026-06-15"

    assert [m["key"] for m in iq.members_as_of("Team", "risk-data", march)] == ["ana-costa", "bo-li"]
    assert [m["key"] for m in iq.members_as_of("Team", "risk-data", june)] == ["bo-li"]
    assert [t["key"] for t in iq.teams_as_of("ana-costa", march)] == ["risk-data"]
    assert [o["key"] for o in iq.owners_as_of("System", "ledger", march)] == ["risk-data"]
    assert [o["key"] for o in iq.owners_as_of("System", "ledger", june)] == ["payments"]
    assert iq.manager_as_of("ana-costa", march)["key"] == "bo-li"
    assert iq.property_value_as_of("Person", "ana-costa", "title", march) == "Data Engineer"
    assert iq.property_value_as_of("Person", "ana-costa", "title", june) == "Staff Engineer"
    assert iq.property_history("Person", "ana-costa", "title") == [
        {"field": "title", "value": "Data Engineer", "valid_from": "2026-03-02", "valid_to": "2026-06-01",
         "source": "hris"}]
    # Current-state reads match only plain types.
    assert driver.read("MATCH (t:Team)-[:OWNS]->(:System {key:'ledger'}) RETURN t.key AS k") == [{"k": "payments"}]
    assert driver.read("MATCH (:Person {key:'ana-costa'})-[:MEMBER_OF]->(t) RETURN t.key AS k") == [{"k": "payments"}]
    assert count("MATCH (:Person {key:'ana-costa'})-[r:PAST_MEMBER_OF]->(:Team {key:'risk-data'}) "
                 "WHERE r.valid_from = '2026-03-02' AND r.valid_to = '2026-06-01' RETURN count(r) AS n") == 1


def test_manager_change_closes_the_old_reporting_line(clean_graph):
    batch = hr_batch()
    sync(batch, full=True, now=DAY1)
    report = sync(hr_batch(bo_manager="cy-dee"), full=True, now=DAY2)
    assert report.edges_closed == 1
    assert iq.manager_as_of("ana-costa", "2026-04-01")["key"] == "bo-li"
    assert iq.manager_as_of("ana-costa", "2026-07-01")["key"] == "cy-dee"


def test_dry_run_reports_the_plan_and_writes_nothing(clean_graph):
    sync(hr_batch(), full=True, now=DAY1)
    before = count("MATCH (n) RETURN count(n) AS n"), count("MATCH ()-[r]->() RETURN count(r) AS n")
    batch = hr_batch(extra=False, ana_title="Staff Engineer")
    batch.entities.append(person("di-eve", "Di Eve", email="di@example.com", employee_id="E4"))
    dry = sync(batch, full=True, dry_run=True, now=DAY2)
    assert dry.wrote_nothing and not dry.counters
    assert (dry.created, dry.updated, dry.stale) == (1, 1, 1)
    assert dry.samples["created"] == ["Person:di-eve Di Eve"]
    assert dry.samples["updated"] == ["Person:ana-costa title"]
    assert dry.samples["stale"] == ["Person:cy-dee Cy Dee"]
    after = count("MATCH (n) RETURN count(n) AS n"), count("MATCH ()-[r]->() RETURN count(r) AS n")
    assert before == after
    assert driver.read("MATCH (p:Person {key:'ana-costa'}) RETURN p.title AS t")[0]["t"] == "Data Engineer"
    real = sync(batch, full=True, now=DAY2)
    assert (real.created, real.updated, real.stale) == (dry.created, dry.updated, dry.stale)


def test_malformed_records_are_rejected_and_the_rest_applies(clean_graph):
    batch = hr_batch()
    batch.entities.append(Entity("Person", "Bad Key!", "Broken", source_id="E99"))
    batch.edges.append(Edge("MEMBER_OF", "Person", "ana-costa", "Team", "no-such-team"))
    report = sync(batch, full=True, now=DAY1)
    assert report.created == 5
    reasons = {p.where: p.message for p in report.rejected_records}
    assert "invalid key" in reasons["E99"]
    assert any("unknown Team 'no-such-team'" in p.message for p in report.rejected_records)
    assert report.rejected == 2


def test_provenance_per_field_and_edge(clean_graph):
    import json
    sync(hr_batch(), full=True, now=DAY1)
    scim = Batch("scim", [person("ana-costa", "Ana Costa", email="ana@example.com", slack_id="U1",
                                source_id="s-1")])
    sync(scim, full=False, now=DAY2)
    prov = json.loads(driver.read("MATCH (p:Person {key:'ana-costa'}) RETURN p.prov AS p")[0]["p"])
    assert prov["fields"]["title"] == {"source": "hris", "source_id": "E1", "since": "2026-03-02"}
    assert prov["fields"]["slack_id"] == {"source": "scim", "source_id": "s-1", "since": "2026-06-01"}
    assert prov["sources"]["hris"]["last_seen"] == "2026-03-02"
    assert prov["sources"]["scim"]["first_seen"] == "2026-06-01"
    edge = driver.read("MATCH (:Person {key:'ana-costa'})-[r:MEMBER_OF]->() RETURN properties(r) AS r")[0]["r"]
    assert (edge["sources"], edge["source"], edge["first_seen"], edge["valid_from"]) == \
        (["hris"], "hris", "2026-03-02", "2026-03-02")
