"""JSON for a page's graph view (/<slug>/<key>/graph.json): the page, its
direct relations and their pages, each with its URL. Thin over
graph.neighbourhood."""
from __future__ import annotations

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from graph import neighbourhood
from graph.model import LABEL_SLUGS
from graph.page_urls import page_url

from .pages import label_for


def _node(x: dict) -> dict:
    return {"id": f"{x['label']}:{x['key']}", "label": x["label"], "name": x["name"] or x["key"],
            "url": page_url(x["label"], x["key"])}


@require_GET
def graph_json(request, slug: str, key: str):
    label = label_for(slug)
    data = neighbourhood.neighbours(label, key)
    if data is None:
        raise Http404(f"No {label} {key!r}")
    centre = _node(data["node"])
    nodes, edges = {centre["id"]: centre}, []
    for link in data["links"]:
        other = link["other"]
        if other.get("label") not in LABEL_SLUGS:
            continue
        o = _node(other)
        nodes.setdefault(o["id"], o)
        src, dst = (centre["id"], o["id"]) if link["outgoing"] else (o["id"], centre["id"])
        edges.append({"id": f"{src}-{link['rel']}-{dst}", "source": src, "target": dst, "rel": link["rel"]})
    return JsonResponse({"centre": centre["id"], "nodes": list(nodes.values()), "edges": edges,
                         "total": data["total"], "shown": len(edges)})
