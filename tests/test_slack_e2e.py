"""End to end: a signed Slack event posted to /slack/events is acknowledged
at once, queued in the real Redis, answered by a real Celery worker process
(which talks to the real Neo4j and to the local Slack stand-in), and a retry
of the same delivery never produces a second answer."""
from __future__ import annotations

import json
import time

import pytest

from graph import driver, schema
from ingest.merge import sync
from slackbot import state
from slackbot.app import reset_app
from tests.slack_standin import SlackStandIn
from tests.test_slack import (BASE, SECRET, SLACK_USERS, TOKEN, all_text, blocks_of, mention, org_batch,
                              post, send_event)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def e2e_org(neo4j):
    schema.wipe()
    assert not sync(org_batch(), full=False).rejected_records
    driver.read("CALL db.awaitIndexes(30)")


@pytest.fixture
def standin():
    server = SlackStandIn(TOKEN, SLACK_USERS).start()
    yield server
    server.stop()


@pytest.fixture
def slack_env(monkeypatch, settings, standin, redis_url):
    """The same Slack settings here and, through the environment (which the
    settings module reads), in the worker subprocess started after this."""
    values = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
              "SLACK_API_URL": standin.api_url, "KIKI_BASE_URL": BASE}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
        setattr(settings, name, value)
    settings.REDIS_URL = redis_url
    r = state.client()
    for key in r.scan_iter(state.PREFIX + "*"):
        r.delete(key)
    reset_app()
    yield standin
    reset_app()


@pytest.fixture
def worker(e2e_org, slack_env, celery_worker_process):
    # slack_env comes first so the worker inherits the Slack environment.
    return celery_worker_process


def test_event_is_acked_fast_and_answered_once_by_a_real_worker(client, slack_env, worker):
    standin = slack_env
    # Warm-up: the first request of a process imports the whole URLconf
    # (seconds, other apps' heavy imports); Slack's 3 s limit is about the steady state.
    assert post(client, json.dumps({"type": "url_verification", "challenge": "c", "token": "t"}),
                "application/json").status_code == 200
    event = mention("who leads the Payments team?", user="U0CHEN")
    started = time.monotonic()
    resp = send_event(client, event, event_id="Ev0E2E1")
    ack_seconds = time.monotonic() - started
    assert resp.status_code == 200
    assert ack_seconds < 1.0, ack_seconds           # the answer is not computed in the request
    # Slack retries before the worker has answered: still one answer
    retry = send_event(client, event, event_id="Ev0E2E1", headers={"X-Slack-Retry-Num": "1",
                                                                   "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status_code == 200

    updates = standin.wait_for(lambda: standin.calls_to("chat.update"), timeout=120)
    assert updates, "no answer posted; worker log:\n" + worker.log_path.read_text()[-3000:]
    [placeholder] = standin.calls_to("chat.postMessage")
    assert placeholder["thread_ts"] == event["ts"]
    text = all_text(blocks_of(updates[0]))
    assert "Ana Costa" in text and f"<{BASE}/person/ana-costa|" in text
    assert "Written by Kiki, an AI assistant" in text
    assert any(b["type"] == "actions" for b in blocks_of(updates[0]))

    # a late redelivery after the answer: still nothing new
    send_event(client, event, event_id="Ev0E2E1", headers={"X-Slack-Retry-Num": "2"})
    time.sleep(2)
    assert len(standin.calls_to("chat.update")) == 1
    assert len(standin.calls_to("chat.postMessage")) == 1
    assert "succeeded" in worker.log_path.read_text()
