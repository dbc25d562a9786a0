"""A page's history (/<slug>/<key>/history), one old revision
(/<slug>/<key>/revision/<n>), the diff of any two revisions
(/<slug>/<key>/diff?from=A&to=B&view=inline|side) and restoring a revision
(POST /<slug>/<key>/restore). Thin over wiki.history, graph.revisions,
wiki.diffs and wiki.actions."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import audit
from graph import revisions
from graph.errors import NotFound
from graph.page_urls import page_url
from kiki.access import can_edit, viewer_for
from wiki import actions, history
from wiki.diffs import diff_texts

from .editing import _int
from .pages import label_for

PER_PAGE = 50


def history_page(request, slug: str, key: str):
    label = label_for(slug)
    number = min(max(1, _int(request.GET.get("page"), 1)), 1_000_000)
    data = history.page_history(label, key, number, PER_PAGE, viewer_for(request))
    if data is None:
        raise Http404(f"No {label} {key!r}")
    if number > data["pages_total"]:
        raise Http404(f"The history of {label} {key!r} has {data['pages_total']} pages")
    return render(request, "entity/history.html", {
        "label": label, "slug": slug, "key": key, "nav_slug": slug, **data,
        "prev_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if number < data["pages_total"] else None})


def revision_page(request, slug: str, key: str, number: int):
    label = label_for(slug)
    data = revisions.load_revisions(label, key, [number], viewer_for(request))
    if data is None or number not in data["revisions"]:
        raise Http404(f"{label} {key!r} has no revision {number}")
    return render(request, "entity/revision.html", {
        "label": label, "slug": slug, "key": key, "nav_slug": slug, "name": data["name"],
        "revision": data["revisions"][number]})


def diff_page(request, slug: str, key: str):
    label = label_for(slug)
    old_n, new_n = _int(request.GET.get("from")), _int(request.GET.get("to"))
    if old_n < 0 or new_n < 0:
        return HttpResponseBadRequest("from and to must be revision numbers, e.g. ?from=1&to=2")
    data = revisions.load_revisions(label, key, [old_n, new_n], viewer_for(request))
    if data is None:
        raise Http404(f"No {label} {key!r}")
    missing = [n for n in (old_n, new_n) if n not in data["revisions"]]
    if missing:
        raise Http404(f"{label} {key!r} has no revision {missing[0]}")
    old, new = data["revisions"][old_n], data["revisions"][new_n]
    view = "inline" if request.GET.get("view") == "inline" else "side"
    return render(request, "entity/diff.html", {
        "label": label, "slug": slug, "key": key, "nav_slug": slug, "name": data["name"], "old": old, "new": new,
        "view": view, "body": diff_texts(old.get("body") or "", new.get("body") or ""),
        "summary": diff_texts(old.get("summary") or "", new.get("summary") or "")})


@login_required
@require_POST
def restore_revision(request, slug: str, key: str):
    label = label_for(slug)
    if not can_edit(request.user):
        raise PermissionDenied("Restoring a revision needs the editor role")
    number = _int(request.POST.get("revision"))
    if number < 0:
        return HttpResponseBadRequest("revision must be a revision number")
    try:
        result = actions.do_restore_revision(label, key, number=number, editor=request.user.get_username())
    except NotFound as e:
        raise Http404(str(e))
    if result.written:
        audit.record("page.restore", request=request, target=f"{label}:{key}", restored=number, revision=result.rev)
    return redirect(page_url(label, key) + "/history")
