"""The 400 page: says what was wrong with the request when Django knows
(a form over the upload limit, too many fields) instead of a bare
"Bad Request". Wired as handler400 in kiki/urls.py."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.shortcuts import render


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        reason = (f"The form sent more than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000:.1f} MB, the most "
                  "Kiki accepts in one request; nothing was saved. An article may have at most 200,000 characters.")
    elif isinstance(exception, TooManyFieldsSent):
        reason = "The form sent too many fields; nothing was saved."
    else:
        reason = "The request could not be understood; nothing was saved."
    return render(request, "400.html", {"reason": reason}, status=400)
