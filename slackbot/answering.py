"""Answering a queued Slack question: identify the asker, hand off to humans
or ask the assistant, render Block Kit and post it (placeholder message
updated in the thread, or the slash command's response_url). Runs in the
Celery worker; safe to run twice for the same request."""
from __future__ import annotations

import logging
import re
import uuid

from slack_sdk import WebClient

from kiki.errors import GraphUnavailable, KikiError

from . import blocks, handoff, identity, state
from .clients import web_client, webhook_client

log = logging.getLogger(__name__)

_FIRST_PERSON = re.compile(r"\b(my|our|mine|me|i|we|us)\b", re.I)


def clean_text(text: str, bot_user: str | None = None) -> str:
    """The question without the bot mention, with Slack's <...> tokens made readable."""
    if bot_user:
        text = text.replace(f"<@{bot_user}>", " ")
    text = re.sub(r"<#[A-Z0-9]+\|([^>]*)>", r"#\1", text)        # channels
    text = re.sub(r"<(?:https?|mailto):[^|>]+\|([^>]*)>", r"\1", text)  # labelled links
    text = re.sub(r"<((?:https?|mailto):[^>]+)>", r"\1", text)
    text = re.sub(r"<!(?:here|channel|everyone)>", " ", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text).strip()


class Poster:
    """Where a request's replies go: the thread (a placeholder message that is
    updated with the answer) or a slash command's response_url."""

    def __init__(self, client: WebClient, req: dict):
        self.client = client
        self.req = req
        self.placeholder_ts: str | None = None

    @property
    def thread_ts(self) -> str | None:
        return self.req.get("thread_ts") or self.req.get("ts")

    def thinking(self) -> None:
        if self.req.get("response_url"):
            return  # the slash command's ack already said "looking that up"
        resp = self.client.chat_postMessage(channel=self.req["channel"], thread_ts=self.thread_ts,
                                            text="Kiki is looking that up…", blocks=blocks.thinking_blocks())
        self.placeholder_ts = resp.get("ts")

    def finish(self, messages: list[list[dict]], text: str) -> None:
        if self.req.get("response_url"):
            hook = webhook_client(self.req["response_url"])
            for i, message in enumerate(messages):
                resp = hook.send(text=text, blocks=message, response_type="ephemeral", replace_original=i == 0)
                if resp.status_code >= 300:
                    raise KikiError(f"Slack's response_url answered {resp.status_code}: {resp.body[:200]}",
                                    code="slack_response_url")
            return
        rest = messages
        if self.placeholder_ts:
            self.client.chat_update(channel=self.req["channel"], ts=self.placeholder_ts,
                                    text=text, blocks=messages[0])
            rest = messages[1:]
        for message in rest:
            self.client.chat_postMessage(channel=self.req["channel"], thread_ts=self.thread_ts,
                                         text=text, blocks=message)


def answer(request_id: str, client: WebClient | None = None) -> str:
    """Answer the stored request `request_id` once. Returns what happened
    ("answered", "handoff", "error", "stale", "duplicate"); errors are
    logged with a reference id that the user also gets in an apology."""
    req = state.load_request(request_id)
    if req is None:
        log.warning("slack request %s expired before it was answered", request_id)
        return "stale"
    # Claimed before posting anything: a redelivered task must never produce
    # a second answer (a lost answer after a worker crash is the lesser evil).
    if not state.claim("answered:" + request_id):
        return "duplicate"
    client = client or web_client(req.get("team"), req.get("enterprise"))
    poster = Poster(client, req)
    try:
        poster.thinking()
        return _answer(req, client, poster)
    except Exception as e:
        reference = uuid.uuid4().hex[:10]
        log.exception("answering slack request %s failed (ref %s)", request_id, reference)
        reason = "The knowledge graph is unavailable right now." if isinstance(e, GraphUnavailable) else ""
        try:
            poster.finish([blocks.apology_blocks(reference, reason)],
                          f"Sorry, something went wrong (reference {reference}).")
        except Exception:
            log.exception("could not post the apology for slack request %s (ref %s)", request_id, reference)
        return "error"


def _answer(req: dict, client: WebClient, poster: Poster) -> str:
    from kiki.assistant import ask

    text = clean_text(req.get("text") or "", req.get("bot_user"))
    channel, thread_ts = req.get("channel"), poster.thread_ts
    in_thread = not req.get("response_url")
    thread = state.thread_info(channel, thread_ts) if in_thread else None

    if handoff.wants_human(text):
        topic = handoff.topic_of(text) or handoff.topic_of((thread or {}).get("topic", ""))
        owners = handoff.owners_for(topic, client, team=req.get("team"))
        poster.finish([blocks.handoff_blocks(topic, owners)],
                      "Here are the people to talk to." if owners else "I couldn't find the owners.")
        if in_thread:
            state.remember_thread(channel, thread_ts, (thread or {}).get("conversation", ""),
                                  (thread or {}).get("topic") or text)
        return "handoff"

    asker = identity.resolve(req["user"], client, req.get("team"))
    result = ask(text, asker=asker.key, conversation=(thread or {}).get("conversation") or None, channel="slack")
    notes = []
    if asker.key is None and _FIRST_PERSON.search(text):
        notes.append(f"I don't know who you are in the wiki ({asker.why_unknown}), "
                     "so “my team” or “my department” could not be resolved for you.")
    poster.finish(blocks.answer_messages(result, notes), blocks.fallback_text(result.get("answer") or ""))
    if in_thread:
        state.remember_thread(channel, thread_ts, result.get("conversation") or "", text)
    return "answered"


def rate(message_id: str, score: int, slack_user: str, response_url: str | None,
         client: WebClient | None = None, team: str | None = None, enterprise: str | None = None) -> str:
    """Store a 👍/👎 click with the conversation and thank the user (ephemeral)."""
    from kiki.assistant import rate as assistant_rate
    from kiki.errors import InvalidInput

    client = client or web_client(team, enterprise)
    try:
        asker = identity.resolve(slack_user, client, team)
        assistant_rate(message_id, score, user=asker.key or f"slack:{slack_user}")
        outcome, reply = "rated", ("Thanks! I recorded your 👍." if score > 0
                                   else "Thanks, I recorded your 👎; it helps us improve the answers.")
    except InvalidInput as e:
        log.info("rating %s rejected: %s", message_id, e)
        outcome, reply = "rejected", "Sorry, that answer can no longer be rated."
    except Exception:
        reference = uuid.uuid4().hex[:10]
        log.exception("storing the rating of %s failed (ref %s)", message_id, reference)
        outcome, reply = "error", f"Sorry, I couldn't record your rating (reference {reference})."
    if response_url:
        webhook_client(response_url).send(text=reply, response_type="ephemeral", replace_original=False)
    return outcome


def publish_home(slack_user: str, client: WebClient | None = None, team: str | None = None,
                 enterprise: str | None = None) -> None:
    """Publish the App Home tab; a graph outage only loses the greeting by name."""
    client = client or web_client(team, enterprise)
    try:
        name, known = identity.resolve(slack_user, client, team).name, True
    except GraphUnavailable:
        log.warning("graph unavailable; publishing the home tab of %s without a name", slack_user)
        name, known = None, False
    client.views_publish(user_id=slack_user, view=blocks.home_view(name, unknown_note=known))
