"""Scoped API tokens (read, sync, scim): hashed, expiring, revocable, each use
in the audit log, shown once and never in a cookie; rate limits per user and
per token answered with 429 (counters in the real test Redis); the cap on
concurrent LLM calls."""
from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import ApiToken, AuditEntry
from tests.assistant_org import org  # noqa: F401  (module-scoped fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("org")]


@pytest.fixture(autouse=True)
def offline():
    with override_settings(OPENAI_API_KEY=None, OPENAI_BASE_URL=None):
        yield


@pytest.fixture
def ana():
    return get_user_model().objects.create_user("ana", email="ana@example.com", password="not used here at all")


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def ask(client, question="who leads payments", **extra):
    return client.post("/api/ask", data=json.dumps({"question": question}), content_type="application/json", **extra)


# --- tokens -----------------------------------------------------------------
def test_a_read_token_searches_and_asks_as_its_user(anon_client, ana):
    token, raw = ApiToken.issue("script", ana, ["read"])
    assert token.token_hash != raw and raw not in token.token_hash and raw.startswith(token.prefix)
    found = anon_client.get("/api/search?q=ledger", **bearer(raw))
    assert found.status_code == 200 and found.json()["count"] >= 1
    mine = ask(anon_client, "who is my manager?", **bearer(raw))
    assert mine.status_code == 200 and "Dan Okafor" in mine.json()["answer"]  # the token's user is the asker
    uses = AuditEntry.objects.filter(action="token.use", target=f"token {token.prefix}…")
    assert uses.count() == 2 and {e.details["path"] for e in uses} == {"/api/search", "/api/ask"}
    assert all(e.actor == f"ana (token {token.prefix}…)" for e in uses)
    token.refresh_from_db()
    assert token.last_used is not None


def test_a_token_reaches_only_its_scopes(anon_client, ana, settings, redis_url, celery_app_configured):
    _, sync_raw = ApiToken.issue("scheduler", ana, ["sync"])
    denied = anon_client.get("/api/search?q=ledger", **bearer(sync_raw))
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "insufficient_scope"
    assert "Ledger" not in denied.content.decode()
    assert ask(anon_client, **bearer(sync_raw)).status_code == 403

    _, read_raw = ApiToken.issue("script", ana, ["read"])
    settings.KIKI_INGEST_SOURCES = {"people": {"connector": "csv_people", "options": {"path": "/nonexistent.csv"}}}
    assert anon_client.post("/api/sync/people", **bearer(read_raw)).status_code == 403
    started = anon_client.post("/api/sync/people", **bearer(sync_raw))
    assert started.status_code == 202 and started.json()["queued"] is True
    assert anon_client.post("/api/sync/nope", **bearer(sync_raw)).status_code == 404
    assert AuditEntry.objects.filter(action="sync.start", target="source people").count() == 1

    # SCIM takes a token with the scim scope, and no other.
    assert anon_client.get("/scim/v2/Users", **bearer(read_raw)).status_code == 401
    _, scim_raw = ApiToken.issue("okta", ana, ["scim"])
    assert anon_client.get("/scim/v2/Users", **bearer(scim_raw)).status_code == 200
    assert anon_client.get("/api/search?q=ledger", **bearer(scim_raw)).status_code == 403


def test_revoked_expired_and_unknown_tokens_are_refused(anon_client, ana):
    token, raw = ApiToken.issue("script", ana, ["read"])
    assert anon_client.get("/api/search?q=ledger", **bearer(raw)).status_code == 200
    token.revoke()
    for bad in (raw, "kiki_not-a-token", "garbage"):
        r = anon_client.get("/api/search?q=ledger", **bearer(bad))
        assert r.status_code == 401 and "Ledger" not in r.content.decode(), bad
    assert "revoked" in anon_client.get("/api/search?q=x", **bearer(raw)).json()["error"]["message"]
    old, old_raw = ApiToken.issue("old", ana, ["read"])
    ApiToken.objects.filter(pk=old.pk).update(expires=timezone.now() - timedelta(seconds=1))
    r = anon_client.get("/api/search?q=ledger", **bearer(old_raw))
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]
    ana.is_active = False
    ana.save()
    _, inactive_raw = ApiToken.issue("gone", ana, ["read"])
    assert anon_client.get("/api/search?q=ledger", **bearer(inactive_raw)).status_code == 401
    assert AuditEntry.objects.filter(action="token.refused").count() >= 3


