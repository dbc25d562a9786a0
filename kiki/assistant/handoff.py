"""Who owns a topic, for a human handoff ("talk to a person about billing"):
the owning teams (or people) of the pages the topic finds, each with its
Slack channel (its own, else the nearest parent's) and its leads."""
from __future__ import annotations

from graph import catalog
from graph.model import LABEL_SLUGS
from graph.page_urls import page_url

from .fallback import search_pages


def _hits(topic: str) -> list[dict]:
    from kiki.search import search

    return search_pages(topic, lambda q, n: [{"type": h.type, "key": h.key} for h in search(q, limit=n)
                                             if h.type in LABEL_SLUGS], limit=8)


def owners_for(topic: str, limit: int = 3) -> list[dict]:
    """[{type, key, name, url, channel, about_name, about_url, leads: [{key, name, url,
    slack_id, email, is_lead}]}], best match first; [] when the topic finds nothing."""
    if not topic:
        return []
    rows = catalog.handoff_owners(_hits(topic), limit=limit)
    owners = []
    for r in rows:
        about_is_owner = (r["about_type"], r["about_key"]) == (r["type"], r["key"])
        owners.append({
            "type": r["type"], "key": r["key"], "name": r["name"], "url": page_url(r["type"], r["key"]),
            "channel": (r["channel"] or "").lstrip("#") or None,
            "about_name": None if about_is_owner else r["about_name"],
            "about_url": page_url(r["about_type"], r["about_key"]),
            "leads": [{"key": l["key"], "name": l["name"], "url": page_url("Person", l["key"]),
                       "slack_id": l.get("slack_id"), "email": l.get("email"),
                       "is_lead": not r["owner_is_person"]} for l in r["leads"]],
        })
    return owners
