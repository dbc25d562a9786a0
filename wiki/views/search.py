"""The search page (/search?q=&type=, ranked by kiki.search.search) and the
typeahead endpoint (/search/suggest?q=: name prefix matches, then hybrid hits)."""
from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

from graph import search as graph_search
from graph.model import LABEL_SLUGS, SLUG_LABELS
from graph.page_urls import page_url
from kiki.embeddings import get_embedder
from kiki.search import hybrid_search, search

RESULTS = 50
SUGGESTIONS = 8
SEMANTIC_MIN_CHARS = 4  # shorter input is a name fragment, not a meaning
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
    """Typeahead rows [{type, key, name, url}]: pages whose names start with
    what is typed come first (a half-typed word like "Ris" has no useful
    meaning), then, once a whole word is there, the hybrid search's pages
    close in meaning ("card payments" -> the Card Processing team). The model
    is never loaded inside a keystroke's request: until it is warm, only the
    prefix matches are given."""
    q = _query(request)
    if not q:
        return JsonResponse([], safe=False)
    rows = [(r["label"], r["key"], r["name"]) for r in graph_search.fulltext(q, None, SUGGESTIONS)]
    if len(rows) < SUGGESTIONS and len(q) >= SEMANTIC_MIN_CHARS:
        embedder = get_embedder()
        if embedder.loaded:
            seen = {key for _, key, _ in rows}
            rows += [(h.type, h.key, h.name) for h in hybrid_search(q, None, SUGGESTIONS).hits
                     if h.key not in seen][:SUGGESTIONS - len(rows)]
        else:
            embedder.warm_in_background()
    return JsonResponse([{"type": label, "key": key, "name": name, "url": page_url(label, key)}
                         for label, key, name in rows], safe=False)
