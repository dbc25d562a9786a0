"""The org chart page (/org) and its JSON endpoints, one level of people per
request so the chart loads lazily at any size: /org/roots,
/org/children/<key>, /org/chain/<key> (the managers above a person, to open
the chart on them) and /org/search?q=. Thin over graph.org."""
from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from graph import org
from graph.page_urls import page_url
from graph.errors import InvalidInput


def _rows(people: list[dict], parent: str | None) -> list[dict]:
    return [{"id": p["key"], "parentId": parent, "name": p["name"], "title": p.get("title") or "",
             "team": p.get("team") or "", "reports": p["reports"], "url": page_url("Person", p["key"])}
            for p in people]


@require_GET
def org_chart(request):
    return render(request, "org.html", {"focus": request.GET.get("person", "")[:200]})


@require_GET
def org_roots(request):
    return JsonResponse({"people": _rows(org.chart_roots(), None)})


@require_GET
def org_children(request, key: str):
    try:
        return JsonResponse({"people": _rows(org.chart_children(key), key)})
    except InvalidInput as e:
        return JsonResponse({"error": str(e)}, status=400)


@require_GET
def org_chain(request, key: str):
    try:
        managers = org.chart_chain(key)
    except InvalidInput as e:
        return JsonResponse({"error": str(e)}, status=400)
    if managers is None:
        raise Http404(f"No person {key!r}")
    return JsonResponse({"key": key, "chain": managers})


@require_GET
def org_search(request):
    return JsonResponse({"people": _rows(org.chart_search(request.GET.get("q", "")), None)})
