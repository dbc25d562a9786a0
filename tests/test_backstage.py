"""The Backstage catalog loader against the real example catalog and a
broken one made in a temp dir, merged into a real Neo4j."""
from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from graph import driver
from ingest.merge import sync
from ingest.backstage import DEFAULT_ROOTS, BadReference, load_catalog, parse_ref

CATALOG = Path(settings.KIKI_BACKSTAGE_DIR)

# An independent, deliberately simple reading of the files reached from the
# roots, to check the loader's counts against the files' contents.


def _walk(directory, roots):
    docs, queue, seen = [], [directory / r for r in roots], set()
    while queue:
        path = queue.pop(0).resolve()
        if path in seen:
            continue
        seen.add(path)
        for doc in yaml.safe_load_all(path.read_text()):
            if doc.get("kind") == "Location":
                spec = doc["spec"]
                queue += [path.parent / t for t in spec.get("targets", []) + ([spec["target"]] if "target" in spec else [])]
            else:
                docs.append(doc)
    return docs


def _ref(doc, value, default_kind):
    kind, _, rest = value.rpartition(":") if ":" in value else (default_kind, "", value)
    ns, _, name = rest.rpartition("/") if "/" in rest else (doc["metadata"].get("namespace", "default"), "", rest)
    return f"{kind or default_kind}:{ns}/{name}".lower()


def _expected():
    docs = _walk(CATALOG, DEFAULT_ROOTS)
    kinds = Counter(d["kind"] for d in docs)
    known = {f"{d['kind']}:{d['metadata'].get('namespace', 'default')}/{d['metadata']['name']}".lower(): d
             for d in docs}
    edges, unresolved = Counter(), 0
    group_pairs, consumes = set(), set()

    def me(d):
        return f"{d['kind']}:{d['metadata'].get('namespace', 'default')}/{d['metadata']['name']}".lower()

    for d in docs:
        spec = d.get("spec", {})
        fields = [("owner", "group", "OWNS"), ("memberOf", "group", "MEMBER_OF"), ("parent", "group", "GPARENT"),
                  ("children", "group", "GCHILD"), ("system", "system", "PART_OF"), ("domain", "domain", "PART_OF"),
                  ("subcomponentOf", "component", "PART_OF"), ("subdomainOf", "domain", "PART_OF"),
                  ("dependsOn", None, "DEPENDS_ON"), ("providesApis", "api", "PROVIDES_API"),
                  ("consumesApis", "api", "CONSUMES_API"), ("apiConsumedBy", "component", "CONSUMED_BY")]
        for field, default, rel in fields:
            values = spec.get(field) or []
            for v in values if isinstance(values, list) else [values]:
                target = _ref(d, v, default)
                if target not in known:
                    unresolved += 1
                elif rel == "GPARENT":
                    group_pairs.add((me(d), target))
                elif rel == "GCHILD":
                    group_pairs.add((target, me(d)))
                elif rel == "CONSUMES_API":
                    consumes.add((me(d), target))
                elif rel == "CONSUMED_BY":
                    consumes.add((target, me(d)))
                elif rel == "PART_OF" and d["kind"] == "AiResource":
                    pass    # a Topic is not PART_OF a System; kept as a property
                else:
                    edges[rel] += 1
    edges["PART_OF"] += len(group_pairs)
    edges["CONSUMES_API"] = len(consumes)
    return kinds, edges, unresolved, docs


@pytest.fixture(scope="module")
def loaded(neo4j):
    from graph import schema

    schema.wipe()
    batch = load_catalog(CATALOG)
    result = sync(batch, full=False)
    return batch, result


def test_the_independent_reading_matches_the_dataset_readme():
    kinds, edges, unresolved, _ = _expected()
    assert kinds == {"User": 17, "Group": 8, "Component": 14, "System": 3, "API": 12, "Domain": 3,
                     "Resource": 1, "AiResource": 8}
    # README: 16 references do not resolve in demo/, 15 of them in fields we map
    # (apiConsumedBy: backstage-demo resolves here because we default it to a component).
    assert unresolved == 15
    assert edges["OWNS"] == 32 and edges["MEMBER_OF"] == 17


