"""The search fallback for questions (and Slack handoff topics) that name no
known page: the question's content words as a full-text query, and when the
whole query finds nothing, its most specific words alone, keeping the pages
matched by the most of them."""
from __future__ import annotations

import re
from typing import Callable

STOP_WORDS = frozenset("""a an the is are was were be been do does did of in on at to for with about what which
who whom whose when where why how can could should would will i we you me my our your it its this that these
those there please tell show give find know any some and or not anything something everything""".split())

_WORD = re.compile(r"[\w'-]+")


def search_words(text: str, stop_words: frozenset[str] = STOP_WORDS, limit: int = 8) -> str:
    """The first `limit` words of `text` that are not stop words."""
    words = [w for w in _WORD.findall(text or "") if w.lower() not in stop_words]
    return " ".join(words[:limit])


def one_per_page(hits: list[dict]) -> list[dict]:
    """The best hit of each page (hits come best first)."""
    seen: set = set()
    return [h for h in hits if (h["type"], h["key"]) not in seen and not seen.add((h["type"], h["key"]))]


def search_pages(words: str, search: Callable[[str, int], list[dict]], limit: int = 3) -> list[dict]:
    """Up to `limit` pages ({type, key, ...}, best first) for `words`.
    `search(query, n)` returns the n best hits for a query. Full text wants
    every word, so when the whole query finds nothing the three longest words
    (of 4 letters or more) are tried alone and pages are ranked by how many of
    them matched, then by rank."""
    if not words:
        return []
    hits = one_per_page(search(words, 8))[:limit]
    if hits or len(words.split()) < 2:
        return hits
    found: dict[tuple, list] = {}
    for w in sorted(set(words.split()), key=len, reverse=True)[:3]:
        if len(w) < 4:
            continue
        for rank, h in enumerate(search(w, 3)):
            entry = found.setdefault((h["type"], h["key"]), [0, 0, h])
            entry[0] += 1
            entry[1] -= rank
    return [e[2] for e in sorted(found.values(), key=lambda e: (e[0], e[1]), reverse=True)][:limit]
