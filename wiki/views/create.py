"""Creating a Topic or Process page (/topic/new, /process/new; a red wiki
link lands here with ?name=). Thin: parse the form, call
wiki.actions.do_create_page, redirect to the new page."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from accounts import audit
from graph.errors import InvalidInput
from graph.page_urls import page_url
from graph.revisions import CREATABLE
from kiki.access import can_edit, viewer_for
from wiki import actions

from .pages import label_for

EMPTY_STEP_ROWS = 3


def step_rows(post) -> list[dict]:
    """The step rows of a create or edit form ([{name, team}], empty rows included)."""
    out = []
    for i in range(actions.MAX_STEPS + 1):
        if f"step_name_{i}" not in post:
            break
        out.append({"name": actions.normalize_summary(post.get(f"step_name_{i}", "")),
                    "team": post.get(f"step_team_{i}", "").strip()})
    return out


@login_required
def create_page(request, slug: str):
    label = label_for(slug)
    if not can_edit(request.user):
        raise PermissionDenied("Creating pages needs the editor role")
    if label not in CREATABLE:
        raise Http404(f"{label} pages come from their sources; only topics and processes are created here")
    form = {"name": request.GET.get("name", "")[:actions.MAX_NAME], "summary": "", "body": ""}
    steps: list[dict] = []
    error = None
    if request.method == "POST":
        form = {f: request.POST.get(f, "") for f in ("name", "summary", "body")}
        steps = step_rows(request.POST)
        try:
            key = actions.do_create_page(label, name=form["name"], summary=form["summary"], body=form["body"],
                                         steps=steps, editor=request.user.get_username(),
                                         viewer=viewer_for(request))
        except InvalidInput as e:
            error = str(e)
        else:
            audit.record("page.create", request=request, target=f"{label}:{key}")
            return redirect(page_url(label, key))
    rows = [s for s in steps if s["name"] or s["team"]] + [{"name": "", "team": ""}] * EMPTY_STEP_ROWS
    return render(request, "entity/create.html", {
        "label": label, "slug": slug, "nav_slug": slug, "form": form, "error": error,
        "steps": rows if label == "Process" else [], "max_summary": actions.MAX_SUMMARY},
        status=400 if error else 200)
