"""Test fixtures: a real, throwaway Neo4j server (and Redis) per test session.

No mocks of our stores: `neo4j` starts Neo4j Community from the Maven-fetched
jars on a free loopback port (or uses KIKI_TEST_NEO4J_URI/USER/PASSWORD when a
server is given), applies the schema, and points graph.driver at it.
`clean_graph` wipes it before a test that writes.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from graph import driver, schema
from graph.server import LocalNeo4j, free_port


@pytest.fixture(scope="session")
def neo4j_server():
    uri = os.environ.get("KIKI_TEST_NEO4J_URI")
    if uri:
        info = {"uri": uri, "user": os.environ.get("KIKI_TEST_NEO4J_USER", "neo4j"),
                "password": os.environ.get("KIKI_TEST_NEO4J_PASSWORD", "")}
        server = None
    else:
        home = Path(tempfile.mkdtemp(prefix="kiki-neo4j-"))
        server = LocalNeo4j(home, free_port(), heap="768m", pagecache="256m")
        started = server.start()
        info = {"uri": started.uri, "user": started.user, "password": started.password}
    driver.configure(info["uri"], info["user"], info["password"])
    schema.migrate()
    yield {**info, "server": server}
    driver.close()
    if server is not None:
        server.stop()
        shutil.rmtree(server.home, ignore_errors=True)


@pytest.fixture(scope="session")
def neo4j(neo4j_server):
    """The graph driver module, configured against the test server."""
    return driver


@pytest.fixture
def clean_graph(neo4j):
    """An empty graph (schema kept) for a test that writes."""
    schema.wipe()
    yield neo4j


@pytest.fixture(scope="session")
def redis_url():
    """A real redis-server on a free loopback port, no persistence."""
    url = os.environ.get("KIKI_TEST_REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if not binary:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="kiki-redis-")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", workdir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(workdir, ignore_errors=True)
