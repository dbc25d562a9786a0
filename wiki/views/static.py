"""Serves /static/ through Django when nothing in front of it does.

`manage.py demo` runs plain `runserver` with DEBUG off, which serves no static
files, so without this the wiki would render unstyled and without typeahead.
When a web server or `runserver --insecure` handles /static/ first, this view
is never reached. Files come only from the staticfiles finders (no path
traversal: unknown paths are 404)."""
from __future__ import annotations

from django.contrib.staticfiles.views import serve

CACHE_SECONDS = 3600


def static_file(request, path: str):
    response = serve(request, path, insecure=True)
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
