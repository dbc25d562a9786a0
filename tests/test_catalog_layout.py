"""A real-world catalog layout: the root `catalog-info.yaml` is a `type: url`
Location with relative targets, which fan out to several files, one of them
holding a custom kind and one a scaffolder Template (tests/data/catalog_url_layout).
Read through the catalog connector and merged into the real Neo4j."""
from __future__ import annotations

from pathlib import Path

import pytest

from graph import driver
from ingest.connectors.catalog import CatalogConnector
from ingest.merge import sync

LAYOUT = Path(__file__).parent / "data" / "catalog_url_layout"


@pytest.fixture(scope="module")
def batch():
    return CatalogConnector(path=str(LAYOUT)).read()


def test_relative_targets_of_a_url_location_are_read_from_the_checkout(batch):
    got = {(e.label, e.key) for e in batch.entities}
    assert got == {("Department", "northwind"), ("Department", "finance-unit"),
                   ("Team", "billing-team"), ("Team", "ledger-team"),
                   ("Person", "mira.holm"), ("Person", "tomas.reyes"),
                   ("System", "system.billing"), ("System", "invoice-service"), ("System", "api.invoice-api"),
                   ("System", "resource.invoices-db"), ("System", "ledger-service")}
    # The ledger's catalog-info.yaml refers to entities only the url Location reaches.
    edges = {(e.type, e.src_key, e.dst_key) for e in batch.edges}
    assert {("OWNS", "ledger-team", "ledger-service"), ("PART_OF", "ledger-service", "system.billing"),
            ("DEPENDS_ON", "ledger-service", "invoice-service"), ("PART_OF", "finance-unit", "northwind"),
            ("MEMBER_OF", "mira.holm", "billing-team")} <= edges


def test_only_the_truly_remote_target_is_reported(batch):
    msgs = [str(p) for p in batch.problems]
    remote = [m for m in msgs if "remote" in m]
    assert remote == ["catalog/all.yaml: location:default/northwind-all: Location target "
                      "https://github.com/northwind-example/shared-catalog/blob/main/catalog-info.yaml is remote "
                      "(url); only files in the checkout are loaded"]
    assert not any("./" in m for m in msgs), msgs


def test_unmodelled_kinds_are_skipped_with_the_file_and_entity_named(batch):
    msgs = [str(p) for p in batch.problems]
    assert "catalog/templates/node-service.yaml: template:default/node-service: kind Template is not mapped " \
           "to a Kiki page; skipped" in msgs
    assert "catalog/systems/billing.yaml: deploymentpipeline:default/invoice-service-pipeline: kind " \
           "DeploymentPipeline is not mapped to a Kiki page; skipped" in msgs
    # The entity after the custom kind in the same file still loads.
    assert "resource.invoices-db" in {e.key for e in batch.entities}
    assert len(msgs) == 3, msgs


def test_absolute_target_in_a_url_location_is_named(tmp_path):
    (tmp_path / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\n"
        "spec: {type: url, targets: [/catalog/all.yaml, ./team.yaml]}\n")
    (tmp_path / "team.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: ops}\nspec: {type: team}\n")
    batch = CatalogConnector(path=str(tmp_path)).read()
    assert [e.key for e in batch.entities] == ["ops"]
    assert [str(p) for p in batch.problems] == [
        "catalog-info.yaml: location:default/root: Location target /catalog/all.yaml is an absolute path in a "
        "url Location; it cannot be found in the checkout"]


def test_the_whole_layout_merges_into_the_graph(clean_graph, batch):
    report = sync(batch, full=True)
    assert report.created == 11 and report.rejected == 3, report.summary()
    rows = driver.read("MATCH (t:Team {key: 'ledger-team'})-[:OWNS]->(s:System)-[:PART_OF]->(b:System) "
                       "RETURN s.key AS s, b.key AS b")
    assert rows == [{"s": "ledger-service", "b": "system.billing"}]
    assert driver.read("MATCH (n:Entity) WHERE n.key CONTAINS 'template' OR n.key CONTAINS 'pipeline' "
                       "RETURN n.key AS k") == []
