"""The one HTTP endpoint Slack calls: Events API, slash commands and
interactivity, all through bolt's Django adapter (which verifies the
signature and the 5-minute timestamp window before any listener runs)."""
from __future__ import annotations

import threading

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from slack_bolt.adapter.django import SlackRequestHandler

from .app import get_app

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
