"""Storing conversations, answers and ratings (the assistant's only writes,
all to Django's database; the graph is never written by the assistant)."""
from __future__ import annotations

import uuid

from django.db import transaction

from kiki.errors import InvalidInput
from kiki.models import Conversation, Message, Rating

HISTORY_TURNS = 4


def load(conversation: str | None, asker: str | None, channel: str, owner: str | None = None) -> Conversation:
    """The conversation to continue, or a new one. An unknown id is an error
    (so a typo does not silently start over). With an `owner` (the signed-in
    principal, kiki.identity.principal_for), a conversation that belongs to
    someone else is refused (InvalidInput "not_your_conversation"); None is the
    internal caller (Slack threads, manage.py ask), which is trusted."""
    if conversation in (None, ""):
        return Conversation(asker=asker or "", channel=channel or "web", state={}, owner=owner or "")
    try:
        ident = uuid.UUID(str(conversation))
    except ValueError:
        raise InvalidInput(f"unknown conversation {conversation!r}", code="unknown_conversation") from None
    try:
        conv = Conversation.objects.get(pk=ident)
    except Conversation.DoesNotExist:
        raise InvalidInput(f"unknown conversation {conversation!r}", code="unknown_conversation") from None
    if owner is not None and conv.owner != owner:
        raise InvalidInput(f"conversation {conversation!r} belongs to someone else", code="not_your_conversation")
    return conv


def history(conv: Conversation) -> list[tuple[str, str]]:
    """The last few (question, answer) pairs, oldest first, for the LLM's context."""
    if conv._state.adding:
        return []
    rows = list(conv.messages.order_by("-created").values_list("question", "answer")[:HISTORY_TURNS])
    return rows[::-1]


@transaction.atomic
def record(conv: Conversation, *, question: str, result: dict, plan: dict, tools_called: list,
           latency_ms: int, asker: str | None, channel: str, state: dict) -> Message:
    conv.state = state
    conv.save()
    return Message.objects.create(
        conversation=conv, question=question, plan=plan, tools_called=tools_called,
        answer=result["answer"], sources=result["sources"], mode=result["mode"], note=result.get("note") or "",
        latency_ms=latency_ms, asker=asker or "", channel=channel or "web")


def rate(message_id: str, score: int, user: str | None = None, comment: str = "",
         owner: str | None = None) -> Rating:
    """Store a 👍 (+1) or 👎 (-1) for an answer. Raises InvalidInput naming the
    bad item; with an `owner`, an answer in someone else's conversation is
    refused ("not_your_answer")."""
    if isinstance(score, bool) or score not in (1, -1):
        raise InvalidInput(f"score must be 1 or -1, not {score!r}", code="bad_score")
    try:
        ident = uuid.UUID(str(message_id))
        message = Message.objects.get(pk=ident)
    except (ValueError, Message.DoesNotExist):
        raise InvalidInput(f"unknown answer {message_id!r}", code="unknown_message") from None
    if owner is not None and message.conversation.owner != owner:
        raise InvalidInput(f"answer {message_id!r} was given to someone else", code="not_your_answer")
    comment = (comment or "")[:4000]
    if user:
        # A person changing their mind replaces their rating rather than adding one.
        rating, _ = Rating.objects.update_or_create(message=message, user=user,
                                                    defaults={"score": score, "comment": comment})
        return rating
    return Rating.objects.create(message=message, score=score, user="", comment=comment)