def test_entity_counts_match_the_files(loaded):
    kinds, _, _, _ = _expected()
    rows = driver.read("""
        MATCH (n:Entity) WHERE n.source = 'backstage'
        RETURN [l IN labels(n) WHERE l <> 'Entity'][0] AS label, n.kind AS kind, count(*) AS n
    """)
    got = Counter()
    for r in rows:
        got[(r["label"], r["kind"])] += r["n"]
    assert sum(n for (label, _), n in got.items() if label == "Person") == kinds["User"]
    assert sum(n for (label, _), n in got.items() if label in ("Team", "Department")) == kinds["Group"]
    for kind in ("Component", "System", "API", "Domain", "Resource"):
        assert got[("System", kind)] == kinds[kind], kind
    assert got[("Topic", "AiResource")] == kinds["AiResource"]
    assert "Location" not in {k for _, k in got}


def test_edge_counts_match_the_files(loaded):
    _, edges, _, _ = _expected()
    rows = driver.read("""
        MATCH (a)-[r]->(b) WHERE r.source = 'backstage' RETURN type(r) AS type, count(*) AS n
    """)
    assert {r["type"]: r["n"] for r in rows} == {k: v for k, v in edges.items() if v}


def test_unknown_references_are_reported_not_dropped(loaded):
    batch, result = loaded
    _, _, unresolved, _ = _expected()
    unknown = [p for p in result.rejected_records if "unknown reference" in p.message]
    assert len(unknown) == unresolved
    p = next(p for p in unknown if p.item == "component:default/backstage-demo")
    assert p.where == "demo/catalog-info.yaml"
    assert "spec.owner" in p.message and "group:backstage/maintainers" in p.message
    assert len(result.rejected_records) == unresolved   # nothing else is wrong with the real files


def test_mapping_and_keys(loaded):
    rows = driver.read("""
        MATCH (c:System {key: 'petstore'})-[:PROVIDES_API]->(api:System {key: 'api.petstore'})
        MATCH (t:Team {key: 'team-c'})-[:OWNS]->(c)
        MATCH (t)-[:PART_OF]->(:Team {key: 'boxoffice'})-[:PART_OF]->(:Department {key: 'infrastructure'})
              -[:PART_OF]->(org:Department {key: 'acme-corp'})
        RETURN c.kind AS ck, c.lifecycle AS cl, c.type AS ct, api.kind AS ak, api.type AS at,
               c.source AS src, c.source_id AS sid, org.name AS org
    """)
    assert rows == [{"ck": "Component", "cl": "experimental", "ct": "service", "ak": "API", "at": "openapi",
                     "src": "backstage", "sid": "component:default/petstore", "org": "ACME Corp"}]
    rows = driver.read("""
        MATCH (g:Person {key: 'development.guest'})-[:MEMBER_OF]->(:Team {key: 'team-a'})
        MATCH (u:Person {key: 'guest'})-[:OWNS]->(s:System {key: 'searcher'})
        MATCH (f:Person {key: 'frank.tiernan'})-[:OWNS]->(:System {key: 'domain.playback'})
        MATCH (:System {key: 'system.podcast'})-[:PART_OF]->(:System {key: 'domain.playback'})
        MATCH (:System {key: 'domain.artists'})-[:PART_OF]->(:System {key: 'domain.audio'})
        MATCH (:System {key: 'artist-lookup'})-[:DEPENDS_ON]->(:System {key: 'resource.artists-db'})
        MATCH (:System {key: 'www-artist'})-[:CONSUMES_API]->(:System {key: 'artist-lookup'})
        MATCH (t:Topic {key: 'frontend-design'})<-[:OWNS]-(:Team {key: 'team-a'})
        RETURN g.name AS guest, g.namespace AS ns, f.name AS frank, t.backstage_system AS system
    """)
    assert rows == [{"guest": "Guest User", "ns": "development", "frank": "Frank Tiernan",
                     "system": "artist-engagement-portal"}]


