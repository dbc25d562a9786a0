"""Entity pages (/<slug>/<key>) and the per-type alphabetical index (/<slug>/).
Thin: each view runs one graph.pages loader (one round trip) and renders.
Editing and history are in wiki.views.editing."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from graph import pages
from graph.model import SLUG_LABELS

PER_PAGE = 50


def label_for(slug: str) -> str:
    label = SLUG_LABELS.get(slug)
    if label is None:
        raise Http404(f"No page type {slug!r}")
    return label


def entity_page(request, slug: str, key: str):
    label = label_for(slug)
    page = pages.load_page(label, key)
    if page is None:
        raise Http404(f"No {label} {key!r}")
    return render(request, f"entity/{slug}.html", {"page": page, "node": page["node"],
                                                    "props": page["props"], "label": label,
                                                    "nav_slug": slug})


def type_index(request, slug: str):
    label = label_for(slug)
    try:
        # Capped so a silly ?page= cannot overflow Neo4j's 64-bit SKIP.
        number = min(max(1, int(request.GET.get("page", "1"))), 1_000_000)
    except ValueError:
        number = 1
    data = pages.load_index(label, number, PER_PAGE)
    pages_total = max(1, -(-data["total"] // PER_PAGE))
    if number > pages_total and data["total"]:
        raise Http404(f"{label} index has {pages_total} pages")
    return render(request, "type_index.html", {
        "label": label, "slug": slug, "nav_slug": slug, "rows": data["rows"], "total": data["total"],
        "page_number": number, "pages_total": pages_total,
        "prev_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if number < pages_total else None,
        "first_index": (number - 1) * PER_PAGE + 1,
    })
