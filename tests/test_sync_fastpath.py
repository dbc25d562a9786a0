"""The merge engine's no-op fast path (per-source record fingerprints, see
ingest.merge._settle) against a real Neo4j: unchanged records are settled
without writes, a changed record in an otherwise unchanged batch is still
applied, staleness and revival work within one day, and a content change by
another source makes the next re-sync take the full path (so its conflicts
are still reported)."""
from datetime import datetime, timezone

from graph import driver
from graph.model import Batch, Edge, Entity
from ingest.merge import sync

DAY1 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def person(key, name, eid, **props):
    return Entity("Person", key, name, props={"employee_id": eid, "email": f"{key}@example.com", **props},
                  source_id=eid)


def hr(title="Data Engineer", extra=True):
    people = [person("ana", "Ana Costa", "E1", title=title), person("bo", "Bo Li", "E2", title="Manager")]
    edges = [Edge("MEMBER_OF", "Person", "ana", "Team", "risk"), Edge("MEMBER_OF", "Person", "bo", "Team", "risk"),
             Edge("REPORTS_TO", "Person", "ana", "Person", "bo")]
    if extra:
        people.append(person("cy", "Cy Dee", "E3", title="Analyst"))
        edges.append(Edge("MEMBER_OF", "Person", "cy", "Team", "risk"))
    return Batch("hris", people + [Entity("Team", "risk", "Risk", source_id="t1")], edges)


def test_unchanged_records_are_settled_and_a_changed_one_still_applies(clean_graph):
    sync(hr(), full=True, now=DAY1)
    fps = driver.read("MATCH (p:Person {key: 'ana'}) RETURN p.sync_fp AS fp")[0]["fp"]
    assert len(fps) == 1 and fps[0].startswith("hris\x1fE1\x1f2026-03-02\x1f")

    again = sync(hr(), full=True, now=DAY1)
    assert again.wrote_nothing and (again.created, again.updated, again.unchanged) == (0, 0, 4)

    changed = sync(hr(title="Staff Engineer"), full=True, now=DAY1)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 3)
    assert changed.counters["nodes_created"] == 1  # the title's Revision node, nothing else
    row = driver.read("MATCH (p:Person {key: 'ana'}) OPTIONAL MATCH (p)-[:HAD]->(r:Revision) "
                      "RETURN p.title AS title, r.value AS old")[0]
    assert row == {"title": "Staff Engineer", "old": "Data Engineer"}
    assert sync(hr(title="Staff Engineer"), full=True, now=DAY1).wrote_nothing


def test_stale_and_back_within_one_day(clean_graph):
    sync(hr(), full=True, now=DAY1)
    gone = sync(hr(extra=False), full=True, now=DAY1)
    assert gone.stale == 1
    assert driver.read("MATCH (p:Person {key: 'cy'}) RETURN p.stale_since AS s")[0]["s"] == "2026-03-02"
    back = sync(hr(), full=True, now=DAY1)
    assert back.stale == 0
    assert driver.read("MATCH (p:Person {key: 'cy'}) RETURN p.stale_since AS s")[0]["s"] is None
    assert sync(hr(), full=True, now=DAY1).wrote_nothing


def test_another_sources_change_sends_the_next_resync_through_the_full_path(clean_graph):
    # SCIM creates Ana; HR (ranked first for titles) then sets another title.
    scim = Batch("scim", [person("ana", "Ana Costa", "E1", title="Wizard")])
    sync(scim, full=False, now=DAY1)
    sync(hr(), full=True, now=DAY1)
    assert driver.read("MATCH (p:Person {key: 'ana'}) RETURN p.title AS t")[0]["t"] == "Data Engineer"
    # SCIM sends the very same record again the same day: its fingerprint was
    # dropped by HR's change, so the merge compares fields and reports the conflict.
    report = sync(Batch("scim", [person("ana", "Ana Costa", "E1", title="Wizard")]), full=False, now=DAY1)
    assert [(c.field, c.kept_value, c.kept_source, c.other_value) for c in report.conflicts] == \
        [("title", "Data Engineer", "hris", "Wizard")]
    assert driver.read("MATCH (p:Person {key: 'ana'}) RETURN p.title AS t")[0]["t"] == "Data Engineer"


def test_edge_naming_a_node_by_alias_still_resolves_on_a_settled_resync(clean_graph):
    hr_team = Batch("hris", [Entity("Team", "risk", "Risk", aliases=["Risk Data"], source_id="t1")])
    sync(hr_team, full=True, now=DAY1)

    def catalog():
        return Batch("catalog", [Entity("System", "ledger", "Ledger", source_id="component:ledger")],
                     [Edge("OWNS", "Team", "risk-data", "System", "ledger")])  # the team's alias, not its key
    first = sync(catalog(), full=True, now=DAY1)
    assert first.edges_created == 1 and not first.rejected_records
    again = sync(catalog(), full=True, now=DAY1)
    assert again.wrote_nothing and not again.rejected_records and again.unchanged == 1
    assert driver.read("MATCH (t:Team)-[:OWNS]->(:System {key: 'ledger'}) RETURN t.key AS k") == [{"k": "risk"}]
