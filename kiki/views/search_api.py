"""GET /api/search?q=&type=&limit= : ranked entities with scores, as JSON.

A thin view: it checks the parameters and calls kiki.search.hybrid_search.
`type` may be repeated or comma-separated and takes a label ("Team") or a URL
slug ("team"). Errors are 400 JSON naming the bad parameter; an unreachable
graph becomes a 503 in wiki.middleware.
"""
from __future__ import annotations

from django.http import JsonResponse

from graph.model import LABEL_SLUGS, PAGE_LABELS, SLUG_LABELS
from kiki.access import viewer_for
from kiki.search import hybrid_search

from .methods import json_methods

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_QUERY_CHARS = 500


def _error(param: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": "invalid_input", "param": param, "message": message}}, status=400)


def _parse_types(values: list[str]) -> tuple[list[str], str | None]:
    labels: list[str] = []
    by_name = {label.lower(): label for label in PAGE_LABELS} | {s: l for s, l in SLUG_LABELS.items()}
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            label = by_name.get(part.lower())
            if label is None:
                return [], part
            if label not in labels:
                labels.append(label)
    return labels, None


@json_methods("GET")
def search_api(request):
    q = (request.GET.get("q") or "").strip()
    if not q:
        return _error("q", "q is required: the text to search for")
    if len(q) > MAX_QUERY_CHARS:
        return _error("q", f"q is too long (at most {MAX_QUERY_CHARS} characters)")
    types, bad = _parse_types(request.GET.getlist("type"))
    if bad is not None:
        return _error("type", f"unknown type {bad!r}; expected one of {', '.join(LABEL_SLUGS.values())}")
    raw_limit = request.GET.get("limit") or str(DEFAULT_LIMIT)
    try:
        limit = int(raw_limit)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        return _error("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}, not {raw_limit!r}")

    result = hybrid_search(q, types or None, limit, viewer=viewer_for(request))
    return JsonResponse({
        "query": q,
        "types": types or list(PAGE_LABELS),
        "mode": result.mode,
        "count": len(result.hits),
        "results": [dict(hit.as_dict(), rank=i) for i, hit in enumerate(result.hits, start=1)],
    })
