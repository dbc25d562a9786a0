"""Kiki's Slack listeners. Each one acknowledges at once and queues the work
(`slackbot.tasks`) with an id; nothing here calls Slack, the graph or the LLM,
so the acknowledgement stays in milliseconds in HTTP and Socket Mode alike."""
from __future__ import annotations

import logging
import re

from slack_bolt import App, BoltResponse

from . import blocks, state

log = logging.getLogger(__name__)

# Message subtypes that are still a person talking to Kiki; every other
# subtype (bot_message, message_changed, channel_join, ...) is ignored.
_HUMAN_SUBTYPES = {None, "file_share", "thread_broadcast"}


def register(app: App) -> None:
    app.use(skip_duplicate_deliveries)
    app.event("app_mention")(on_mention)
    app.event("message")(on_message)
    app.event("app_home_opened")(on_home_opened)
    app.command("/kiki")(on_command)
    app.action(re.compile(f"^({blocks.RATE_UP}|{blocks.RATE_DOWN})$"))(on_rating)


# Events whose listeners may queue a question claim their event_id together
# with the question (state.admit_question: one Redis round trip on the hot path).
_CLAIMED_BY_LISTENER = {"app_mention", "message"}


def skip_duplicate_deliveries(body, next, logger, request):
    """Slack redelivers an event (X-Slack-Retry-Num) when our 200 was slow or
    lost, and may send the same event_id twice; only the first one counts."""
    event_id = body.get("event_id") if isinstance(body, dict) else None
    if event_id and (body.get("event") or {}).get("type") in _CLAIMED_BY_LISTENER:
        next()
        return
    if event_id and not state.claim("event:" + event_id):
        retry = request.headers.get("x-slack-retry-num", [None])[0]
        logger.info("skipping duplicate delivery of %s (retry %s)", event_id, retry)
        return BoltResponse(status=200, body="")
    next()


def _is_from_bot(event: dict, bot_user: str | None) -> bool:
    return bool(event.get("bot_id") or event.get("subtype") == "bot_message"
                or (bot_user and event.get("user") == bot_user) or not event.get("user"))


def _queue_question(event: dict, body: dict, context, source: str) -> None:
    from .tasks import answer_in_slack

    # One request per Slack message (channel + ts): an app_mention and the
    # message event for the same post, or two deliveries, queue it only once.
    request_id = f"{event['channel']}-{event['ts']}"
    payload = {"source": source, "channel": event["channel"], "user": event["user"],
               "text": event.get("text") or "", "ts": event["ts"], "thread_ts": event.get("thread_ts"),
               "bot_user": context.bot_user_id, "team": context.team_id, "enterprise": context.enterprise_id}
    if state.admit_question(body.get("event_id"), request_id, payload):
        _enqueue(answer_in_slack, body.get("event_id"), request_id)


def _enqueue(task, event_id: str | None, request_id: str) -> None:
    try:
        task.delay(request_id)
    except Exception:
        state.release_question(event_id, request_id)
        raise  # bolt answers 500, so Slack delivers the event again


def on_mention(ack, event, body, context):
    ack()
    if _is_from_bot(event, context.bot_user_id):
        return
    _queue_question(event, body, context, "mention")


def on_message(ack, event, body, context):
    """Direct messages, and replies in threads Kiki already answered in."""
    ack()
    if event.get("subtype") not in _HUMAN_SUBTYPES or _is_from_bot(event, context.bot_user_id):
        return
    if event.get("channel_type") == "im":
        _queue_question(event, body, context, "dm")
        return
    thread_ts = event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts"):
        return
    if context.bot_user_id and f"<@{context.bot_user_id}>" in (event.get("text") or ""):
        return  # the app_mention event for this message answers it
    if state.is_kiki_thread(event["channel"], thread_ts):
        _queue_question(event, body, context, "thread")


def on_command(ack, command, context):
    from .tasks import answer_in_slack

    text = (command.get("text") or "").strip()
    if not text or text.lower() in ("help", "?"):
        ack(text=blocks.HELP_TEXT)
        return
    ack(text=":eyes: Looking that up…")
    # trigger_id is unique per invocation: the id of this request.
    request_id = "cmd-" + command["trigger_id"]
    payload = {"source": "command", "channel": command.get("channel_id"), "user": command["user_id"],
               "text": text, "ts": None, "thread_ts": None, "response_url": command["response_url"],
               "bot_user": context.bot_user_id, "team": command.get("team_id"),
               "enterprise": context.enterprise_id}
    if state.admit_question(None, request_id, payload):
        _enqueue(answer_in_slack, None, request_id)


def on_rating(ack, body, action, context):
    from .tasks import rate_in_slack

    ack()
    score = 1 if action["action_id"] == blocks.RATE_UP else -1
    rate_in_slack.delay(action["value"], score, body["user"]["id"], body.get("response_url"),
                        team=context.team_id, enterprise=context.enterprise_id)


def on_home_opened(ack, event, context):
    from .tasks import publish_home

    ack()
    if event.get("tab", "home") == "home":
        publish_home.delay(event["user"], team=context.team_id, enterprise=context.enterprise_id)
