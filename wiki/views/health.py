"""/healthz for load balancers and the latency benchmark's floor: plain "ok"
without touching Neo4j; with ?graph=1 it also pings the graph (503 if down);
with ?warm=1 it answers 503 until this process has finished warming up."""
from __future__ import annotations

from django.http import HttpResponse

from graph import admin


def healthz(request):
    if request.GET.get("warm"):
        from kiki import warmup
        if not warmup.ready():
            return HttpResponse("warming up", status=503, content_type="text/plain")
    if request.GET.get("graph") and not admin.reachable():
        return HttpResponse("graph unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
