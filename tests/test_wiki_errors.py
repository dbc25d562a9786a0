"""Error pages with DEBUG off: an unreachable Neo4j gives a friendly 503 with
Retry-After (and recovers by itself), unknown pages give the wiki's 404, and
the 500 page renders without a request context."""
from __future__ import annotations

import time

import pytest
from django.test import Client, RequestFactory

from graph import driver
from graph.model import Batch, Entity
from graph.server import free_port
from ingest.merge import sync

# Entity pages read with driver.read_once (no retry loop), so a refused
# connection must become a 503 well before the driver's retry window
# (NEO4J_CONNECT_TIMEOUT, 3 s) would end; the slack is for a busy CI machine.
FAIL_WITHIN_SECONDS = 2


@pytest.fixture
def one_person(clean_graph):
    sync(Batch("hris", [Entity("Person", "ana-costa", "Ana Costa", summary="Engineer")]), full=False)
    return clean_graph


@pytest.fixture
def graph_down(neo4j_server, settings):
    """Points the driver at a closed port for the test, then back at the test server."""
    settings.DEBUG = False
    driver.configure(f"bolt://127.0.0.1:{free_port()}", "neo4j", "wrong")
    try:
        yield
    finally:
        driver.configure(neo4j_server["uri"], neo4j_server["user"], neo4j_server["password"])


def test_neo4j_down_gives_friendly_503_then_recovers(one_person, neo4j_server, settings, client):
    assert client.get("/person/ana-costa").status_code == 200
    closed = f"bolt://127.0.0.1:{free_port()}"
    try:
        driver.configure(closed, "neo4j", "wrong")
        started = time.monotonic()
        response = client.get("/person/ana-costa")
        elapsed = time.monotonic() - started
        html = response.content.decode()
        assert response.status_code == 503
        assert response["Retry-After"] == str(settings.KIKI_RETRY_AFTER_SECONDS)
        assert "temporarily unavailable" in html and 'class="sidebar"' in html
        for leak in ("Traceback", "ServiceUnavailable", "bolt://", closed.rsplit(":", 1)[1]):
            assert leak not in html
        assert elapsed < FAIL_WITHIN_SECONDS, f"503 took {elapsed:.1f}s"
    finally:
        driver.configure(neo4j_server["uri"], neo4j_server["user"], neo4j_server["password"])
    again = client.get("/person/ana-costa")
    assert again.status_code == 200 and "Ana Costa" in again.content.decode()


@pytest.mark.parametrize("url", ["/", "/person/", "/search?q=ana", "/team/risk-data"])
def test_every_graph_page_turns_an_outage_into_503(graph_down, url, client):
    response = client.get(url)
    assert response.status_code == 503 and response["Retry-After"]
    assert "Traceback" not in response.content.decode()


def test_typeahead_outage_is_json_503(graph_down, client):
    response = client.get("/search/suggest?q=ana", HTTP_ACCEPT="application/json")
    assert response.status_code == 503 and response["Retry-After"]
    assert response.json()["error"]["code"] == "graph_unavailable"


def test_healthz_reports_graph_outage_only_when_asked(graph_down):
    client = Client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/healthz?graph=1")
    assert response.status_code == 503 and response.content == b"graph unavailable"


def test_404_page_renders_with_debug_off(neo4j, settings, client):
    settings.DEBUG = False
    response = client.get("/person/nobody-here")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and "/person/nobody-here" in html
    assert "Traceback" not in html and "Using the URLconf" not in html


def test_500_page_renders_with_debug_off(settings):
    """Django's server_error handler renders 500.html with no request context."""
    from django.views.defaults import server_error

    settings.DEBUG = False
    response = server_error(RequestFactory().get("/person/anyone"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html and "/static/wiki.css" in html


def test_healthz_reports_warm_up(client, monkeypatch):
    import threading

    from kiki import warmup
    monkeypatch.setattr(warmup, "_done", threading.Event())
    monkeypatch.setattr(warmup, "_started", False)
    assert client.get("/healthz", {"warm": "1"}).status_code == 503
    assert client.get("/healthz").status_code == 200
    warmup.start()
    assert warmup._done.wait(120)
    assert client.get("/healthz", {"warm": "1"}).status_code == 200
    from kiki.embeddings import get_embedder
    assert get_embedder().loaded