def test_reload_writes_nothing(loaded):
    again = sync(load_catalog(CATALOG), full=False)
    assert again.wrote_nothing and again.counters["nodes_created"] == 0 and again.counters["properties_set"] == 0


@pytest.mark.parametrize("ref,default,expected", [
    ("team-a", "group", ("group", "default", "team-a")),
    ("User:Guest", "group", ("user", "default", "guest")),
    ("group:Backstage/Maintainers", "group", ("group", "backstage", "maintainers")),
    ("backstage/maintainers", "group", ("group", "backstage", "maintainers")),
    ({"kind": "Component", "name": "x"}, None, ("component", "dev", "x")),
])
def test_parse_ref(ref, default, expected):
    assert parse_ref(ref, default, "dev" if isinstance(ref, dict) else "default") == expected


def test_parse_ref_needs_a_kind_when_no_default():
    with pytest.raises(BadReference):
        parse_ref("artists-db", None, "default")


def test_malformed_catalog_reports_file_and_entity_and_loads_the_rest(clean_graph, tmp_path):
    (tmp_path / "root.yaml").write_text("""
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: root}
spec:
  targets: [./org.yaml, ./broken.yaml, ./missing.yaml, ./root.yaml, ../outside.yaml]
""")
    (tmp_path / "org.yaml").write_text("""
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: Core-Team, description: Does core things}
spec: {type: team, children: [], profile: {displayName: Core Team}}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: jo.doe}
spec: {memberOf: [core-team, ghosts], profile: {displayName: Jo Doe, email: jo@example.com}}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: billing}
spec: {type: service, lifecycle: production, owner: core-team, dependsOn: [component:ledger, storage]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
spec: {type: service, owner: core-team}
---
apiVersion: backstage.io/v1alpha1
metadata: {name: kindless}
spec: {}
---
apiVersion: backstage.io/v1alpha1
kind: Template
metadata: {name: scaffold}
spec: {}
""")
    (tmp_path / "broken.yaml").write_text("""
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: half
spec: [
""")
    batch = load_catalog(tmp_path, roots=["root.yaml"])
    result = sync(batch, full=False)
    problems = [(p.where, p.item, p.message) for p in result.rejected_records]

    def has(where, item_part, message_part):
        return any(w == where and item_part in i and message_part in m for w, i, m in problems)

    assert has("broken.yaml", "document 1", "invalid YAML")
    assert has("org.yaml", "document 4", "no metadata.name")
    assert has("org.yaml", "kindless", "no kind")
    assert has("org.yaml", "template:default/scaffold", "not mapped")
    assert has("org.yaml", "user:default/jo.doe", "unknown reference group:default/ghosts")
    assert has("org.yaml", "component:default/billing", "unknown reference component:default/ledger")
    assert has("org.yaml", "component:default/billing", "needs a kind")
    assert has("root.yaml", "location:default/root", "outside the catalog directory")
    assert has("root.yaml", "location:default/root", "missing.yaml does not exist")
    assert len(problems) == 9
    # The rest loaded, once, despite root.yaml listing itself.
    rows = driver.read("""
        MATCH (p:Person {key: 'jo.doe'})-[:MEMBER_OF]->(t:Team {key: 'core-team'})-[:OWNS]->(s:System {key: 'billing'})
        RETURN p.name AS person, p.email AS email, t.name AS team, t.summary AS summary, s.lifecycle AS lc
    """)
    assert rows == [{"person": "Jo Doe", "email": "jo@example.com", "team": "Core Team",
                     "summary": "Does core things", "lc": "production"}]
    assert result.counters["nodes_created"] == 3


def test_missing_directory_is_an_ingest_error(tmp_path):
    from kiki.errors import IngestError

    with pytest.raises(IngestError):
        load_catalog(tmp_path / "nope")


def test_connector_reads_the_same_batch(tmp_path):
    from ingest.backstage import BackstageConnector

    (tmp_path / "team.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: ops}\nspec: {type: team}\n")
    batch = BackstageConnector(directory=str(tmp_path)).read()
    assert [(e.label, e.key, e.source_id) for e in batch.entities] == [("Team", "ops", "group:default/ops")]
    assert batch.source == "backstage" and batch.problems == []
