"""Wiki-wide recent changes (/recent: wiki revisions and source changes to
fields, filterable by page type, user and human vs sync) and a random page
(/random). Thin over graph.revisions."""
from __future__ import annotations

import random

from django.http import Http404
from django.shortcuts import redirect, render

from graph import revisions
from graph.model import LABEL_SLUGS, SLUG_LABELS
from graph.page_urls import page_url
from wiki.actions import owners

LIMIT = 100
SOURCES = {"all": (True, True), "human": (True, False), "sync": (False, True)}


def recent_changes(request):
    slug = request.GET.get("type") or ""
    label = SLUG_LABELS.get(slug)
    user = (request.GET.get("user") or "").strip()[:150] or None
    source = request.GET.get("source") if request.GET.get("source") in SOURCES else "all"
    human, sync = SOURCES[source]
    if user:
        sync = False  # a user name filters wiki edits; syncs have no user
    entries = revisions.recent_changes(label=label, user=user, human=human, sync=sync, limit=LIMIT)
    for e in entries:
        e["page"]["url"] = page_url(e["page"]["label"], e["page"]["key"])
        if e["type"] == "field":
            e["source"] = owners(e.pop("prov", None)).get(e["field"], {}).get("source") or e.get("old_source")
    return render(request, "recent.html", {
        "entries": entries, "type": slug if label else "", "user_filter": user or "", "source": source,
        "types": [{"slug": s, "label": lab} for lab, s in LABEL_SLUGS.items()], "limit": LIMIT})


def random_page(request):
    page = revisions.random_page(random.randrange)
    if page is None:
        raise Http404("The wiki has no pages yet")
    return redirect(page_url(page["label"], page["key"]))
