"""The Slack app factory: one bolt `App` per process, built from settings and
shared by the HTTP endpoint (/slack/events) and Socket Mode."""
from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)

_lock = threading.Lock()
_app: App | None = None


def retry_handlers() -> list:
    # 429s are honoured with their Retry-After; one retry for a dropped connection.
    return [RateLimitErrorRetryHandler(max_retry_count=2), ConnectionErrorRetryHandler(max_retry_count=1)]


def api_url() -> str:
    url = settings.SLACK_API_URL
    return url if url.endswith("/") else url + "/"


def web_client() -> WebClient:
    """A Web API client for the single workspace's bot token."""
    if not settings.SLACK_BOT_TOKEN:
        raise ImproperlyConfigured("SLACK_BOT_TOKEN must be set to talk to Slack")
    return WebClient(token=settings.SLACK_BOT_TOKEN, base_url=api_url(), timeout=15,
                     retry_handlers=retry_handlers())


def webhook_client(response_url: str) -> WebhookClient:
    """A client for a slash command's or button's response_url."""
    return WebhookClient(response_url, timeout=15, retry_handlers=retry_handlers())


def build_app(client: WebClient | None = None, socket_mode: bool = False) -> App:
    """A bolt App with Kiki's listeners. Raises ImproperlyConfigured naming the
    missing variable (the signing secret is not needed in Socket Mode, where
    Slack authenticates the websocket instead). `process_before_response` is on because every listener
    only acks and enqueues (a few ms), so the HTTP response can wait for it;
    that keeps listener errors visible (500) instead of lost in a thread."""
    if not settings.SLACK_SIGNING_SECRET and not socket_mode:
        raise ImproperlyConfigured("SLACK_SIGNING_SECRET must be set to receive Slack requests")
    app = App(
        name="kiki",
        signing_secret=settings.SLACK_SIGNING_SECRET,
        request_verification_enabled=not socket_mode,
        client=client or web_client(),
        # No auth.test at construction: the app is built in web and worker
        # processes at import-free moments; bolt calls auth.test on the first
        # request instead and caches the bot's own ids.
        token_verification_enabled=False,
        process_before_response=True,
        logger=logging.getLogger("slackbot.bolt"),
    )
    from .handlers import register

    register(app)
    return app


def get_app() -> App:
    """The process-wide App, built on first use."""
    global _app
    with _lock:
        if _app is None:
            _app = build_app()
        return _app


def reset_app() -> None:
    """Forget the cached App (tests change settings between cases)."""
    global _app
    with _lock:
        _app = None
