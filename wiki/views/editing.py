"""Editing a page (/<slug>/<key>/edit): preview, save through
wiki.actions.do_save_page, and the merge view when a stale save overlaps a
newer revision. Thin: parse the form, call one action, render."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from accounts import audit
from graph import pages
from graph.errors import InvalidInput, NotFound
from graph.page_urls import page_url
from kiki.access import can_edit, viewer_for
from wiki import actions

from .create import EMPTY_STEP_ROWS, step_rows
from .pages import label_for


def _int(value, default: int = -1) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
def edit_page(request, slug: str, key: str):
    """Edit a page's summary and Markdown body. A save made on an older
    revision is merged three-way; overlapping changes come back as a merge
    view (409) with the editor's text kept in the form."""
    label = label_for(slug)
    if not can_edit(request.user):
        raise PermissionDenied("Editing pages needs the editor role")
    current = pages.load_edit_form(label, key, viewer_for(request))
    if current is None:
        raise Http404(f"No {label} {key!r}")
    owned = actions.owners(current.pop("prov"))
    if label == "Process" and current.get("steps_source"):
        owned["steps"] = {"source": current["steps_source"]}
    editable = [f for f in _extra_fields(label) if f not in owned or f in actions.NEVER_OWNED]
    form = {"summary": current["summary"], "body": current["body"], "version": current["version"], "comment": "",
            "base_body": current["body"],
            **{f: _as_text(current[f]) for f in _extra_fields(label) if f != "steps"}}
    steps = [_step_row(line) for line in current.get("steps") or []]
    errors, preview, result = {}, None, None
    if request.method == "POST":
        texts = [f for f in editable if f != "steps"]
        form = {f: request.POST.get(f, "") for f in ("summary", "body", "version", "comment", *texts)}
        form["base_body"] = request.POST.get("base_body") if "base_body" in request.POST else None
        form["summary"] = actions.normalize_summary(form["summary"])
        form["body"] = actions.normalize_text(form["body"])
        form["comment"] = actions.normalize_summary(form["comment"])
        extra = {f: _parse(f, form[f]) for f in texts}
        errors = {}
        # A form without step rows (an older form, a script) leaves the steps alone.
        if "steps" in editable and "step_name_0" in request.POST:
            steps = [st for st in step_rows(request.POST) if st["name"] or st["team"]]
            errors = actions.check_steps(steps, viewer_for(request))
            extra["steps"] = actions.step_lines(steps)
        errors.update(actions.check_edit(form["summary"], form["body"], form["comment"], extra))
        base_rev = _int(form["version"])
        if base_rev < 0:
            errors["save"] = f"The form's version {form['version']!r} is not a revision number; reload the page."
        if "preview" in request.POST:
            preview = form["body"]
        elif not errors:
            try:
                result = actions.do_save_page(label, key, summary=form["summary"], body=form["body"],
                                              base_rev=base_rev, editor=request.user.get_username(),
                                              comment=form["comment"], extra=extra, base_body=form["base_body"])
            except NotFound:
                raise Http404(f"No {label} {key!r}")
            except InvalidInput as e:
                errors["save"] = str(e)
            else:
                if result.status != "conflict":
                    if result.written:
                        audit.record("page.edit", request=request, target=f"{label}:{key}", revision=result.rev,
                                     merged=result.status == "merged")
                    return redirect(page_url(label, key))
                # The next save is compared with the revision shown in the merge view.
                form["version"] = result.rev
                form["body"] = _yours_in_theirs(result)
                form["base_body"] = result.current["body"] if result.current else form["base_body"]
    conflict = result is not None and result.status == "conflict"
    return render(request, "entity/edit.html", {
        "label": label, "slug": slug, "key": key, "name": current["name"], "form": form, "errors": errors,
        "preview": preview, "conflict": conflict, "result": result, "current": current, "nav_slug": slug,
        "max_summary": actions.MAX_SUMMARY, "owned": owned, "editable": editable,
        "summary_owner": owned.get("summary"), "sourced": _sourced_facts(owned, current),
        "steps": steps + [{"name": "", "team": ""}] * EMPTY_STEP_ROWS if "steps" in editable else steps},
        status=409 if conflict else (400 if errors else 200))


def _extra_fields(label: str) -> list[str]:
    """Editable fields besides summary and body; a person has no chat
    channel, and only a process has steps."""
    if label == "Person":
        return ["aliases", "links"]
    return ["aliases", "links", "slack_channel"] + (["steps"] if label == "Process" else [])


def _step_row(line: str) -> dict:
    """A stored step line ("name | team key") as a form row."""
    name, _, team = line.rpartition(" | ") if " | " in line else (line, "", "")
    return {"name": name, "team": team}


def _as_text(value) -> str:
    return "\n".join(value) if isinstance(value, list) else (value or "")


def _parse(field: str, text: str):
    """Form text -> stored value: list fields are one entry a line."""
    if field in actions.LIST_FIELDS:
        return [line.strip() for line in actions.normalize_text(text).split("\n") if line.strip()]
    return text.strip()


def _sourced_facts(owned: dict, current: dict) -> list[dict]:
    return [{"field": f, "source": o["source"], "since": o.get("since")} for f, o in sorted(owned.items())
            if f not in ("name",)]


def _yours_in_theirs(result) -> str:
    """The text the merge view's form starts from: the current revision with
    every non-overlapping change of yours merged in and, for each conflict,
    your side, so saving it as is loses none of your words."""
    return "".join(h.yours if h.kind == "conflict" else h.text for h in result.body.hunks)
