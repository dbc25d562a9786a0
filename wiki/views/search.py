"""The search page (/search?q=&type=, ranked by kiki.search.search) and the
typeahead endpoint (/search/suggest?q=, full-text prefix matches)."""
from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

from graph import search as graph_search
from graph.model import LABEL_SLUGS, SLUG_LABELS
from kiki.search import search

RESULTS = 50
SUGGESTIONS = 8
MAX_QUERY = 200  # longer input is cut, not rejected: it is only a search box


def _query(request) -> str:
    return (request.GET.get("q") or "").strip()[:MAX_QUERY]


def search_page(request):
    q = _query(request)
    # `type` takes a slug ("team"); repeated or unknown values are tolerated.
    slugs = [s for s in request.GET.getlist("type") if s in SLUG_LABELS]
    types = [SLUG_LABELS[s] for s in slugs]
    hits = search(q, types, RESULTS) if q else []
    chips = [{"slug": "", "label": "All", "active": not slugs}] + [
        {"slug": s, "label": label, "active": s in slugs} for label, s in LABEL_SLUGS.items()]
    return render(request, "search.html", {"q": q, "hits": hits, "chips": chips,
                                           "active_type": slugs[0] if len(slugs) == 1 else ""})


def suggest(request):
    """Typeahead rows [{type, key, name, url}]. Full-text prefix matching only,
    not the hybrid search(): a half-typed word ("Ris") has no useful meaning
    vector, and encoding one per keystroke would cost model time for nothing."""
    q = _query(request)
    rows = graph_search.fulltext(q, None, SUGGESTIONS) if q else []
    return JsonResponse([{"type": r["label"], "key": r["key"], "name": r["name"],
                          "url": f"/{LABEL_SLUGS[r['label']]}/{r['key']}"} for r in rows], safe=False)
