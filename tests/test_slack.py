"""Kiki in Slack: signed requests in Slack's real formats posted to
/slack/events through Django's test client; the Celery tasks run eagerly
here (tests/test_slack_e2e.py runs a real worker); outgoing Web API calls go
to a local Slack stand-in (tests/slack_standin.py). Real Neo4j and Redis."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command

from graph import driver, schema
from graph.model import Batch, Edge, Entity
from ingest.merge import sync
from slackbot import blocks, state
from slackbot.app import build_app, reset_app
from tests.slack_standin import BOT_USER, TEAM, SlackStandIn

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
BASE = "https://kiki.example.test"

pytestmark = pytest.mark.django_db


# --- the org -------------------------------------------------------------
def org_batch() -> Batch:
    P = lambda key, name, **props: Entity("Person", key, name, props={"status": "active", **props})  # noqa: E731
    return Batch("slack-test", [
        Entity("Department", "engineering", "Engineering", summary="All engineering teams",
               props={"slack_channel": "engineering"}),
        Entity("Team", "payments", "Payments", summary="Card payments and billing",
               props={"slack_channel": "payments-team"}),
        Entity("Team", "risk-data", "Risk Data", summary="Risk datasets and scoring"),
        Entity("System", "billing-api", "Billing API", summary="Issues invoices and charges cards",
               props={"kind": "API"}),
        Entity("System", "risk-engine", "Risk Engine", summary="Scores transactions for fraud risk",
               props={"kind": "Component"}),
        P("ana-costa", "Ana Costa", title="Engineering Manager", email="ana@acme.test", slack_id="U0ANA"),
        P("bo-lindqvist", "Bo Lindqvist", title="Data Lead", email="Bo@Acme.test"),
        P("chen-wu", "Chen Wu", title="Engineer", email="chen@acme.test", slack_id="U0CHEN"),
    ], [
        Edge("PART_OF", "Team", "payments", "Department", "engineering"),
        Edge("PART_OF", "Team", "risk-data", "Department", "engineering"),
        Edge("MEMBER_OF", "Person", "ana-costa", "Team", "payments"),
        Edge("MEMBER_OF", "Person", "chen-wu", "Team", "payments"),
        Edge("MEMBER_OF", "Person", "bo-lindqvist", "Team", "risk-data"),
        Edge("LEADS", "Person", "ana-costa", "Team", "payments"),
        Edge("LEADS", "Person", "bo-lindqvist", "Team", "risk-data"),
        Edge("REPORTS_TO", "Person", "chen-wu", "Person", "ana-costa"),
        Edge("OWNS", "Team", "payments", "System", "billing-api"),
        Edge("OWNS", "Team", "risk-data", "System", "risk-engine"),
        Edge("DEPENDS_ON", "System", "billing-api", "System", "risk-engine"),
    ])


SLACK_USERS = {"U0ANA": "ana@acme.test", "U0BO": "bo@acme.test", "U0CHEN": "chen@acme.test",
               "U0NOBODY": "nobody@elsewhere.test", "U0NOEMAIL": ""}


@pytest.fixture(scope="module")
def org(neo4j):
    schema.wipe()
    result = sync(org_batch(), full=False)
    assert not result.rejected_records, result.rejected_records
    driver.read("CALL db.awaitIndexes(30)")
    return result


@pytest.fixture(scope="module")
def standin():
    server = SlackStandIn(TOKEN, SLACK_USERS).start()
    yield server
    server.stop()


@pytest.fixture
def slack(settings, org, standin, redis_url, celery_app_configured):
    """Settings pointing Kiki at the stand-in and the test Redis; tasks eager."""
    settings.SLACK_BOT_TOKEN = TOKEN
    settings.SLACK_SIGNING_SECRET = SECRET
    settings.SLACK_API_URL = standin.api_url
    settings.REDIS_URL = redis_url
    settings.KIKI_BASE_URL = BASE
    r = state.client()
    for key in r.scan_iter(state.PREFIX + "*"):
        r.delete(key)
    standin.reset()
    reset_app()
    celery_app_configured.conf.task_always_eager = True
    yield standin
    celery_app_configured.conf.task_always_eager = False
    reset_app()


# --- signed requests in Slack's formats ------------------------------------
def sign(body: str, ts: str, secret: str = SECRET) -> str:
    return "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()


def post(client, body: str, content_type: str, *, ts: int | None = None, secret: str = SECRET,
         signature: str | None = None, headers: dict | None = None):
    stamp = str(int(time.time()) if ts is None else ts)
    return client.post("/slack/events", data=body, content_type=content_type, headers={
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature or sign(body, stamp, secret),
        **(headers or {})})


_n = [0]


def event_body(event: dict, event_id: str | None = None) -> str:
    _n[0] += 1
    team = event.get("team", TEAM)
    return json.dumps({
        "token": "legacy", "team_id": team, "api_app_id": "A0KIKI", "event": event,
        "type": "event_callback", "event_id": event_id or f"Ev{time.time_ns()}{_n[0]}",
        "event_time": int(time.time()), "event_context": "4-eyJldCI6ImFwcF9tZW50aW9uIn0",
        "authorizations": [{"enterprise_id": None, "team_id": team, "user_id": BOT_USER,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False})


def new_ts() -> str:
    _n[0] += 1
    return f"{int(time.time())}.{_n[0]:06d}"


def mention(text: str, user: str = "U0ANA", channel: str = "C0GENERAL", ts: str | None = None,
            thread_ts: str | None = None, team: str = TEAM, bot_user: str = BOT_USER) -> dict:
    ev = {"type": "app_mention", "user": user, "text": f"<@{bot_user}> {text}", "ts": ts or new_ts(),
          "channel": channel, "event_ts": ts, "team": team,
          "blocks": [{"type": "rich_text", "block_id": "b1", "elements": []}]}
    if thread_ts:
        ev["thread_ts"] = thread_ts
    return ev


def message(text: str, user: str = "U0ANA", channel: str = "C0GENERAL", channel_type: str = "channel",
            ts: str | None = None, thread_ts: str | None = None, **extra) -> dict:
    ev = {"type": "message", "user": user, "text": text, "ts": ts or new_ts(), "channel": channel,
          "channel_type": channel_type, "team": TEAM, **extra}
    if thread_ts:
        ev["thread_ts"] = thread_ts
    return ev


def send_event(client, event: dict, event_id: str | None = None, headers: dict | None = None):
    return post(client, event_body(event, event_id), "application/json", headers=headers)


def answers(standin: SlackStandIn) -> list[dict]:
    """Final answers: chat.update of the placeholder (plus any extra messages)."""
    return standin.calls_to("chat.update")


def all_text(blocks_: list[dict]) -> str:
    out = []
    for b in blocks_:
        if "text" in b:
            out.append(b["text"]["text"])
        for el in b.get("elements", []):
            t = el.get("text")
            out.append(t["text"] if isinstance(t, dict) else str(t or ""))
    return "\n".join(out)


def blocks_of(call: dict) -> list[dict]:
    b = call.get("blocks")
    return json.loads(b) if isinstance(b, str) else b


# --- request verification ----------------------------------------------------
def test_url_verification_challenge(client, slack):
    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    resp = post(client, body, "application/json")
    assert resp.status_code == 200
    assert json.loads(resp.content)["challenge"].startswith("3eZbrw1aBm2")


def test_bad_signature_is_rejected_and_does_nothing(client, slack):
    event = mention("who leads Payments?")
    body = event_body(event)
    resp = post(client, body, "application/json", secret="not-the-secret")
    assert resp.status_code == 401
    resp = post(client, body, "application/json", signature="v0=" + "0" * 64)
    assert resp.status_code == 401
    # a body changed after signing
    stamp = str(int(time.time()))
    resp = client.post("/slack/events", data=body.replace("Payments", "Risk"), content_type="application/json",
                       headers={"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": sign(body, stamp)})
    assert resp.status_code == 401
    assert slack.calls == []
    assert state.load_request(f"{event['channel']}-{event['ts']}") is None


def test_stale_timestamp_is_rejected(client, slack):
    event = mention("who leads Payments?")
    resp = post(client, event_body(event), "application/json", ts=int(time.time()) - 6 * 60)
    assert resp.status_code == 401
    assert slack.calls == []
    assert state.load_request(f"{event['channel']}-{event['ts']}") is None


# --- answering ---------------------------------------------------------------
def test_mention_is_answered_in_thread_with_blocks(client, slack):
    event = mention("who leads the Payments team?")
    started = time.monotonic()
    resp = send_event(client, event)
    assert resp.status_code == 200
    placeholder = slack.calls_to("chat.postMessage")
    assert len(placeholder) == 1
    assert placeholder[0]["thread_ts"] == event["ts"] and placeholder[0]["channel"] == "C0GENERAL"
    assert "looking that up" in placeholder[0]["text"].lower()
    [update] = answers(slack)
    assert update["channel"] == "C0GENERAL"
    blks = blocks_of(update)
    text = all_text(blks)
    assert "Ana Costa" in text
    assert f"<{BASE}/person/ana-costa|" in text           # absolute wiki links
    assert "Written by Kiki, an AI assistant" in text and "offline mode" in text
    # The reading, as a quiet context line under the answer.
    readings = [b for b in blks if b["type"] == "context" and "I read this as:" in all_text([b])]
    assert len(readings) == 1 and "the lead of Payments" in all_text(readings)
    [rating] = [b for b in blks if b["type"] == "actions"]
    values = {el["action_id"]: el["value"] for el in rating["elements"]}
    assert set(values) == {blocks.RATE_UP, blocks.RATE_DOWN} and len(set(values.values())) == 1
    assert update["text"]                                   # notification fallback
    info = state.thread_info("C0GENERAL", event["ts"])
    assert info["conversation"] and "Payments" in info["topic"]
    assert time.monotonic() - started < 30


def test_retries_and_duplicate_event_ids_answer_once(client, slack):
    event = mention("who leads the Payments team?")
    assert send_event(client, event, event_id="Ev0DUP1").status_code == 200
    # Slack's retry of the same delivery, and the same event id sent again
    assert send_event(client, event, event_id="Ev0DUP1",
                      headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}).status_code == 200
    assert send_event(client, event, event_id="Ev0DUP1").status_code == 200
    # the message event Slack also sends for the same post (another event id)
    dup = message(event["text"], ts=event["ts"], thread_ts=event["ts"])
    assert send_event(client, dup, event_id="Ev0DUP2").status_code == 200
    assert len(answers(slack)) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize("extra", [
    {"subtype": "bot_message", "bot_id": "B0OTHER", "user": None},
    {"bot_id": "B0OTHER", "user": "U0OTHERBOT"},
    {"user": BOT_USER, "bot_id": "B0KIKI"},             # Kiki's own message
    {"user": BOT_USER},                                  # Kiki's own user id without bot_id
    {"subtype": "message_changed"},
])
def test_bot_and_system_messages_are_ignored(client, slack, extra):
    ev = message("who leads the Payments team?", channel="D0ANA", channel_type="im")
    ev.update(extra)
    if ev.get("user") is None:
        ev.pop("user")
    assert send_event(client, ev).status_code == 200
    if "bot_id" in extra or extra.get("user") == BOT_USER:
        # the same sender mentioning Kiki (bots can trigger app_mention too)
        ment = mention("who leads the Payments team?")
        ment.update({k: v for k, v in extra.items() if k != "subtype"})
        if ment.get("user") is None:
            ment.pop("user")
        assert send_event(client, ment).status_code == 200
    assert [m for m, _ in slack.calls if m != "auth.test"] == []


def test_direct_message_is_answered(client, slack):
    ev = message("who leads the Payments team?", user="U0CHEN", channel="D0CHEN", channel_type="im")
    assert send_event(client, ev).status_code == 200
    [update] = answers(slack)
    assert update["channel"] == "D0CHEN" and "Ana Costa" in all_text(blocks_of(update))


def test_thread_followups_continue_the_conversation(client, slack):
    root = mention("who leads the Payments team?")
    send_event(client, root)
    first = state.thread_info("C0GENERAL", root["ts"])["conversation"]
    assert first
    # a reply in Kiki's thread, without a mention
    reply = message("and who reports to her?", thread_ts=root["ts"])
    assert send_event(client, reply).status_code == 200
    assert len(answers(slack)) == 2
    posted = slack.calls_to("chat.postMessage")
    assert [p["thread_ts"] for p in posted] == [root["ts"], root["ts"]]
    assert state.thread_info("C0GENERAL", root["ts"])["conversation"] == first
    # a reply in a thread Kiki never answered in is left alone
    other = message("who leads the Payments team?", thread_ts=new_ts())
    send_event(client, other)
    assert len(answers(slack)) == 2


def test_human_handoff_names_the_owning_team_channel_and_lead(client, slack):
    ev = mention("can I talk to a person about the Billing API?")
    send_event(client, ev)
    [update] = answers(slack)
    text = all_text(blocks_of(update))
    assert f"<{BASE}/team/payments|Payments>" in text
    assert "#payments-team" in text and "<@U0ANA>" in text
    assert "Billing API" in text
    assert not [b for b in blocks_of(update) if b["type"] == "actions"]    # no AI answer to rate


def test_handoff_in_a_thread_uses_the_conversation_topic(client, slack):
    root = mention("what does the Risk Engine depend on and who owns it?")
    send_event(client, root)
    reply = message("human please", user="U0ANA", thread_ts=root["ts"])
    send_event(client, reply)
    assert len(answers(slack)) == 2
    text = all_text(blocks_of(answers(slack)[1]))
    assert f"<{BASE}/team/risk-data|Risk Data>" in text
    # Risk Data has no channel of its own: its department's channel is offered
    assert "#engineering" in text
    # Bo has no slack_id in the graph: found through users.lookupByEmail
    assert "<@U0BO>" in text
    assert [c["email"] for c in slack.calls_to("users.lookupByEmail")] == ["Bo@Acme.test"]


def test_handoff_without_a_topic_asks_what_it_is_about(client, slack):
    send_event(client, message("agent", user="U0CHEN", channel="D0CHEN", channel_type="im"))
    [update] = answers(slack)
    assert "couldn't tell which team owns" in all_text(blocks_of(update))


def test_unknown_user_gets_an_answer_and_is_told_why(client, slack):
    send_event(client, mention("who is in my team?", user="U0NOBODY"))
    [update] = answers(slack)
    text = all_text(blocks_of(update))
    assert "don't know who you are in the wiki" in text
    assert "email aren't linked to a person" in text
    assert [c["user"] for c in slack.calls_to("users.info")] == ["U0NOBODY"]
    # the negative answer is cached: a second question does not ask Slack again
    send_event(client, mention("who is in my team?", user="U0NOBODY"))
    assert len(slack.calls_to("users.info")) == 1 and len(answers(slack)) == 2


def test_known_user_my_team_is_resolved(client, slack):
    send_event(client, mention("who is in my team?", user="U0CHEN"))
    [update] = answers(slack)
    text = all_text(blocks_of(update))
    assert "don't know who you are" not in text
    assert "Ana Costa" in text and "Payments" in text
    assert slack.calls_to("users.info") == []          # found by slack_id in the graph


def test_identity_falls_back_to_email_and_is_cached(slack):
    from slackbot import identity
    from slackbot.clients import web_client

    asker = identity.resolve("U0BO", web_client())
    assert (asker.key, asker.name) == ("bo-lindqvist", "Bo Lindqvist")    # email matched case-insensitively
    assert identity.resolve("U0BO", web_client()).key == "bo-lindqvist"
    assert len(slack.calls_to("users.info")) == 1
    unknown = identity.resolve("U0NOEMAIL", web_client())
    assert unknown.key is None and "no email" in unknown.why_unknown


def test_slash_command_acks_then_answers_via_response_url(client, slack):
    body = urlencode({
        "token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": "C0GENERAL",
        "channel_name": "general", "user_id": "U0CHEN", "user_name": "chen", "command": "/kiki",
        "text": "who leads the Payments team?", "api_app_id": "A0KIKI", "is_enterprise_install": "false",
        "response_url": slack.hook_url("cmd1"), "trigger_id": "13345224609.738474920.8088930838d88f008e0"})
    resp = post(client, body, "application/x-www-form-urlencoded")
    assert resp.status_code == 200
    assert "Looking that up" in resp.content.decode()
    [hook] = slack.hook_posts("cmd1")
    assert hook["response_type"] == "ephemeral"
    assert "Ana Costa" in all_text(hook["blocks"])
    assert slack.calls_to("chat.postMessage") == []


def test_slash_command_with_a_bad_signature_is_rejected(client, slack):
    body = urlencode({"team_id": TEAM, "channel_id": "C0GENERAL", "user_id": "U0CHEN", "command": "/kiki",
                      "text": "who leads Payments?", "response_url": slack.hook_url("cmd3"), "trigger_id": "9.9.9"})
    resp = post(client, body, "application/x-www-form-urlencoded", secret="wrong")
    assert resp.status_code == 401
    assert slack.hook_posts() == [] and slack.calls == []


def test_slash_command_without_text_shows_help(client, slack):
    body = urlencode({"team_id": TEAM, "channel_id": "C0GENERAL", "user_id": "U0CHEN", "command": "/kiki",
                      "text": "", "response_url": slack.hook_url("cmd2"), "trigger_id": "1.2.3"})
    resp = post(client, body, "application/x-www-form-urlencoded")
    assert resp.status_code == 200 and "/kiki who owns" in resp.content.decode()
    assert slack.hook_posts() == []


def _click(client, slack, action_id: str, value: str, hook: str):
    payload = {
        "type": "block_actions", "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": "U0CHEN", "username": "chen", "team_id": TEAM}, "api_app_id": "A0KIKI",
        "token": "legacy", "trigger_id": "2.3.4", "container": {"type": "message", "message_ts": "1.2",
                                                                 "channel_id": "C0GENERAL", "is_ephemeral": False},
        "channel": {"id": "C0GENERAL", "name": "general"},
        "message": {"type": "message", "ts": "1.2", "bot_id": "B0KIKI", "text": "answer"},
        "response_url": slack.hook_url(hook),
        "actions": [{"action_id": action_id, "block_id": "kiki_rating", "value": value, "type": "button",
                     "action_ts": str(time.time()), "text": {"type": "plain_text", "text": "x"}}],
    }
    return post(client, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def test_rating_buttons_store_the_rating(client, slack):
    send_event(client, mention("who leads the Payments team?"))
    [rating] = [b for b in blocks_of(answers(slack)[0]) if b["type"] == "actions"]
    message_id = rating["elements"][0]["value"]
    resp = _click(client, slack, blocks.RATE_UP, message_id, "rate1")
    assert resp.status_code == 200
    [thanks] = slack.hook_posts("rate1")
    assert "recorded your 👍" in thanks["text"] and thanks["response_type"] == "ephemeral"
    from kiki.models import Rating

    [stored] = Rating.objects.filter(message_id=message_id)
    # stored with the asker's person key and with the thread's conversation
    assert (stored.score, stored.user) == (1, "chen-wu")
    [thread_key] = [k for k in state.client().scan_iter(state.PREFIX + "thread:*")]
    assert str(stored.message.conversation_id) == state.client().hget(thread_key, "conversation")
    # changing one's mind replaces the rating
    from feedback.models import Review
    assert not Review.objects.exists()      # a 👍 queues nothing
    _click(client, slack, blocks.RATE_DOWN, message_id, "rate1b")
    assert [r.score for r in Rating.objects.filter(message_id=message_id)] == [-1]
    # the 👎 lands in the admin review queue with the question and the answer
    [review] = Review.objects.all()
    assert (str(review.message_id), review.question, review.channel, review.status) == \
        (message_id, "who leads the Payments team?", "slack", Review.PENDING)
    assert review.answer == stored.message.answer and review.plan == stored.message.plan
    # an id the assistant never issued is refused, politely
    _click(client, slack, blocks.RATE_DOWN, "no-such-message", "rate2")
    assert "can no longer be rated" in slack.hook_posts("rate2")[0]["text"]


def test_app_home_opened_publishes_the_home_tab(client, slack):
    ev = {"type": "app_home_opened", "user": "U0ANA", "channel": "D0ANA", "tab": "home",
          "event_ts": str(time.time())}
    assert send_event(client, ev, event_id="Ev0HOME1").status_code == 200
    assert send_event(client, ev, event_id="Ev0HOME1", headers={"X-Slack-Retry-Num": "1"}).status_code == 200
    [publish] = slack.calls_to("views.publish")          # the retry published nothing
    assert publish["user_id"] == "U0ANA"
    view = publish["view"] if isinstance(publish["view"], dict) else json.loads(publish["view"])
    text = all_text(view["blocks"])
    assert view["type"] == "home" and "Hi Ana Costa" in text
    assert all(example in text for example in blocks.EXAMPLES)


def test_home_tab_for_an_unknown_user_explains_personalisation(client, slack):
    ev = {"type": "app_home_opened", "user": "U0NOBODY", "channel": "D0NOBODY", "tab": "home",
          "event_ts": str(time.time())}
    send_event(client, ev)
    [publish] = slack.calls_to("views.publish")
    view = publish["view"] if isinstance(publish["view"], dict) else json.loads(publish["view"])
    text = all_text(view["blocks"])
    assert "Hi " not in text and "couldn't match your Slack account" in text


def test_rate_limited_post_is_retried_after_retry_after(client, slack):
    slack.rate_limit_once("chat.update", retry_after=1)
    started = time.monotonic()
    send_event(client, mention("who leads the Payments team?"))
    updates = answers(slack)
    assert len(updates) == 2                   # the 429, then the retry
    assert "Ana Costa" in all_text(blocks_of(updates[1]))
    assert time.monotonic() - started >= 1.0


def test_errors_while_answering_post_an_apology_with_a_reference(client, slack, neo4j_server, caplog):
    driver.configure("bolt://127.0.0.1:9", "neo4j", "x")        # nothing listens on port 9
    try:
        with caplog.at_level(logging.ERROR, logger="slackbot.answering"):
            assert send_event(client, mention("who leads the Payments team?", user="U0ANA")).status_code == 200
    finally:
        driver.configure(neo4j_server["uri"], neo4j_server["user"], neo4j_server["password"])
    [update] = answers(slack)
    text = all_text(blocks_of(update))
    assert "Sorry, something went wrong" in text and "knowledge graph is unavailable" in text
    reference = text.split("reference: `")[1].split("`")[0]
    [record] = [r for r in caplog.records if reference in r.getMessage()]
    assert record.exc_info and "GraphUnavailable" in repr(record.exc_info[1])


def test_socket_mode_dispatches_to_the_same_listeners(slack):
    from slack_bolt.adapter.socket_mode.internals import run_bolt_app
    from slack_sdk.socket_mode.request import SocketModeRequest

    app = build_app(socket_mode=True)
    ev = mention("who leads the Payments team?")
    req = SocketModeRequest(type="events_api", envelope_id="env-1", payload=json.loads(event_body(ev)))
    resp = run_bolt_app(app, req)
    assert resp.status == 200
    [update] = answers(slack)
    assert "Ana Costa" in all_text(blocks_of(update))


def test_socket_mode_command_needs_an_app_token(settings, slack):
    settings.SLACK_APP_TOKEN = None
    with pytest.raises(CommandError, match="SLACK_APP_TOKEN"):
        call_command("slack_socket")


# --- installing into several workspaces (OAuth) ---------------------------------
CLIENT_ID, CLIENT_SECRET = "1111.2222", "oauth-client-secret"


@pytest.fixture
def oauth(settings, slack):
    """OAuth installation on, and no single-workspace token: every token comes from an installation."""
    settings.SLACK_CLIENT_ID, settings.SLACK_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.SLACK_BOT_TOKEN = None
    settings.SLACK_AUTHORIZE_URL = slack.url + "/oauth/v2/authorize"
    slack.oauth_client = (CLIENT_ID, CLIENT_SECRET)
    slack.add_install_code("code-beta", "T0BETA", "Beta Corp", "xoxb-beta-token", "U0KIKIB")
    reset_app()
    yield slack
    reset_app()


def _install(client, code: str = "code-beta", state: str | None = None):
    from urllib.parse import parse_qs, urlparse

    start = client.get("/slack/install")
    assert start.status_code == 302
    consent = urlparse(start["Location"])
    query = parse_qs(consent.query)
    return consent, query, client.get("/slack/oauth_redirect",
                                             {"code": code, "state": state or query["state"][0]})


def test_oauth_install_stores_the_workspace_and_answers_there_with_its_token(client, oauth):
    from slackbot.models import SlackInstallation

    consent, query, done = _install(client)
    assert f"{consent.scheme}://{consent.netloc}{consent.path}" == oauth.url + "/oauth/v2/authorize"
    assert query["client_id"] == [CLIENT_ID] and "chat:write" in query["scope"][0].split(",")
    assert query["redirect_uri"] == [f"{BASE}/slack/oauth_redirect"]
    assert done.status_code in (200, 302), done.content
    row = SlackInstallation.objects.get(team_id="T0BETA")
    assert (row.team_name, row.bot_token, row.bot_user_id) == ("Beta Corp", "xoxb-beta-token", "U0KIKIB")

    # Admins see the workspace, never its token.
    from django.contrib.auth.models import User
    client.force_login(User.objects.create_superuser("slack-admin", "a@example.test", "pw"))
    page = client.get("/admin/slackbot/slackinstallation/")
    assert page.status_code == 200 and b"Beta Corp" in page.content and b"xoxb-beta-token" not in page.content
    detail = client.get(f"/admin/slackbot/slackinstallation/{row.pk}/change/")
    assert detail.status_code == 200 and b"xoxb-beta-token" not in detail.content
    client.logout()

    # A mention in the new workspace is answered with that workspace's bot token.
    event = mention("who leads the Payments team?", team="T0BETA", bot_user="U0KIKIB", channel="C0BETA")
    assert send_event(client, event).status_code == 200
    [update] = answers(oauth)
    assert update["channel"] == "C0BETA" and "Ana Costa" in all_text(blocks_of(update))
    posting = [t for m, t in oauth.tokens_used if m in ("chat.postMessage", "chat.update")]
    assert posting and set(posting) == {"xoxb-beta-token"}

    # A workspace nobody installed Kiki in gets nothing posted.
    before = len(oauth.calls)
    send_event(client, mention("who leads the Payments team?", team="T0NOWHERE", channel="C0X"))
    assert not [c for c in oauth.calls[before:] if c[0].startswith("chat.")]


def test_oauth_redirect_with_a_forged_state_or_bad_code_installs_nothing(client, oauth):
    from slackbot.models import SlackInstallation

    *_, forged = _install(client, state="not-the-issued-state")
    assert forged.status_code >= 400
    *_, bad_code = _install(client, code="code-nobody-issued")
    assert bad_code.status_code >= 400
    assert not SlackInstallation.objects.exists()


def test_install_pages_are_absent_without_oauth_settings(client, slack):
    assert client.get("/slack/install").status_code == 404
    assert client.get("/slack/oauth_redirect", {"code": "x", "state": "y"}).status_code == 404


def test_installation_store_keeps_one_row_per_workspace():
    from slack_sdk.oauth.installation_store import Bot

    from slackbot.installations import DjangoInstallationStore
    from slackbot.models import SlackInstallation

    store = DjangoInstallationStore()
    assert store.find_bot(enterprise_id=None, team_id="T0NEW") is None
    store.save_bot(Bot(team_id="T0NEW", team_name="New", bot_token="xoxb-1", bot_id="B1", bot_user_id="U1",
                       installed_at=time.time()))
    store.save_bot(Bot(team_id="T0NEW", team_name="New", bot_token="xoxb-2", bot_id="B1", bot_user_id="U1",
                       installed_at=time.time()))     # a rotated token replaces the old one
    assert store.find_bot(enterprise_id=None, team_id="T0NEW").bot_token == "xoxb-2"
    assert SlackInstallation.objects.filter(team_id="T0NEW").count() == 1
    store.delete_installation(enterprise_id=None, team_id="T0NEW")
    assert store.find_bot(enterprise_id=None, team_id="T0NEW") is None
