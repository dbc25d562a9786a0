"""The assistant's HTTP API and page: GET /ask, POST /api/ask, POST /api/ask/stream (server-sent
events) and POST /api/answers/<message_id>/rating. Thin views: parse JSON,
call kiki.assistant, map InvalidInput to a 400 naming the bad field.
Who asks is the signed-in user (or the API token's user), never a field of the
body (kiki/identity.py); a conversation or an answer of someone else is refused.
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
from kiki import identity
from kiki.errors import GraphUnavailable, InvalidInput, KikiError

from .guards import same_origin_json
from .methods import json_methods

log = logging.getLogger(__name__)

# Which request field an InvalidInput code is about.
_FIELDS = {"missing_question": "question", "question_too_long": "question",
           "unknown_conversation": "conversation", "not_your_conversation": "conversation",
           "bad_channel": "channel", "bad_score": "score", "unknown_message": "message_id",
           "not_your_answer": "message_id"}
_STATUS = {"not_your_conversation": 403, "not_your_answer": 403, "unknown_message": 404}


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
    if "asker" in data:
        return _error("asker", "asker is not accepted: the question is asked as the signed-in user "
                               "(or the API token's user)", "asker_not_accepted")
    channel = data.get("channel") or "web"
    if not isinstance(channel, str) or len(channel) > 40:
        return _error("channel", "channel must be a short text")
    return {"question": question, "asker": identity.asker_for(request), "conversation": conversation or None,
            "channel": channel, "owner": identity.principal_for(request), "viewer": identity.viewer_for(request)}


def _invalid(e: InvalidInput) -> JsonResponse:
    return _error(_FIELDS.get(e.code, "body"), e.message, e.code, status=_STATUS.get(e.code, 400))


@csrf_exempt
@json_methods("POST")
@same_origin_json
def ask_view(request):
    args = _ask_args(request)
    if isinstance(args, JsonResponse):
        return args
    try:
        return JsonResponse(assistant.ask(**args))
    except InvalidInput as e:
        return _invalid(e)


def _sse(event: dict) -> bytes:
    return f"data: {json.dumps(event)}\n\n".encode()


@csrf_exempt
@json_methods("POST")
@same_origin_json
def ask_stream_view(request):
    args = _ask_args(request)
    if isinstance(args, JsonResponse):
        return args
    events = assistant.ask_stream(**args)
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
@same_origin_json
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
    if "user" in data:
        return _error("user", "user is not accepted: the rating is recorded for the signed-in user",
                      "user_not_accepted")
    try:
        return JsonResponse(assistant.rate(message_id, score, user=request.user.get_username(), comment=comment,
                                           owner=identity.principal_for(request)), status=201)
    except InvalidInput as e:
        return _invalid(e)


@require_GET
def ask_page(request):
    """The full-page chat (/ask); the same panel is docked on every wiki page."""
    return render(request, "assistant/ask.html")
