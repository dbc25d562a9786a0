"""The admin's personal-data page (/admin/personal-data/): export a person's
data as a JSON download, or erase them after typing their key again.
Superusers only; both are audited."""
from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from kiki.errors import InvalidInput

from . import audit, gdpr


@staff_member_required
@require_http_methods(["GET", "POST"])
def personal_data(request):
    if not request.user.is_superuser:
        raise PermissionDenied("only administrators handle personal data")
    key = (request.POST.get("key") or request.GET.get("key") or "").strip()
    context = {**admin.site.each_context(request), "title": "Personal data", "key": key, "error": None,
               "erased": None}
    status = 200
    if request.method == "POST":
        try:
            if "export" in request.POST:
                data = gdpr.export(key)
                audit.record("person.export", request=request, target=f"Person:{key}")
                response = HttpResponse(json.dumps(data, indent=2, default=str, ensure_ascii=False),
                                        content_type="application/json")
                response["Content-Disposition"] = f'attachment; filename="kiki-personal-data-{key}.json"'
                response["Cache-Control"] = "no-store"
                return response
            if "erase" in request.POST:
                if request.POST.get("confirm", "").strip() != key:
                    context["error"] = f"Type the key {key!r} again to confirm the erasure."
                    status = 400
                else:
                    context["erased"] = gdpr.erase(key, request=request)
                    context["key"] = ""
        except InvalidInput as e:
            context["error"] = e.message
            status = 404
    return TemplateResponse(request, "admin/accounts/personal_data.html", context, status=status)
