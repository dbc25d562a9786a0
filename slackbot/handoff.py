"""Human handoff: recognise "talk to a person" requests and find the team
that owns the topic (its Slack channel and leads) instead of answering."""
from __future__ import annotations

import re

from slack_sdk import WebClient

from graph import slack_queries
from graph.model import LABEL_SLUGS
from kiki.search import search

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


_STOPWORDS = frozenset("""a an the i me my we our you your it its this that these those is are was were be
to of in on at by with from and or but not no do does did how what who whom which when where why
own owns owner owners lead leads responsible issue issues problem problems question questions help need want please thanks hi hello hey""".split())


def topic_of(text: str) -> str:
    """What the request is about, with the handoff words removed ("" if nothing is left)."""
    rest = _STRIP.sub(" ", text or "")
    words = [w for w in rest.split() if w.lower() not in _STOPWORDS]
    return " ".join(words)


def _hits(topic: str, viewer) -> list:
    # Full-text search ANDs the words; if the whole topic finds nothing, try
    # its longest words alone (at most three more round trips).
    hits = search(topic, limit=8, viewer=viewer)
    for word in sorted(set(topic.split()), key=len, reverse=True)[:3]:
        if hits or len(topic.split()) == 1:
            break
        hits = search(word, limit=8, viewer=viewer)
    return [h for h in hits if h.type in LABEL_SLUGS]


def owners_for(topic: str, client: WebClient, limit: int = 3, team: str | None = None, viewer=None) -> list[dict]:
    """The owning teams (or people) the viewer may see for a topic, each with
    its channel and leads (Slack user ids where known), best match first."""
    if not topic:
        return []
    hits = _hits(topic, viewer)
    rows = slack_queries.handoff_owners([{"type": h.type, "key": h.key} for h in hits], limit=limit, viewer=viewer)
    owners = []
    for r in rows:
        slug = LABEL_SLUGS.get(r["type"], "team")
        about_is_owner = (r["about_type"], r["about_key"]) == (r["type"], r["key"])
        owners.append({
            "type": r["type"], "key": r["key"], "name": r["name"], "url": f"/{slug}/{r['key']}",
            "channel": (r["channel"] or "").lstrip("#") or None,
            "about_name": None if about_is_owner else r["about_name"],
            "about_url": f"/{LABEL_SLUGS.get(r['about_type'], 'topic')}/{r['about_key']}",
            "leads": [{"key": l["key"], "name": l["name"], "url": f"/person/{l['key']}",
                       "slack_user": identity.slack_user_for(l, client, team),
                       "is_lead": not r["owner_is_person"]} for l in r["leads"]],
        })
    return owners
