"""Slack's Web API and response_url clients, pointed at SLACK_API_URL and
with Kiki's retry policy. Its own module so that answering (in the worker)
needs neither the bolt app nor its listeners."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient


def retry_handlers() -> list:
    # 429s are honoured with their Retry-After; one retry for a dropped connection.
    return [RateLimitErrorRetryHandler(max_retry_count=2), ConnectionErrorRetryHandler(max_retry_count=1)]


def api_url() -> str:
    url = settings.SLACK_API_URL
    return url if url.endswith("/") else url + "/"


def oauth_enabled() -> bool:
    """Installed into workspaces through Slack's OAuth flow (SLACK_CLIENT_ID and
    SLACK_CLIENT_SECRET), rather than one workspace's SLACK_BOT_TOKEN."""
    return bool(settings.SLACK_CLIENT_ID and settings.SLACK_CLIENT_SECRET)


def bot_client(token: str | None) -> WebClient:
    return WebClient(token=token, base_url=api_url(), timeout=15, retry_handlers=retry_handlers())


def web_client(team: str | None = None, enterprise: str | None = None) -> WebClient:
    """A Web API client with the bot token of the workspace `team` (from its
    OAuth installation), or the single workspace's SLACK_BOT_TOKEN."""
    if oauth_enabled():
        from .installations import DjangoInstallationStore

        bot = DjangoInstallationStore().find_bot(enterprise_id=enterprise, team_id=team)
        if bot is not None:
            return bot_client(bot.bot_token)
        if not settings.SLACK_BOT_TOKEN:
            raise ImproperlyConfigured(f"Kiki is not installed in Slack workspace {team or enterprise or '(none)'}: "
                                       "install it from /slack/install")
    if not settings.SLACK_BOT_TOKEN:
        raise ImproperlyConfigured("SLACK_BOT_TOKEN must be set to talk to Slack")
    return bot_client(settings.SLACK_BOT_TOKEN)


def webhook_client(response_url: str) -> WebhookClient:
    """A client for a slash command's or button's response_url."""
    return WebhookClient(response_url, timeout=15, retry_handlers=retry_handlers())
