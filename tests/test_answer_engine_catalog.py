"""The answer engine on the real Backstage example catalog (../shared/datasets/
backstage-examples) on a real Neo4j: catalog relations asked in everyday words."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from graph import schema
from ingest.merge import sync
from ingest.backstage import load_catalog
from kiki.assistant import ask

CATALOG = Path("/work/shared/datasets/backstage-examples")
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not CATALOG.is_dir(), reason="the Backstage example catalog is not here")]


@pytest.fixture(scope="module")
def catalog(neo4j):
    schema.wipe()
    sync(load_catalog(CATALOG), full=False)
    return neo4j


@pytest.fixture(autouse=True)
def offline(catalog):
    with override_settings(OPENAI_API_KEY=None, OPENAI_BASE_URL=None):
        yield


@pytest.mark.parametrize("question,must", [
    ("which system does the artist-lookup component belong to?", "artist-engagement-portal"),
    ("what systems are in the Artists domain?", "artist-engagement-portal"),
    ("list the components of the podcast system", "podcast-api"),
    ("which APIs does wayback-search provide", "wayback-search"),
    ("what's the lifecycle of the petstore API", "experimental"),
    ("who owns the spotify API?", "]("),
    ("what does team-a own?", "]("),
    ("who is in team-a", "]("),
])
def test_catalog_questions(question, must):
    r = ask(question)
    print(question, "=>", r["reading"], "=>", r["answer"][:300])
    assert must in r["answer"], (question, r["reading"], r["answer"])
    for s in r["sources"]:
        assert f"]({s['url']})" in r["answer"]