def test_a_dead_token_is_refused_even_with_a_session(client, ana):
    token, raw = ApiToken.issue("script", ana, ["read"])
    token.revoke()
    assert client.get("/api/search?q=ledger", **bearer(raw)).status_code == 401


def test_admin_creates_a_token_shown_once_on_the_page_not_in_a_cookie(admin_client, anon_client, ana):
    r = admin_client.post("/admin/accounts/apitoken/add/", {"name": "nightly", "user": ana.pk,
                                                            "scopes": ["read", "sync"], "days": 7})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    raw = re.search(r'<code id="raw-token"[^>]*>([^<]+)</code>', r.content.decode()).group(1)
    assert all(raw not in m.value for m in r.cookies.values())
    token = ApiToken.objects.get(name="nightly")
    assert token.scopes == ["read", "sync"] and token.created_by == "admin"
    assert timedelta(days=6) < token.expires - timezone.now() <= timedelta(days=7)
    listing = admin_client.get("/admin/accounts/apitoken/").content.decode()
    assert token.prefix in listing and raw not in listing
    assert raw not in admin_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert anon_client.get("/api/search?q=ledger", **bearer(raw)).status_code == 200
    admin_client.post("/admin/accounts/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]})
    assert anon_client.get("/api/search?q=ledger", **bearer(raw)).status_code == 401
    actions = list(AuditEntry.objects.filter(target=f"token {token.prefix}…").values_list("action", flat=True))
    assert set(actions) == {"token.create", "token.use", "token.revoke", "token.refused"}


def test_management_command_creates_lists_and_revokes(anon_client, ana, capsys):
    call_command("api_token", "create", "ci", "--user", "ana", "--scope", "read", "--days", "3")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert anon_client.get("/api/search?q=ledger", **bearer(raw)).status_code == 200
    call_command("api_token", "list")
    listed = capsys.readouterr().out
    assert "ci" in listed and "active" in listed and raw not in listed
    call_command("api_token", "revoke", raw[:13])
    assert anon_client.get("/api/search?q=ledger", **bearer(raw)).status_code == 401
    with pytest.raises(ValueError):
        ApiToken.issue("bad", ana, ["admin"])


# --- rate limits ---------------------------------------------------------------
@pytest.fixture
def small_limits(redis_url):
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
              "ratelimit": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    with override_settings(CACHES=caches, KIKI_RATE_LIMITS={"ask": "3/h", "search": "4/h", "api": "50/h"}):
        from django.core.cache import caches as handler
        handler["ratelimit"].clear()
        yield


def test_the_assistant_is_rate_limited_per_user(small_limits, client, ana):
    for _ in range(3):
        assert ask(client).status_code == 200
    limited = ask(client)
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert int(limited["Retry-After"]) > 0 and "Eve Adams" not in limited.content.decode()
    other = Client()
    other.force_login(ana)
    assert ask(other).status_code == 200  # another user has their own allowance


def test_search_pages_and_api_are_rate_limited_with_a_429_page(small_limits, client):
    for path in ("/search?q=ledger", "/search/suggest?q=led", "/api/search?q=ledger", "/search?q=risk"):
        assert client.get(path).status_code == 200
    page = client.get("/search?q=ledger")
    assert page.status_code == 429 and "Slow down" in page.content.decode() and page["Retry-After"]
    assert "Ledger API" not in page.content.decode()
    api = client.get("/api/search?q=ledger")
    assert api.status_code == 429 and api.json()["error"]["code"] == "rate_limited"


def test_each_token_has_its_own_allowance(small_limits, anon_client, ana):
    _, first = ApiToken.issue("a", ana, ["read"])
    _, second = ApiToken.issue("b", ana, ["read"])
    for _ in range(3):
        assert ask(anon_client, **bearer(first)).status_code == 200
    assert ask(anon_client, **bearer(first)).status_code == 429
    assert ask(anon_client, **bearer(second)).status_code == 200


def test_an_unreachable_counter_store_does_not_take_kiki_down(client):
    from graph.server import free_port
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
              "ratelimit": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                            "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}
    with override_settings(CACHES=caches, KIKI_RATE_LIMITS={"ask": "1/h", "search": "1/h", "api": "1/h"}):
        assert client.get("/api/search?q=ledger").status_code == 200
        assert client.get("/api/search?q=ledger").status_code == 200


# --- concurrent LLM calls --------------------------------------------------------
def test_questions_beyond_the_llm_cap_are_answered_offline(client):
    from kiki.assistant import llm_slots
    with override_settings(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL="http://127.0.0.1:9/v1",
                           KIKI_LLM_MAX_CONCURRENT=1, KIKI_LLM_QUEUE_SECONDS=0.05):
        busy = llm_slots._semaphore()
        assert busy.acquire(timeout=1)
        try:
            r = ask(client)
        finally:
            busy.release()
    body = r.json()
    assert r.status_code == 200 and body["mode"] == "offline" and "Eve Adams" in body["answer"]
    from kiki.models import Message
    assert "slots are busy" in Message.objects.get(pk=body["message_id"]).plan["llm_error"]


def test_the_llm_cap_holds_under_concurrency():
    from kiki.assistant import llm_slots
    from kiki.assistant.llm import LLMUnavailable

    running, peak, lock = [0], [0], threading.Lock()
    release = threading.Event()

    def fake_run():
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(2)
        with lock:
            running[0] -= 1
        yield ("done", None)

    outcomes = []

    def worker():
        try:
            outcomes.append(list(llm_slots.limited(fake_run())))
        except LLMUnavailable:
            outcomes.append("busy")

    with override_settings(KIKI_LLM_MAX_CONCURRENT=2, KIKI_LLM_QUEUE_SECONDS=0.2):
        threads = [threading.Thread(target=worker) for _ in range(5)]
        for t in threads:
            t.start()
        threading.Timer(0.6, release.set).start()
        for t in threads:
            t.join(5)
    assert peak[0] == 2 and outcomes.count("busy") == 3


_HOLDER = """
import os, sys, time
import django
django.setup()
from kiki.assistant import llm_slots

def run():
    print("held", flush=True)
    time.sleep(60)   # killed long before
    yield ("done", None)

for _ in llm_slots.limited(run()):
    pass
"""


def test_the_llm_cap_is_shared_by_processes_and_a_dead_holder_frees_its_slot(client, redis_url, tmp_path):
    """Another process holding the only slot (in Redis) sends this one's
    question to the offline engine; once that process dies, its lease runs
    out and the slot is free again."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from kiki.assistant import llm_slots

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kiki.settings", "KIKI_LLM_SLOTS_STORE": "redis",
           "KIKI_LLM_SLOTS_URL": redis_url, "KIKI_LLM_MAX_CONCURRENT": "1", "KIKI_LLM_SLOT_LEASE_SECONDS": "1.5"}
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER], env=env, cwd=Path(__file__).resolve().parent.parent,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with override_settings(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL="http://127.0.0.1:9/v1",
                               KIKI_LLM_SLOTS_STORE="redis", KIKI_LLM_SLOTS_URL=redis_url,
                               KIKI_LLM_MAX_CONCURRENT=1, KIKI_LLM_QUEUE_SECONDS=0.1,
                               KIKI_LLM_SLOT_LEASE_SECONDS=1.5):
            assert llm_slots.busy_slots() == 1
            body = ask(client).json()
            assert body["mode"] == "offline" and "Eve Adams" in body["answer"]
            from kiki.models import Message
            assert "slots are busy" in Message.objects.get(pk=body["message_id"]).plan["llm_error"]

            holder.kill()   # dies holding its slot: nothing releases it
            holder.wait(10)
            assert llm_slots.busy_slots() == 1
            time.sleep(1.6)
            assert llm_slots.busy_slots() == 0
            taken = list(llm_slots.limited(iter([("done", None)])))   # a slot is free again
            assert taken == [("done", None)] and llm_slots.busy_slots() == 0
    finally:
        holder.kill()
