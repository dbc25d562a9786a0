"""Celery tasks for Kiki in Slack: thin wrappers taking ids, safe to run twice."""
from __future__ import annotations

from celery import shared_task

from . import answering


@shared_task(name="slackbot.tasks.answer_in_slack", ignore_result=True)
def answer_in_slack(request_id: str) -> str:
    """Answer the queued Slack question `request_id` (stored in Redis by the listener)."""
    return answering.answer(request_id)


@shared_task(name="slackbot.tasks.rate_in_slack", ignore_result=True)
def rate_in_slack(message_id: str, score: int, slack_user: str, response_url: str | None = None,
                  team: str | None = None, enterprise: str | None = None) -> str:
    return answering.rate(message_id, score, slack_user, response_url, team=team, enterprise=enterprise)


@shared_task(name="slackbot.tasks.publish_home", ignore_result=True)
def publish_home(slack_user: str, team: str | None = None, enterprise: str | None = None) -> None:
    answering.publish_home(slack_user, team=team, enterprise=enterprise)
