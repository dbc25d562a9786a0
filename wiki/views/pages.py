"""Entity pages (/<slug>/<key>), their edit form (/<slug>/<key>/edit) and the
per-type alphabetical index (/<slug>/). Thin: each view runs one graph.pages
loader or writer (one round trip) and renders."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from graph import pages
from graph.model import SLUG_LABELS
from accounts import audit
from kiki.tasks import queue_embeddings

PER_PAGE = 50


def _label(slug: str) -> str:
    label = SLUG_LABELS.get(slug)
    if label is None:
        raise Http404(f"No page type {slug!r}")
    return label


def entity_page(request, slug: str, key: str):
    label = _label(slug)
    page = pages.load_page(label, key)
    if page is None:
        raise Http404(f"No {label} {key!r}")
    return render(request, f"entity/{slug}.html", {"page": page, "node": page["node"],
                                                    "props": page["props"], "label": label,
                                                    "nav_slug": slug})


def type_index(request, slug: str):
    label = _label(slug)
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


MAX_SUMMARY = 500
MAX_BODY = 200_000


@login_required
def edit_page(request, slug: str, key: str):
    """Edit a page's summary and markdown body. Ingest never overwrites a body
    a person wrote (graph.pages.edit_article marks it), earlier text is kept
    as history, and a page changed by someone else since the form was opened
    is not overwritten: the form comes back with the editor's text."""
    label = _label(slug)
    current = pages.load_edit_form(label, key)
    if current is None:
        raise Http404(f"No {label} {key!r}")
    form = {"summary": current["summary"], "body": current["body"], "version": current["version"]}
    errors, preview, conflict = {}, None, False
    if request.method == "POST":
        form = {f: request.POST.get(f, "") for f in ("summary", "body", "version")}
        form["summary"] = " ".join(form["summary"].split())
        if len(form["summary"]) > MAX_SUMMARY:
            errors["summary"] = f"The summary is {len(form['summary'])} characters; at most {MAX_SUMMARY}."
        if len(form["body"]) > MAX_BODY:
            errors["body"] = f"The article is {len(form['body']):,} characters; at most {MAX_BODY:,}."
        if "preview" in request.POST:
            preview = form["body"]
        elif not errors:
            saved = pages.edit_article(label, key, summary=form["summary"], body=form["body"],
                                       editor=request.user.get_username(), expected=form["version"],
                                       now=timezone.now().isoformat())
            if saved is not None:
                queue_embeddings([key])  # search passages follow the new text
                audit.record("page.edit", request=request, target=f"{label}:{key}")
                return redirect(f"/{slug}/{key}")
            conflict = True
            form["version"] = current["version"]
    return render(request, "entity/edit.html", {
        "label": label, "slug": slug, "key": key, "name": current["name"], "form": form, "errors": errors,
        "preview": preview, "conflict": conflict, "current": current, "nav_slug": slug,
        "max_summary": MAX_SUMMARY}, status=409 if conflict else (400 if errors else 200))
