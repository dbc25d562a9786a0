"""Writing the audit log: one function, `record`, that every audited action
calls (edits, permission changes, tokens, hand-started syncs, erasures,
admin actions, sign-ins). Entries are only ever added (accounts.models)."""
from __future__ import annotations

import logging
from contextvars import ContextVar

from django.conf import settings

log = logging.getLogger(__name__)

# The request being served, so that entries written deep inside (a group
# change saved by the admin, a graph write) still name who and from where.
_current_request: ContextVar = ContextVar("kiki_audit_request", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the trusted reverse
    proxies in front of Kiki (KIKI_PROXY_COUNT of them) saw."""
    if request is None:
        return None
    count = settings.AXES_IPWARE_PROXY_COUNT
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR") or None


def actor_of(request) -> str:
    if request is None:
        return "system"
    token = getattr(request, "api_token", None)
    if token is not None:
        return f"{token.user.get_username()} (token {token.prefix}…)"
    user = getattr(request, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else "anonymous"


def record(action: str, *, request=None, actor: str | None = None, target: str = "", **details):
    """Add one entry: `action` like "page.edit", "token.create", "sync.start";
    `target` what it was done to ("System:ledger", "token kiki_ab12cd34").
    Who and from where come from `request` unless `actor` is given."""
    from .models import AuditEntry

    if request is None:
        request = _current_request.get()
    entry = AuditEntry.objects.create(
        actor=(actor or actor_of(request))[:200], action=action[:60], target=str(target)[:300],
        ip=client_ip(request), user_agent=(request.headers.get("User-Agent", "") if request is not None else "")[:300],
        details=details)
    log.info("audit: %s %s %s", entry.actor, action, target)
    return entry
