"""load_demo and `manage.py load_demo` against a real Neo4j: both sources
load, problems are reported, and a second load writes nothing."""
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from graph import driver
from ingest.backstage import load_catalog
from ingest.demo import load_demo
from ingest.synthetic import generate


def test_load_demo_loads_both_sources_and_reload_is_a_noop(clean_graph):
    first = load_demo(people=120)
    syn, cat = generate(120), load_catalog(settings.KIKI_BACKSTAGE_DIR)
    assert list(first.results) == ["synthetic", "backstage"]
    assert first.nodes_created == len(syn.entities) + len(cat.entities)
    assert first.relationships_created == len(syn.edges) + len(cat.edges)
    assert first.labels["Person"] == 120 + 17
    assert first.labels["Step"] == sum(1 for e in syn.entities if e.label == "Step")
    assert sum(first.relationships.values()) == first.relationships_created
    # The Backstage demo files' references to entities outside the catalog.
    assert len(first.problems) == 15
    assert all("unknown reference" in p.message for p in first.problems)

    second = load_demo(people=120)
    assert second.nodes_created == 0
    assert second.relationships_created == 0
    assert second.properties_set == 0
    assert second.wrote_nothing
    assert second.labels == first.labels and second.relationships == first.relationships
    assert "created 0 nodes and 0 relationships" in second.summary()


def test_reset_wipes_before_loading(clean_graph):
    load_demo(people=60, include_backstage=False)
    driver.write("CREATE (:Topic:Entity {key: 'stray', name: 'Stray'})")
    report = load_demo(people=60, include_backstage=False, reset=True)
    assert driver.read("MATCH (n {key: 'stray'}) RETURN count(n) AS n")[0]["n"] == 0
    assert report.nodes_created == len(generate(60).entities)
    assert "Person" in report.labels and "backstage" not in report.results


def test_a_key_clash_between_sources_is_reported_not_overwritten(clean_graph, tmp_path):
    (tmp_path / "catalog.yaml").write_text("""
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ledger-service, description: Not ours}
spec: {type: service, owner: payments-team}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments-team}
spec: {type: team}
""")
    report = load_demo(people=60, backstage_dir=tmp_path)
    clash = [p for p in report.problems if p.item == "System:ledger-service"]
    assert clash and "already used by synthetic" in clash[0].message
    rows = driver.read("""
        MATCH (s:System {key: 'ledger-service'})<-[:OWNS]-(t:Team) RETURN s.source AS src, collect(t.key) AS owners
    """)
    assert rows == [{"src": "synthetic", "owners": ["ledger"]}]
    assert load_demo(people=60, backstage_dir=tmp_path).wrote_nothing


@pytest.mark.django_db   # the load applies the restriction rules stored in Django
def test_command_prints_counts_and_every_problem(clean_graph):
    out = StringIO()
    call_command("load_demo", "--people", "50", stdout=out)
    text = out.getvalue()
    assert "synthetic: " in text and "backstage: " in text
    assert "graph now holds:" in text and "50 Person" not in text   # 50 + 17 Backstage users
    assert "67 Person" in text
    assert text.count("problem: ") == 15
    assert "demo/catalog-info.yaml: component:default/backstage-demo: spec.owner" in text

    out = StringIO()
    call_command("load_demo", "--people", "50", "--no-backstage", "--reset", stdout=out)
    assert "backstage: " not in out.getvalue() and "50 Person" in out.getvalue()


def test_command_rejects_a_bad_size(neo4j):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="people must be between"):
        call_command("load_demo", "--people", "3", stdout=StringIO())
