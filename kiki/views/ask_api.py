"""The assistant's HTTP API and page: GET /ask, POST /api/ask, POST /api/ask/stream (server-sent
events) and POST /api/answers/<message_id>/rating. Thin views: parse JSON,
call kiki.assistant, map InvalidInput to a 400 naming the bad field.
An unreachable graph becomes a 503 in wiki.middleware (for /api/ask) or an
`error` event (for a stream that has already started)."""
from __future__ import annotations

import json
import logging

from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from kiki import assistant
from kiki.access import viewer_for
from kiki.assistant import linking
from kiki.errors import GraphUnavailable, InvalidInput, KikiError

from .methods import json_methods

log = logging.getLogger(__name__)

# Which request field an InvalidInput code is about.
_FIELDS = {"missing_question": "question", "question_too_long": "question",
           "unknown_conversation": "conversation", "bad_channel": "channel",
           "bad_score": "score", "unknown_message": "message_id"}


def _error(field: str, message: str, code: str = "invalid_input", status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "field": field, "message": message}}, status=status)


def _body(request) -> dict | JsonResponse:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return _error("body", "the request body must be a JSON object", "invalid_json")
    if not isinstance(data, dict):
        return _error("body", "the request body must be a JSON object", "invalid_json")
    return data


def _user_person(request) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return linking.person_for_user(user.get_username(), getattr(user, "email", "") or None)


def _asker(request, data: dict) -> str | None:
    """Who is asking: the signed-in user's Person page (username = key, or same
    email), else a Person key the client sends (scripts, the Slack bridge).
    Access rules will tighten this; today the whole graph is readable by all."""
    asker = data.get("asker")
    if asker is not None and not isinstance(asker, str):
        raise InvalidInput("asker must be a Person key", code="bad_asker")
    return _user_person(request) or (asker or "").strip() or None


def _ask_args(request) -> dict | JsonResponse:
    data = _body(request)
    if isinstance(data, JsonResponse):
        return data
    question = data.get("question")
    if not isinstance(question, str) or not question.strip():
        return _error("question", "question is required and must be non-empty text")
    conversation = data.get("conversation")
    if conversation is not None and not isinstance(conversation, str):
        return _error("conversation", "conversation must be a conversation id string")
    try:
        asker = _asker(request, data)
    except InvalidInput as e:
        return _error("asker", e.message, e.code)
    channel = data.get("channel") or "web"
    if not isinstance(channel, str) or len(channel) > 40:
        return _error("channel", "channel must be a short text")
    return {"question": question, "asker": asker, "conversation": conversation or None, "channel": channel}


def _invalid(e: InvalidInput) -> JsonResponse:
    return _error(_FIELDS.get(e.code, "body"), e.message, e.code)


@csrf_exempt
@json_methods("POST")
def ask_view(request):
    args = _ask_args(request)
    if isinstance(args, JsonResponse):
        return args
    try:
        return JsonResponse(assistant.ask(**args, viewer=viewer_for(request)))
    except InvalidInput as e:
        return _invalid(e)


def _sse(event: dict) -> bytes:
    return f"data: {json.dumps(event)}\n\n".encode()


@csrf_exempt
@json_methods("POST")
def ask_stream_view(request):
    args = _ask_args(request)
    if isinstance(args, JsonResponse):
        return args
    events = assistant.ask_stream(**args, viewer=viewer_for(request))
    # Run up to the first event here, so a bad conversation id or an unreachable
    # graph still gets a proper 400/503 status instead of a broken stream.
    try:
        first = next(events)
    except InvalidInput as e:
        return _invalid(e)
    except StopIteration:
        return _error("question", "no answer was produced", "assistant_error", 500)

    def stream():
        yield _sse(first)
        try:
            for event in events:
                yield _sse(event)
        except GraphUnavailable:
            yield _sse({"type": "error", "code": "graph_unavailable",
                        "message": "The knowledge graph is temporarily unavailable."})
        except KikiError as e:
            log.exception("assistant failed mid-stream")
            yield _sse({"type": "error", "code": e.code, "message": e.message})

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@csrf_exempt
@json_methods("POST")
def rating_view(request, message_id: str):
    data = _body(request)
    if isinstance(data, JsonResponse):
        return data
    score = data.get("score")
    if isinstance(score, bool) or score not in (1, -1):
        return _error("score", "score must be 1 or -1")
    comment = data.get("comment") or ""
    if not isinstance(comment, str):
        return _error("comment", "comment must be text")
    user = request.user.get_username() if getattr(request, "user", None) and request.user.is_authenticated \
        else (data.get("user") if isinstance(data.get("user"), str) else None)
    try:
        return JsonResponse(assistant.rate(message_id, score, user=user, comment=comment), status=201)
    except InvalidInput as e:
        return _error("message_id", e.message, e.code, status=404 if e.code == "unknown_message" else 400)


@require_GET
def ask_page(request):
    """The full-page chat (/ask); the same panel is docked on every wiki page."""
    return render(request, "assistant/ask.html", {"kiki_asker": _user_person(request) or ""})
