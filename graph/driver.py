"""The one place that creates the Neo4j driver: lazily, once per process
(re-created after a fork, since the driver does not survive one).

Everything else calls `read`/`write` (one round trip each) or receives the
driver. Driver errors are wrapped in Kiki's GraphError/GraphUnavailable.
"""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from neo4j import READ_ACCESS, Driver, GraphDatabase, RoutingControl
from neo4j import exceptions as neo4j_errors

from .errors import GraphError, GraphUnavailable

_lock = threading.Lock()
_driver: Driver | None = None
_driver_pid: int | None = None
_override: dict | None = None

UNAVAILABLE = (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired,
               neo4j_errors.AuthError, neo4j_errors.TransientError, OSError)


def connection_settings() -> dict:
    """URI and credentials: explicit settings, else the locally run server."""
    if _override:
        return dict(_override)
    if settings.NEO4J_URI:
        return {"uri": settings.NEO4J_URI, "user": settings.NEO4J_USER,
                "password": settings.NEO4J_PASSWORD or ""}
    from .server import LocalNeo4j
    local = LocalNeo4j(settings.NEO4J_HOME, settings.NEO4J_BOLT_PORT,
                       password=settings.NEO4J_PASSWORD)
    return {"uri": local.uri, "user": "neo4j", "password": local.saved_password() or ""}


def configure(uri: str, user: str, password: str) -> None:
    """Point this process at a given server (tests, benchmarks); closes any old driver."""
    global _override
    close()
    _override = {"uri": uri, "user": user, "password": password}


def get_driver() -> Driver:
    global _driver, _driver_pid
    with _lock:
        if _driver is None or _driver_pid != os.getpid():
            conn = connection_settings()
            _driver = GraphDatabase.driver(
                conn["uri"], auth=(conn["user"], conn["password"]),
                connection_timeout=settings.NEO4J_CONNECT_TIMEOUT,
                max_transaction_retry_time=settings.NEO4J_CONNECT_TIMEOUT,
                connection_acquisition_timeout=settings.NEO4J_CONNECT_TIMEOUT * 2,
                liveness_check_timeout=30,
            )
            _driver_pid = os.getpid()
        return _driver


def close() -> None:
    global _driver, _driver_pid
    with _lock:
        if _driver is not None and _driver_pid == os.getpid():
            try:
                _driver.close()
            except Exception:  # a broken connection must not stop a shutdown
                pass
        _driver = None
        _driver_pid = None


def database() -> str:
    return settings.NEO4J_DATABASE


@contextmanager
def wrapped_errors(what: str = "query"):
    try:
        yield
    except UNAVAILABLE as e:
        raise GraphUnavailable(f"Neo4j is unavailable ({type(e).__name__}): {e}") from e
    except neo4j_errors.Neo4jError as e:
        raise GraphError(f"Neo4j rejected the {what}: {e.code}: {e.message}") from e
    except neo4j_errors.DriverError as e:
        raise GraphUnavailable(f"Neo4j driver error: {e}") from e


# --- query counting (tests assert a page stays at one or two round trips) --
_counting = threading.local()


class QueryCount:
    """The queries this thread sent while a `count_queries()` block was open,
    and how long each round trip took (send to last record read), so a bench
    can compare an answer's time with the time its Cypher took."""

    def __init__(self):
        self.queries: list[str] = []
        self.seconds: list[float] = []

    @property
    def count(self) -> int:
        return len(self.queries)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds)


@contextmanager
def count_queries():
    """Count `read`/`write` round trips made by the current thread in the block.
    Thread-local, so other threads' queries (other tests, workers) never leak in."""
    counter = QueryCount()
    active = _counting.__dict__.setdefault("active", [])
    active.append(counter)
    try:
        yield counter
    finally:
        active.remove(counter)


def _count(query: str) -> None:
    for counter in getattr(_counting, "active", ()):
        counter.queries.append(query)


@contextmanager
def _timed():
    """Add the block's wall time to every open counter (only when one is open)."""
    active = getattr(_counting, "active", ())
    if not active:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        spent = time.perf_counter() - started
        for counter in active:
            counter.seconds.append(spent)


def read(query: str, **params: Any) -> list[dict]:
    """Run a read query in one round trip; returns records as dicts."""
    _count(query)
    with _timed(), wrapped_errors():
        records, _, _ = get_driver().execute_query(
            query, params, database_=database(), routing_=RoutingControl.READ)
    return [r.data() for r in records]


def read_once(query: str, **params: Any) -> list[dict]:
    """Like `read`, but one attempt (an auto-commit transaction) without the
    driver's retry loop. For interactive pages: when Neo4j is down the caller
    gets GraphUnavailable (a 503) at once instead of after
    max_transaction_retry_time of retries holding a web worker."""
    _count(query)
    with _timed(), wrapped_errors():
        with get_driver().session(database=database(), default_access_mode=READ_ACCESS) as session:
            return [r.data() for r in session.run(query, params)]


def read_tuples(query: str, **params: Any) -> list[tuple]:
    """Like `read`, but each record is a plain tuple in RETURN order, without
    the driver's per-value conversion: several times faster for large results
    of scalars and lists (the ingest merge reads whole labels this way)."""
    with wrapped_errors():
        records, _, _ = get_driver().execute_query(
            query, params, database_=database(), routing_=RoutingControl.READ)
    return [tuple(r) for r in records]


def write(query: str, **params: Any):
    """Run a write query in one round trip; returns (records, summary counters)."""
    _count(query)
    with _timed(), wrapped_errors():
        records, summary, _ = get_driver().execute_query(
            query, params, database_=database(), routing_=RoutingControl.WRITE)
    return [r.data() for r in records], summary.counters


def ping() -> bool:
    try:
        with wrapped_errors():
            get_driver().verify_connectivity()
        return True
    except GraphError:
        return False
