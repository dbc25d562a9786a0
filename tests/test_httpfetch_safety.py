"""Connector HTTP (ingest/connectors/httpfetch.py) against real local HTTP
servers: credentials stay on their origin when a source redirects elsewhere,
and response bodies are bounded. No Neo4j needed."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingest.connectors import httpfetch
from kiki.errors import IngestError


class _Server:
    """A loopback HTTP server whose handler is a function of the request."""

    def __init__(self, respond):
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append((self.path, dict(self.headers)))
                status, headers, body = respond(self.path)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers():
    made = []

    def make(respond):
        server = _Server(respond)
        made.append(server)
        return server
    yield make
    for s in made:
        s.close()


SECRET = {"Authorization": "Bearer hr-secret-token", "X-Api-Key": "k-123"}


def test_a_redirect_to_another_origin_drops_the_credentials(servers):
    other = servers(lambda path: (200, {"Content-Type": "application/json"}, b'{"ok": true}'))
    source = servers(lambda path: (302, {"Location": other.url + "/people"}, b""))
    assert httpfetch.get_json(source.url + "/people", headers=SECRET) == {"ok": True}
    (_, at_source), = source.seen
    (_, at_other), = other.seen
    assert at_source["Authorization"] == "Bearer hr-secret-token" and at_source["X-Api-Key"] == "k-123"
    assert "Authorization" not in at_other and "X-Api-Key" not in at_other
    assert at_other["User-Agent"] == "kiki-ingest/1"


def test_a_redirect_on_the_same_origin_keeps_them(servers):
    def respond(path):
        if path == "/old":
            return 301, {"Location": "/new"}, b""
        return 200, {}, b"fine"
    source = servers(respond)
    assert httpfetch.get(source.url + "/old", headers=SECRET) == b"fine"
    assert [p for p, _ in source.seen] == ["/old", "/new"]
    assert source.seen[1][1]["Authorization"] == "Bearer hr-secret-token"


def test_redirects_to_other_schemes_are_refused(servers):
    source = servers(lambda path: (302, {"Location": "file:///etc/passwd"}, b""))
    with pytest.raises(IngestError) as e:
        httpfetch.get(source.url + "/x", headers=SECRET)
    assert e.value.code == "source_error" and "HTTP 302" in str(e.value)
    assert "root:" not in str(e.value)  # nothing of the local file was read


def test_bodies_over_the_bound_are_refused(servers):
    big = servers(lambda path: (200, {"Content-Length": "5000"}, b"x" * 5000))
    with pytest.raises(IngestError) as e:
        httpfetch.get(big.url + "/export", max_bytes=1000)
    assert e.value.code == "source_too_large" and "1,000" in str(e.value)
    # Without a Content-Length the reading itself stops at the bound.
    streamed = servers(lambda path: (200, {"Connection": "close"}, b"y" * 5000))
    with pytest.raises(IngestError) as e:
        httpfetch.get(streamed.url + "/export", max_bytes=1000)
    assert e.value.code == "source_too_large"
    assert httpfetch.get(streamed.url + "/export", max_bytes=5000) == b"y" * 5000
