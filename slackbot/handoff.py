"""Human handoff: recognise "talk to a person" requests and find the team
that owns the topic (its Slack channel and leads) instead of answering."""
from __future__ import annotations

import re

from slack_sdk import WebClient

from kiki.assistant import handoff
from kiki.assistant.fallback import STOP_WORDS

from . import identity

_WHO = r"(?:a\s+|an\s+|the\s+|some\s*|real\s+|live\s+|actual\s+)*(?:human|person|people|agent|someone|somebody|one|operator|support|team)"
# Phrases that ask for a person; a lone "agent"/"human" counts too, but a
# question that merely mentions an agent ("what does the build agent do?") does not.
_HANDOFF = re.compile(
    r"^\s*(?:an?\s+)?(?:human|agent|person|operator|real person)(?:\s+please)?\s*[.!?]*\s*$"
    r"|\b(?:talk|speak|chat|get\s+in\s+touch)\s+(?:to|with)\s+" + _WHO + r"\b"
    r"|\b(?:connect|put|hand)\s+me\s+(?:to|with|through|over)\b"
    r"|\b(?:real|live|actual)\s+(?:human|person|agent)\b"
    r"|\bhuman\s+(?:please|agent|help)\b"
    r"|\bescalate\b",
    re.I)
_STRIP = re.compile(_HANDOFF.pattern + r"|\b(?:i\s+want\s+to|can\s+i|could\s+i|please|about|regarding|re:?|for)\b"
                    r"|[?!.,:;]", re.I)


def wants_human(text: str) -> bool:
    return bool(_HANDOFF.search(text or ""))


# Besides the assistant's stop words, the words of a request for an owner
# that name no topic ("who owns billing issues?").
_STOPWORDS = STOP_WORDS | frozenset("""by from but no own owns owner owners lead leads responsible issue issues
problem problems question questions help need want thanks hi hello hey""".split())


def topic_of(text: str) -> str:
    """What the request is about, with the handoff words removed ("" if nothing is left)."""
    rest = _STRIP.sub(" ", text or "")
    words = [w for w in rest.split() if w.lower() not in _STOPWORDS]
    return " ".join(words)


def owners_for(topic: str, client: WebClient, limit: int = 3, team: str | None = None) -> list[dict]:
    """The owning teams (or people) for a topic (kiki.assistant.handoff), each
    lead with their Slack user id where known, best match first."""
    owners = handoff.owners_for(topic, limit=limit)
    for o in owners:
        for lead in o["leads"]:
            lead["slack_user"] = identity.slack_user_for(lead, client, team)
    return owners
