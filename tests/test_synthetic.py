"""The synthetic demo organization: structural invariants of the generated
Batch (pure Python), and the same org merged into a real Neo4j."""
from collections import Counter, defaultdict

import pytest

from graph import driver
from graph.model import RELATIONSHIPS, check_key
from ingest.merge import sync
from ingest.synthetic import generate
from kiki.errors import InvalidInput


def _index(batch):
    ents = {(e.label, e.key): e for e in batch.entities}
    out = defaultdict(list)     # (type, src_label, src_key) -> [(dst_label, dst_key, props)]
    inc = defaultdict(list)     # (type, dst_label, dst_key) -> [(src_label, src_key)]
    for ed in batch.edges:
        out[(ed.type, ed.src_label, ed.src_key)].append((ed.dst_label, ed.dst_key, ed.props))
        inc[(ed.type, ed.dst_label, ed.dst_key)].append((ed.src_label, ed.src_key))
    return ents, out, inc


def check_invariants(batch, people):
    """Every structural promise of ingest.synthetic, checked on one Batch."""
    ents, out, inc = _index(batch)
    labels = Counter(e.label for e in batch.entities)
    assert labels["Person"] == people
    assert len(ents) == len(batch.entities), "duplicate (label, key)"
    for e in batch.entities:
        e.validate()
        check_key(e.key)
    idents = [(ed.type, ed.src_label, ed.src_key, ed.dst_label, ed.dst_key) for ed in batch.edges]
    assert len(set(idents)) == len(idents), "duplicate edges"
    # Every edge is allowed by the model and both its ends are in the batch.
    for ed in batch.edges:
        srcs, dsts = RELATIONSHIPS[ed.type]
        assert ed.src_label in srcs and ed.dst_label in dsts, ed
        assert (ed.src_label, ed.src_key) in ents and (ed.dst_label, ed.dst_key) in ents, ed

    persons = [e for e in batch.entities if e.label == "Person"]
    for field in ("email", "employee_id", "slack_id"):
        values = [p.props[field] for p in persons]
        assert len(set(values)) == people, f"{field} not unique"
    assert all(p.props["email"].endswith("@kiki-demo.example") for p in persons)
    assert all(p.props["slack_id"].startswith("U0") for p in persons)
    assert all(p.props["title"] and p.props["location"] and p.props["start_date"] for p in persons)

    # Exactly one team per person.
    for p in persons:
        teams = out[("MEMBER_OF", "Person", p.key)]
        assert len(teams) == 1 and teams[0][0] == "Team", p.key

    # Reporting: one root, everyone else exactly one manager, no cycles.
    manager = {}
    for p in persons:
        bosses = out[("REPORTS_TO", "Person", p.key)]
        assert len(bosses) <= 1, p.key
        if bosses:
            manager[p.key] = bosses[0][1]
    roots = [p.key for p in persons if p.key not in manager]
    assert len(roots) == 1
    assert ents[("Person", roots[0])].props["title"] == "Chief Executive Officer"
    depth_of = {roots[0]: 0}
    for start in manager:
        chain, key = [], start
        while key not in depth_of:
            chain.append(key)
            key = manager[key]
            assert len(chain) <= people, f"reporting cycle through {start}"
        for i, k in enumerate(reversed(chain), start=1):
            depth_of[k] = depth_of[key] + i

    # Every team and department has exactly one lead; a team's lead is its member.
    units = [e for e in batch.entities if e.label in ("Team", "Department")]
    for u in units:
        leads = inc[("LEADS", u.label, u.key)]
        assert len(leads) == 1, u.key
        if u.label == "Team":
            assert out[("MEMBER_OF", "Person", leads[0][1])][0][1] == u.key
        assert u.summary and u.body and u.props["slack_channel"].startswith("#")
    # Teams nest at most 3 levels below their department.
    parent = {u.key: out[("PART_OF", u.label, u.key)] for u in units}
    for u in units:
        level, key = 0, u.key
        while parent[key]:
            assert len(parent[key]) == 1
            key = parent[key][0][1]
            level += 1
        assert level <= 3, u.key

    # Systems: at least 20, about one per five people, one owner each, DEPENDS_ON acyclic.
    systems = [e for e in batch.entities if e.label == "System"]
    assert len(systems) >= max(20, people // 5)
    for s in systems:
        assert len(inc[("OWNS", "System", s.key)]) == 1, s.key
        assert {"kind", "type", "lifecycle"} <= set(s.props)
    deps = {s.key: [k for _, k, _ in out[("DEPENDS_ON", "System", s.key)]] for s in systems}
    state = {}

    def visit(k):   # iterative DFS: 0 = on the stack, 1 = done
        stack = [(k, iter(deps[k]))]
        state[k] = 0
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 1
                stack.pop()
            elif state.get(nxt) == 0:
                raise AssertionError(f"DEPENDS_ON cycle through {nxt}")
            elif nxt not in state:
                state[nxt] = 0
                stack.append((nxt, iter(deps[nxt])))
    for s in systems:
        if s.key not in state:
            visit(s.key)

    # Processes: steps ordered 1..n, keyed <process>.step-<n>, one responsible team each.
    processes = [e for e in batch.entities if e.label == "Process"]
    assert len(processes) >= 10
    for proc in processes:
        assert len(inc[("OWNS", "Process", proc.key)]) == 1
        steps = out[("HAS_STEP", "Process", proc.key)]
        orders = sorted(props["order"] for _, _, props in steps)
        assert orders == list(range(1, len(steps) + 1)) and len(steps) >= 3
        for _, step_key, props in steps:
            assert step_key == f"{proc.key}.step-{props['order']}"
            assert ents[("Step", step_key)].props["order"] == props["order"]
            owners = inc[("RESPONSIBLE_FOR", "Step", step_key)]
            assert len(owners) == 1 and owners[0][0] == "Team"
    assert labels["Topic"] >= 3
    return ents, out, inc


@pytest.mark.parametrize("people", [30, 50, 137, 500, 2000])
def test_invariants_hold_across_sizes(people):
    check_invariants(generate(people), people)


def test_scales_to_20000_people():
    batch = generate(20_000, seed=3)
    ents, out, _ = check_invariants(batch, 20_000)
    labels = Counter(e.label for e in batch.entities)
    assert labels["Department"] == 12
    assert labels["Team"] > 1500          # team sizes stay human: ~6-12 people
    assert labels["System"] >= 4000


def test_deterministic_for_a_seed():
    def fingerprint(b):
        return ([(e.label, e.key, e.name, e.summary, e.body, sorted(e.props.items())) for e in b.entities],
                [(ed.type, ed.src_key, ed.dst_key, sorted(ed.props.items())) for ed in b.edges])
    assert fingerprint(generate(400, seed=9)) == fingerprint(generate(400, seed=9))
    assert fingerprint(generate(400, seed=9)) != fingerprint(generate(400, seed=10))


def test_named_fixtures_always_exist():
    for people, seed in ((50, 1), (500, 42), (3000, 5)):
        ents, out, inc = _index(generate(people, seed))
        ana = ents[("Person", "ana-costa")]
        assert ana.name == "Ana Costa" and ana.props["email"] == "ana.costa@kiki-demo.example"
        assert out[("LEADS", "Person", "ana-costa")] == [("Team", "risk-data", {})]
        assert out[("PART_OF", "Team", "risk-data")][0][:2] == ("Department", "risk")
        assert out[("PART_OF", "Team", "ledger")][0][:2] == ("Department", "payments")
        assert inc[("OWNS", "System", "ledger-service")] == [("Team", "ledger")]
        for key in ("payouts-api", "risk-scoring-engine"):
            assert ("System", key) in ents
        for key in ("launch-an-internal-system", "onboard-a-new-employee", "expense-reimbursement",
                    "incident-response"):
            assert ("Process", key) in ents
        owner = inc[("OWNS", "Topic", "expense-policy")][0][1]
        assert out[("PART_OF", "Team", owner)][0][:2] == ("Department", "finance")
        # Nobody else takes Ana's key; a namesake would be ana-costa-2.
        assert sum(1 for (label, key) in ents if label == "Person" and key == "ana-costa") == 1


def test_duplicate_names_get_suffixed_keys():
    persons = [e for e in generate(5000).entities if e.label == "Person"]
    by_name = defaultdict(list)
    for p in persons:
        by_name[p.name].append(p.key)
    dupes = [keys for keys in by_name.values() if len(keys) > 1]
    assert dupes, "5,000 random names should include namesakes"
    for keys in dupes:
        assert keys[0] + "-2" in keys


def test_rejects_unreasonable_sizes():
    with pytest.raises(InvalidInput):
        generate(5)


def test_merged_org_in_neo4j(clean_graph):
    batch = generate(300, seed=4)
    result = sync(batch, full=False)
    assert result.rejected_records == []
    assert result.counters["nodes_created"] == len(batch.entities)
    assert result.counters["relationships_created"] == len(batch.edges)
    rows = driver.read("""
        MATCH (p:Person) WHERE NOT (p)-[:REPORTS_TO]->() RETURN collect(p.key) AS roots
    """)
    assert len(rows[0]["roots"]) == 1
    assert driver.read("MATCH (p:Person)-[:REPORTS_TO*1..]->(p) RETURN count(*) AS n")[0]["n"] == 0
    # Headcount of a department = people in its teams, transitively.
    rows = driver.read("""
        MATCH (d:Department {key: 'risk'})<-[:PART_OF*1..]-(t:Team)<-[:MEMBER_OF]-(p:Person)
        RETURN count(DISTINCT p) AS n
    """)
    ents, out, _ = _index(batch)

    def dept_of(team_key):
        label, key = "Team", team_key
        while out[("PART_OF", label, key)]:
            label, key, _ = out[("PART_OF", label, key)][0]
        return key if label == "Department" else None
    expected = sum(1 for e in batch.entities if e.label == "Person"
                   and dept_of(out[("MEMBER_OF", "Person", e.key)][0][1]) == "risk")
    assert rows[0]["n"] == expected > 0
    rows = driver.read("""
        MATCH (p:Process {key: 'launch-an-internal-system'})-[h:HAS_STEP]->(s:Step)<-[:RESPONSIBLE_FOR]-(t:Team)
        RETURN h.order AS n, s.key AS step, t.key AS team ORDER BY n
    """)
    assert [r["n"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["step"] == "launch-an-internal-system.step-1"
