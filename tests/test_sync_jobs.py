"""The sync jobs against real Neo4j, Redis and a real Celery worker: a task run
is recorded as a SyncRun with rejected records; a failing source changes
nothing and says why; the per-source lock prevents overlap; a worker killed
mid-sync leaves a graph that a re-run completes to exactly what an
uninterrupted run produces; the management command previews and syncs."""
import base64
import csv
import hashlib
import io
import json
import time

import pytest
import redis
from django.core.management import call_command

from graph import driver, schema
from ingest import runs
from ingest.models import SyncRun

CSV_CLASS = "ingest.connectors.csv_people.CSVPeopleConnector"
TIMESTAMPS = {"created_at", "updated_at", "first_seen", "last_seen"}


def write_people_csv(path, n, bad_rows=0, teams=20, departments=5):
    """n people in teams/departments with a management chain; bad_rows with
    an unreadable email each."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["employee_id", "name", "email", "title", "manager_id", "team", "department"])
        for i in range(n):
            w.writerow([f"E{i:05d}", f"Person {i:05d}", f"p{i:05d}@example.com", f"Engineer {i % 4}",
                        f"E{i // 10:05d}" if i else "", f"Team {i % teams:02d}", f"Dept {i % teams % departments}"])
        for j in range(bad_rows):
            w.writerow([f"X{j}", f"Broken {j}", "not-an-email", "", "", "Team 00", "Dept 0"])
    return path


def sources(**paths):
    return {name: {"class": CSV_CLASS, "options": {"path": str(p)}} for name, p in paths.items()}


def graph_hash() -> str:
    """Nodes, properties (timestamps excluded) and edges, canonically ordered."""
    def canon(props):
        return json.dumps({k: v for k, v in props.items() if k not in TIMESTAMPS}, sort_keys=True, default=str)
    nodes = sorted(json.dumps([sorted(r["labels"]), canon(r["props"])]) for r in
                   driver.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"))
    edges = sorted(json.dumps([r["t"], sorted(r["la"]), r["a"], sorted(r["lb"]), r["b"], canon(r["props"])])
                   for r in driver.read("MATCH (a)-[r]->(b) RETURN type(r) AS t, labels(a) AS la, a.key AS a, "
                                        "labels(b) AS lb, b.key AS b, properties(r) AS props"))
    return hashlib.sha256("\n".join(nodes + ["--"] + edges).encode()).hexdigest()


def count(query):
    return driver.read(query)[0]["n"]


@pytest.fixture
def in_process(settings, redis_url):
    """Settings for syncs run in this process (lock on the test Redis)."""
    settings.REDIS_URL = redis_url
    settings.KIKI_SYNC_QUEUE_EMBEDDINGS = False
    settings.KIKI_SYNC_LOCK_TTL = 10
    return settings


@pytest.fixture
def worker_env(monkeypatch, tmp_path):
    """Environment the Celery worker subprocess reads its ingest settings from
    (must be requested before `celery_worker_process`)."""
    hr = write_people_csv(tmp_path / "hr.csv", 50, bad_rows=1)
    big = write_people_csv(tmp_path / "big.csv", 3000)
    cfg = sources(hr=hr, big=big)
    monkeypatch.setenv("KIKI_INGEST_SOURCES", json.dumps(cfg))
    monkeypatch.setenv("KIKI_INGEST_CHUNK", "100")
    monkeypatch.setenv("KIKI_SYNC_LOCK_TTL", "8")
    monkeypatch.setenv("KIKI_SYNC_QUEUE_EMBEDDINGS", "0")
    return cfg


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_sync_and_records_it(worker_env, clean_graph, celery_worker_process):
    from ingest.tasks import run_sync

    result = run_sync.delay("hr").get(timeout=120)
    assert result["status"] == "succeeded", result
    run = SyncRun.objects.get(pk=result["run_id"])
    # 50 people + 20 teams + 5 departments; the bad row is rejected with its line.
    assert (run.status, run.created, run.rejected, run.dry_run) == ("succeeded", 75, 1, False)
    assert run.finished and run.task_id
    rejected = run.rejected_records.get()
    assert rejected.source_id == "hr.csv:52" and "email" in rejected.reason
    assert count("MATCH (p:Person) RETURN count(p) AS n") == 50
    assert count("MATCH (:Person)-[r:REPORTS_TO]->(:Person) RETURN count(r) AS n") == 49

    again = run_sync.delay("hr").get(timeout=120)
    run2 = SyncRun.objects.get(pk=again["run_id"])
    assert (run2.created, run2.updated, run2.unchanged) == (0, 0, 75)
    assert not any(run2.counters.values())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killed_worker_then_rerun_matches_an_uninterrupted_run(worker_env, clean_graph, celery_worker_process,
                                                               in_process):
    from ingest.tasks import run_sync

    run_sync.delay("big")
    deadline = time.monotonic() + 120
    while count("MATCH (p:Person) RETURN count(p) AS n") == 0:
        assert time.monotonic() < deadline, celery_worker_process.log_path.read_text()[-2000:]
        time.sleep(0.02)
    celery_worker_process.kill()  # SIGKILL right after the first chunk landed
    celery_worker_process.wait(10)
    people = count("MATCH (p:Person) RETURN count(p) AS n")
    edges = count("MATCH ()-[r]->() RETURN count(r) AS n")
    assert people < 3000 or edges < 3000 + 2999, "the sync finished before the kill; nothing was tested"

    in_process.KIKI_INGEST_SOURCES = worker_env
    # The killed worker's lock expires by its TTL; until then the source is busy.
    r = redis.Redis.from_url(in_process.REDIS_URL)
    while r.exists(runs.lock_name("big")):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    rerun = runs.execute("big")
    assert rerun.status == "succeeded" and rerun.created > 0
    interrupted = SyncRun.objects.exclude(pk=rerun.pk).get(source="big")
    assert interrupted.status == "failed" and "interrupted" in interrupted.error
    resumed = graph_hash()
    assert count("MATCH (p:Person) RETURN count(p) AS n") == 3000

    schema.wipe()
    fresh = runs.execute("big")
    assert fresh.created == 3000 + 20 + 5
    assert graph_hash() == resumed


@pytest.mark.django_db(transaction=True)
def test_unreachable_source_fails_the_run_and_changes_nothing(clean_graph, in_process, tmp_path):
    in_process.KIKI_INGEST_SOURCES = sources(hr=write_people_csv(tmp_path / "hr.csv", 5),
                                             gone=tmp_path / "missing.csv")
    runs.execute("hr")
    before = graph_hash()
    with pytest.raises(Exception) as err:
        runs.execute("gone")
    assert runs.is_transient(err.value)
    run = SyncRun.objects.get(source="gone")
    assert run.status == "failed" and "missing.csv" in run.error and run.finished
    assert graph_hash() == before


@pytest.mark.django_db(transaction=True)
def test_lock_prevents_two_syncs_of_one_source(clean_graph, in_process, tmp_path):
    in_process.KIKI_INGEST_SOURCES = sources(hr=write_people_csv(tmp_path / "hr.csv", 5))
    with runs.source_lock("hr"):
        run = runs.execute("hr")  # as if a second worker started while the first holds the lock
        assert run.status == "skipped" and "another sync" in run.error
        assert count("MATCH (n) RETURN count(n) AS n") == 0
    assert runs.execute("hr").status == "succeeded"
    assert count("MATCH (p:Person) RETURN count(p) AS n") == 5


@pytest.mark.django_db(transaction=True)
def test_changed_entities_queue_embeddings_after_commit(clean_graph, in_process, tmp_path, celery_app_configured,
                                                        redis_url):
    in_process.KIKI_INGEST_SOURCES = sources(hr=write_people_csv(tmp_path / "hr.csv", 3))
    in_process.KIKI_SYNC_QUEUE_EMBEDDINGS = True
    r = redis.Redis.from_url(redis_url)
    r.delete("celery")
    runs.execute("hr")
    messages = [json.loads(m) for m in r.lrange("celery", 0, -1)]
    tasks = [m["headers"]["task"] for m in messages]
    assert tasks == ["kiki.embed_entities"]
    args = json.loads(base64.b64decode(messages[0]["body"]))[0]
    assert sorted(args[0]) == sorted(r["k"] for r in driver.read("MATCH (n:Entity) RETURN n.key AS k"))
    r.delete("celery")
    runs.execute("hr")  # nothing changed: nothing queued
    assert r.llen("celery") == 0


@pytest.mark.django_db(transaction=True)
def test_sync_command_previews_then_syncs(clean_graph, in_process, tmp_path):
    in_process.KIKI_INGEST_SOURCES = sources(hr=write_people_csv(tmp_path / "hr.csv", 12, bad_rows=1))
    out, err = io.StringIO(), io.StringIO()
    call_command("sync", "hr", "--dry-run", stdout=out, stderr=err)
    assert "(dry run)" in out.getvalue() and "would be: 29 created" in out.getvalue()
    assert "rejected hr.csv:14" in out.getvalue()
    assert "nodes" in err.getvalue() or "reading hr" in err.getvalue()
    assert count("MATCH (n) RETURN count(n) AS n") == 0
    out = io.StringIO()
    call_command("sync", "hr", stdout=out, stderr=io.StringIO())
    assert "were: 29 created" in out.getvalue()
    assert count("MATCH (p:Person) RETURN count(p) AS n") == 12


@pytest.mark.django_db(transaction=True)
def test_transient_failure_retries_and_permanent_failure_does_not(clean_graph, in_process, tmp_path):
    from celery.signals import task_retry

    from ingest.tasks import MAX_RETRIES, run_sync

    in_process.KIKI_INGEST_SOURCES = sources(gone=tmp_path / "missing.csv")
    retried = []

    def on_retry(sender=None, reason=None, **kwargs):
        retried.append(reason)
    task_retry.connect(on_retry, weak=False)
    try:
        # Eagerly applied, Celery runs each retry inline instead of after its countdown.
        result = run_sync.apply(args=["gone"])
    finally:
        task_retry.disconnect(on_retry)
    assert len(retried) == MAX_RETRIES and all("missing.csv" in str(r) for r in retried)
    assert result.state == "SUCCESS" and result.result["status"] == "failed"
    attempts = SyncRun.objects.filter(source="gone")
    assert attempts.count() == MAX_RETRIES + 1 and {r.status for r in attempts} == {"failed"}
    # A configuration error will not fix itself: recorded, returned, not retried.
    result = run_sync.apply(args=["nosuch"])
    assert result.state == "SUCCESS" and result.result["status"] == "failed"
    assert "unknown ingest source 'nosuch'" in SyncRun.objects.get(source="nosuch").error


@pytest.mark.django_db(transaction=True)
def test_admin_dashboard_lists_runs_and_previews(clean_graph, in_process, tmp_path, client, django_user_model):
    in_process.KIKI_INGEST_SOURCES = sources(hr=write_people_csv(tmp_path / "hr.csv", 4, bad_rows=1))
    runs.execute("hr")
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    page = client.get("/admin/ingest/syncrun/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Preview hr" in html and "succeeded" in html.lower()
    response = client.post("/admin/ingest/syncrun/preview/hr/")
    assert response.status_code == 302
    preview = SyncRun.objects.filter(dry_run=True).get()
    assert (preview.created, preview.unchanged, preview.rejected) == (0, 4 + 4 + 4, 1)
    detail = client.get(response["Location"]).content.decode()
    assert "hr.csv:6" in detail and "email" in detail
    assert count("MATCH (n) RETURN count(n) AS n") == 12
