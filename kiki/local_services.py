"""Starts the local services Kiki needs when they are not configured
externally: Neo4j (graph/server.py) unless NEO4J_URI is set, and Redis from
Debian's redis-server unless REDIS_URL points at a running one. Used by
`manage.py neo4j` and `manage.py demo`."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from urllib.parse import urlparse

from django.conf import settings

from graph.server import LocalNeo4j


def local_neo4j() -> LocalNeo4j:
    return LocalNeo4j(settings.NEO4J_HOME, settings.NEO4J_BOLT_PORT, heap=settings.NEO4J_HEAP,
                      pagecache=settings.NEO4J_PAGECACHE, password=settings.NEO4J_PASSWORD)


def uses_external_neo4j() -> bool:
    return bool(settings.NEO4J_URI)


def redis_reachable(url: str | None = None) -> bool:
    parsed = urlparse(url or settings.REDIS_URL)
    try:
        socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def start_local_redis() -> subprocess.Popen | None:
    """Start redis-server for REDIS_URL if it is a loopback address nobody serves.
    Returns the process, or None when Redis already runs or cannot be started."""
    parsed = urlparse(settings.REDIS_URL)
    if redis_reachable() or parsed.hostname not in ("127.0.0.1", "localhost"):
        return None
    binary = shutil.which("redis-server")
    if not binary:
        return None
    workdir = settings.VAR_DIR / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([binary, "--port", str(parsed.port or 6379), "--bind", "127.0.0.1",
                             "--dir", str(workdir), "--save", "60 1000", "--appendonly", "no"],
                            stdout=open(workdir / "redis.log", "ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 10
    while not redis_reachable() and time.monotonic() < deadline:
        time.sleep(0.1)
    return proc
