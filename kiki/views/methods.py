"""HTTP method checks for the JSON APIs: a wrong method gets a 405 whose body
is a JSON error naming the methods allowed (Django's require_* decorators
answer with an empty body, which API clients cannot show)."""
from __future__ import annotations

from functools import wraps

from django.http import JsonResponse


def json_methods(*allowed: str):
    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if request.method not in allowed:
                response = JsonResponse({"error": {
                    "code": "method_not_allowed",
                    "message": f"{request.method} is not allowed here; use {' or '.join(allowed)}"}}, status=405)
                response["Allow"] = ", ".join(allowed)
                return response
            return view(request, *args, **kwargs)
        return checked
    return decorate
