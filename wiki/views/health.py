"""/healthz for load balancers and the latency benchmark's floor: plain "ok"
without touching Neo4j; with ?graph=1 it also pings the graph (503 if down)."""
from __future__ import annotations

from django.http import HttpResponse

from graph import driver


def healthz(request):
    if request.GET.get("graph") and not driver.ping():
        return HttpResponse("graph unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
