"""The evaluation's SCIM-only organisation (bench/eval_scim_org.py) pushed over
real HTTP into a live Kiki with a bearer token, against a real Neo4j: the
pages and edges the graph ends up with are the ones the evaluation's facts
name (page keys, managers, group memberships, who left)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from eval_scim_org import generate, push  # noqa: E402

from graph import driver  # noqa: E402
from ingest.scim import tokens as scim_tokens  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_pushed_directory_matches_the_facts(live_server, clean_graph, settings):
    settings.KIKI_SYNC_QUEUE_EMBEDDINGS = False
    users, groups = generate(11)
    _, token = scim_tokens.issue("eval idp")
    sent = push(live_server.url, token, users, groups)
    assert sent["users"] == len(users) and sent["requests"] > len(users) + len(groups)

    people = {r["key"]: r["status"] for r in driver.read("MATCH (p:Person) RETURN p.key AS key, p.status AS status")}
    assert people == {u.key: "active" if u.active else "former" for u in users}
    reports = {(r["a"], r["b"]) for r in driver.read(
        "MATCH (a:Person)-[:REPORTS_TO]->(b:Person) RETURN a.key AS a, b.key AS b")}
    assert reports == {(u.key, u.manager.key) for u in users if u.manager is not None and u.active}
    members = {(r["p"], r["t"]) for r in driver.read(
        "MATCH (p:Person)-[:MEMBER_OF]->(t:Team) RETURN p.key AS p, t.key AS t")}
    assert members == {(u.key, g.key) for g in groups for u in g.members if u.active}
    teams = {r["key"] for r in driver.read("MATCH (t:Team) RETURN t.key AS key")}
    assert teams == {g.key for g in groups}
