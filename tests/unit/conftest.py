"""Fast unit tests: parsing, rendering and interpretation that need no
Neo4j, Redis or browser (`./scripts/test tests/unit` runs in seconds).

A unit test that asks for the graph fails here instead of quietly starting a
Neo4j server: such a test belongs in tests/."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def neo4j_server():
    pytest.fail("tests/unit must not need Neo4j: move this test to tests/")


@pytest.fixture(scope="session")
def redis_url():
    pytest.fail("tests/unit must not need Redis: move this test to tests/")
