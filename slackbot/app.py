"""The Slack app factory: one bolt `App` per process, built from settings and
shared by the HTTP endpoint (/slack/events) and Socket Mode. The Web API and
response_url clients are built in slackbot/clients.py."""
from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from slack_bolt import App
from slack_sdk import WebClient

from .clients import bot_client, oauth_enabled, web_client

log = logging.getLogger(__name__)

_lock = threading.Lock()
_app: App | None = None


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
        client = client or bot_client(None)
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
