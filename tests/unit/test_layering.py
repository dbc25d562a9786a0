"""The layering the architecture promises, checked on the source: Cypher
lives in graph/ alone, and graph/ depends on none of its consumers."""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONSUMERS = ("kiki", "wiki", "slackbot", "ingest", "accounts", "authz", "feedback")
CYPHER = re.compile(r"\b(?:OPTIONAL\s+)?(?:MATCH|MERGE|CREATE)\s*\(\w*:|\bRETURN\s+\w+(?:\.\w+)?\s+AS\b|\bDETACH\s+DELETE\b")


def _modules(*packages: str):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(tree: ast.AST):
    """(module, name or None) for every import in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                yield node.module, alias.name


def test_the_cypher_detector_recognises_cypher():
    assert CYPHER.search("MATCH (p:Person {key: $key}) RETURN p.key AS key")
    assert CYPHER.search("x = 'OPTIONAL MATCH (m:Person)'")
    assert not CYPHER.search("writes them in UNWIND batches; a match (of names) is returned")


@pytest.mark.parametrize("package", CONSUMERS)
def test_no_cypher_outside_graph(package):
    bad = []
    for path, tree in _modules(package):
        rel = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CYPHER.search(node.value):
                bad.append(f"{rel}:{node.lineno}: a Cypher string")
        for module, name in _imports(tree):
            if module == "graph.driver" or (module == "graph" and name == "driver"):
                bad.append(f"{rel}: imports graph.driver (call a graph/ function instead)")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("package", CONSUMERS)
def test_consumers_take_no_query_constants_from_graph(package):
    """Callers get plain data from graph/ functions; they never pick up a
    query string to run or to hand on."""
    bad = []
    for path, tree in _modules(package):
        rel = path.relative_to(ROOT)
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and node.module.split(".")[0] == "graph":
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    try:
                        aliases[alias.asname or alias.name] = importlib.import_module(target)
                        continue
                    except ImportError:
                        pass
                    value = getattr(importlib.import_module(node.module), alias.name)
                    if isinstance(value, str) and CYPHER.search(value):
                        bad.append(f"{rel}: imports the query {target}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
                value = getattr(aliases[node.value.id], node.attr, None)
                if isinstance(value, str) and CYPHER.search(value):
                    bad.append(f"{rel}:{node.lineno}: uses the query {node.value.id}.{node.attr}")
    assert not bad, "\n".join(bad)


def test_graph_imports_no_consumer():
    bad = [f"{path.relative_to(ROOT)}: imports {module}"
           for path, tree in _modules("graph") for module, _ in _imports(tree)
           if module.split(".")[0] in CONSUMERS]
    assert not bad, "\n".join(bad)
