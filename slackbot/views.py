"""The one HTTP endpoint Slack calls: Events API, slash commands and
interactivity, all through bolt's Django adapter (which verifies the
signature and the 5-minute timestamp window before any listener runs)."""
from __future__ import annotations

import threading

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from slack_bolt.adapter.django import SlackRequestHandler

from .app import get_app, oauth_enabled

_lock = threading.Lock()
_handler: tuple | None = None


def _request_handler() -> SlackRequestHandler:
    global _handler
    app = get_app()
    with _lock:
        if _handler is None or _handler[0] is not app:
            _handler = (app, SlackRequestHandler(app))
        return _handler[1]


@csrf_exempt
@require_POST
def slack_events(request: HttpRequest) -> HttpResponse:
    return _request_handler().handle(request)


@require_GET
def slack_oauth(request: HttpRequest) -> HttpResponse:
    """/slack/install (a link to Slack's consent page) and /slack/oauth_redirect
    (Slack sends the admin back with a code; bolt exchanges it and stores the
    workspace's installation). Only when OAuth installation is configured."""
    if not oauth_enabled():
        raise Http404("Slack installation is not configured (SLACK_CLIENT_ID / SLACK_CLIENT_SECRET)")
    return _request_handler().handle(request)
