"""Turns an unreachable Neo4j into a friendly 503 page (or JSON for the API)
with Retry-After, instead of a traceback. Pages recover by themselves once
Neo4j is back, because the driver reconnects on the next request."""
from __future__ import annotations

import logging

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from kiki.errors import GraphUnavailable

log = logging.getLogger(__name__)


class GraphUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, GraphUnavailable):
            return None
        log.warning("graph unavailable for %s: %s", request.path, exception)
        retry = str(settings.KIKI_RETRY_AFTER_SECONDS)
        if request.path.startswith(("/api/", "/scim/", "/slack/")) or \
                "application/json" in request.headers.get("Accept", ""):
            response = JsonResponse({"error": {"code": "graph_unavailable",
                                               "message": "The knowledge graph is temporarily unavailable."}},
                                    status=503)
        else:
            response = render(request, "503.html", {"retry_after": retry}, status=503)
        response["Retry-After"] = retry
        return response
