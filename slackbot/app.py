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


def oauth_enabled() -> bool:
    """Installed into workspaces through Slack's OAuth flow (SLACK_CLIENT_ID and
    SLACK_CLIENT_SECRET), rather than one workspace's SLACK_BOT_TOKEN."""
    return bool(settings.SLACK_CLIENT_ID and settings.SLACK_CLIENT_SECRET)


def _client(token: str | None) -> WebClient:
    return WebClient(token=token, base_url=api_url(), timeout=15, retry_handlers=retry_handlers())


def web_client(team: str | None = None, enterprise: str | None = None) -> WebClient:
    """A Web API client with the bot token of the workspace `team` (from its
    OAuth installation), or the single workspace's SLACK_BOT_TOKEN."""
    if oauth_enabled():
        from .installations import DjangoInstallationStore

        bot = DjangoInstallationStore().find_bot(enterprise_id=enterprise, team_id=team)
        if bot is not None:
            return _client(bot.bot_token)
        if not settings.SLACK_BOT_TOKEN:
            raise ImproperlyConfigured(f"Kiki is not installed in Slack workspace {team or enterprise or '(none)'}: "
                                       "install it from /slack/install")
    if not settings.SLACK_BOT_TOKEN:
        raise ImproperlyConfigured("SLACK_BOT_TOKEN must be set to talk to Slack")
    return _client(settings.SLACK_BOT_TOKEN)


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
    oauth = {}
    if oauth_enabled() and not socket_mode:
        # Each request's token comes from the installation of the workspace it is from.
        oauth = {"oauth_settings": oauth_settings()}
        client = client or _client(None)
    app = App(
        name="kiki",
        signing_secret=settings.SLACK_SIGNING_SECRET,
        request_verification_enabled=not socket_mode,
        client=client or web_client(),
        **oauth,
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


def oauth_settings():
    from slack_bolt.oauth.oauth_settings import OAuthSettings

    from .installations import DjangoInstallationStore, DjangoOAuthStateStore

    return OAuthSettings(
        client_id=settings.SLACK_CLIENT_ID, client_secret=settings.SLACK_CLIENT_SECRET,
        scopes=settings.SLACK_SCOPES, installation_store=DjangoInstallationStore(),
        state_store=DjangoOAuthStateStore(), install_path="/slack/install",
        install_page_rendering_enabled=False,  # /slack/install goes straight to Slack's consent page
        redirect_uri_path="/slack/oauth_redirect",
        redirect_uri=settings.KIKI_BASE_URL.rstrip("/") + "/slack/oauth_redirect",
        authorization_url=settings.SLACK_AUTHORIZE_URL,
        success_url=settings.KIKI_BASE_URL.rstrip("/") + "/ask")


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
