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


@pytest.fixture(scope="session", autouse=True)
def no_background_embedding():
    """Writes in tests do not queue `embed_entities` unless a test turns
    KIKI_SYNC_QUEUE_EMBEDDINGS on to check exactly that (with a real Redis)."""
    from django.conf import settings
    settings.KIKI_SYNC_QUEUE_EMBEDDINGS = False


@pytest.fixture(scope="session", autouse=True)
def roomy_rate_limits():
    """Rate limits that ordinary tests never reach, counted in memory;
    tests/test_tokens_and_limits.py sets small ones on the real Redis."""
    from django.conf import settings
    settings.KIKI_RATE_LIMITS = {group: "100000/m" for group in settings.KIKI_RATE_LIMITS}
    settings.CACHES["ratelimit"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                    "LOCATION": "ratelimit-tests"}
    settings.KIKI_LLM_SLOTS_STORE = "memory"   # the cross-process cap is tested on a real Redis


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


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory):
    """A file-backed SQLite test database (not in-memory), so that a real
    Celery worker process started by a test can open the same database."""
    from django.conf import settings

    path = tmp_path_factory.mktemp("djangodb") / "test.sqlite3"
    # Update in place: Django has already filled TEST's other keys (MIRROR, ...).
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(scope="session")
def celery_app_configured(redis_url):
    """Point this process's Celery app at the test Redis."""
    from kiki.celery import app

    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    return app


@pytest.fixture
def celery_worker_process(neo4j_server, redis_url, celery_app_configured, django_db_setup, tmp_path):
    """A real `celery worker` subprocess on the test Redis, Neo4j and SQLite DB.
    Tests that use it need @pytest.mark.django_db(transaction=True) so the
    worker sees committed rows. Yields the Popen; killed after the test."""
    from django.conf import settings

    env = dict(os.environ,
               DJANGO_SETTINGS_MODULE="kiki.settings",
               NEO4J_URI=neo4j_server["uri"], NEO4J_USER=neo4j_server["user"],
               NEO4J_PASSWORD=neo4j_server["password"],
               REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url, CELERY_RESULT_BACKEND=redis_url,
               KIKI_SQLITE_PATH=settings.DATABASES["default"]["NAME"],
               KIKI_CELERY_EAGER="0")
    log = open(tmp_path / "celery-worker.log", "wb")
    proc = subprocess.Popen(
        ["celery", "-A", "kiki", "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test{os.getpid()}@%h"],
        cwd=str(Path(__file__).resolve().parent.parent), env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        replies = celery_app_configured.control.ping(timeout=0.5)
        if replies:
            break
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail("celery worker did not start:\n" + (tmp_path / "celery-worker.log").read_text()[-3000:])
    proc.log_path = tmp_path / "celery-worker.log"
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)
    log.close()


# --- Signed-in clients ---------------------------------------------------
# Every route needs a signed-in user (kiki/login_required.py), so the `client`
# fixture most tests use is signed in as an ordinary user with no groups and
# no Person page. Tests about anonymous access use `anon_client`.
READER_USERNAME = "reader"


@pytest.fixture
def reader_user(django_user_model, db):
    user, _ = django_user_model.objects.get_or_create(username=READER_USERNAME,
                                                       defaults={"email": "reader@example.test"})
    return user


@pytest.fixture
def client(reader_user):
    from django.test import Client

    c = Client()
    c.force_login(reader_user)
    return c


@pytest.fixture
def anon_client():
    from django.test import Client

    return Client()


BROWSER_PASSWORD = "a browser test passphrase"


@pytest.fixture
def browser_user(transactional_db):
    """A user for browser tests (their live server needs committed rows).
    Playwright's sync API runs an event loop in the test thread, so the
    module's browser fixture must set DJANGO_ALLOW_ASYNC_UNSAFE while it runs
    (for this fixture and for the database flush after each test)."""
    from django.contrib.auth import get_user_model
    return get_user_model().objects.create_user("browser", email="browser@example.test",
                                                password=BROWSER_PASSWORD)


def sign_in(page, site: str, user, password: str = BROWSER_PASSWORD) -> None:
    """Sign in through Kiki's real sign-in page."""
    page.goto(site + "/login")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(site + "/")
