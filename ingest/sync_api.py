"""POST /api/sync/<source>: start a sync of one configured source by hand, for
scripts and schedulers outside Kiki. Needs an API token with the "sync" scope
(accounts/tokens.py checks it) or a signed-in staff user; queued to Celery
like the admin's "Sync now", and audited."""
from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from accounts import audit
from kiki.errors import KikiError
from kiki.views.guards import same_origin_json
from kiki.views.methods import json_methods

from . import registry


@csrf_exempt
@json_methods("POST")
@same_origin_json
def start_sync(request, source: str):
    if getattr(request, "api_token", None) is None and not request.user.is_staff:
        return JsonResponse({"error": {"code": "forbidden", "message": "starting a sync needs staff rights "
                                       "or an API token with the 'sync' scope"}}, status=403)
    try:
        registry.config(source)
    except KikiError as e:
        return JsonResponse({"error": {"code": e.code, "field": "source", "message": e.message}}, status=404)
    from .tasks import run_sync
    try:
        result = run_sync.delay(source)
    except Exception as e:  # noqa: BLE001 - broker down: say so, do not 500
        return JsonResponse({"error": {"code": "queue_unavailable", "message": f"could not queue the sync: {e}"}},
                            status=503)
    audit.record("sync.start", request=request, target=f"source {source}", task_id=result.id)
    return JsonResponse({"source": source, "queued": True, "task_id": result.id}, status=202)
