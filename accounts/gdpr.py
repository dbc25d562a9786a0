"""Personal data (GDPR): export everything Kiki stores about a person,
erase a person, and delete conversations past the retention period.

A person's Kiki accounts are the users whose (verified) email is the
Person's work email (kiki/identity.py); their conversations are those asked
as that Person or owned by one of those accounts.

Erasure keeps the graph consistent: the Person node stays (with all its
relationships, so teams keep their headcount and nothing dangles) but becomes
an anonymised "Former employee" placeholder under a new key; past values and
embedded passages are deleted; their edits are attributed to "former
employee"; their conversations and ratings are deleted; their accounts are
anonymised, deactivated and their API tokens revoked. The audit log keeps
its entries (an erasure cannot erase the record that it happened, GDPR
art. 17(3)(b)); the erasure is itself audited, naming only the new key.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from graph import personal_data
from ingest import actions
from kiki.errors import InvalidInput
from kiki.models import Conversation, Rating

from . import audit
from .models import ApiToken, AuditEntry


def _accounts(email: str | None):
    if not email:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(email__iexact=email.strip())


def _conversations(key: str, users) -> "Conversation.objects":
    owners = [f"user:{u.pk}" for u in users]
    return Conversation.objects.filter(Q(asker=key) | Q(owner__in=owners))


def _ratings(key: str, users):
    return Rating.objects.filter(user__in=[u.get_username() for u in users] + [key])


def _found(key: str) -> tuple[str | None, str | None]:
    found = personal_data.person_email(key)
    if found is None:
        raise InvalidInput(f"no person {key!r}", code="unknown_person")
    return found


def export(key: str) -> dict:
    """Everything stored about person `key`, as JSON-ready data. Raises
    InvalidInput naming the key when there is no such person."""
    email, _ = _found(key)
    node = personal_data.export_person(key)
    users = list(_accounts(email))
    usernames = [u.get_username() for u in users]
    conversations = _conversations(key, users).prefetch_related("messages__ratings")
    audit_filter = Q(target__contains=key)
    for name in usernames:
        audit_filter |= Q(actor=name) | Q(actor__startswith=f"{name} (token ")
    return {
        "exported_at": timezone.now().isoformat(),
        "person": {"key": key, "labels": node["labels"], "properties": node["properties"]},
        "relationships": node["relationships"],
        "revisions": node["revisions"],
        "page_revisions": node["page_revisions"],
        "accounts": [{"username": u.get_username(), "email": u.email, "first_name": u.first_name,
                      "last_name": u.last_name, "date_joined": u.date_joined.isoformat(),
                      "last_login": u.last_login.isoformat() if u.last_login else None,
                      "groups": sorted(u.groups.values_list("name", flat=True)),
                      "api_tokens": [{"name": t.name, "prefix": t.prefix, "scopes": t.scopes, "state": t.state,
                                      "created": t.created.isoformat(), "expires": t.expires.isoformat()}
                                     for t in ApiToken.objects.filter(user=u)]} for u in users],
        "conversations": [{
            "id": str(c.pk), "channel": c.channel, "asker": c.asker, "created": c.created.isoformat(),
            "messages": [{"id": str(m.pk), "question": m.question, "answer": m.answer, "sources": m.sources,
                          "mode": m.mode, "created": m.created.isoformat(),
                          "ratings": [{"score": r.score, "comment": r.comment, "user": r.user,
                                       "created": r.created.isoformat()} for r in m.ratings.all()]}
                         for m in c.messages.order_by("created")]} for c in conversations],
        "ratings": [{"message": str(r.message_id), "score": r.score, "comment": r.comment,
                     "created": r.created.isoformat()} for r in _ratings(key, users)],
        "audit": [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "target": e.target,
                   "ip": e.ip, "details": e.details} for e in AuditEntry.objects.filter(audit_filter)],
    }


def erase(key: str, *, request=None, actor: str | None = None) -> dict:
    """Erase person `key` (see the module docstring). Returns what was done,
    with the placeholder's new key. Raises InvalidInput for an unknown key."""
    email, _ = _found(key)
    users = list(_accounts(email))
    usernames = [u.get_username() for u in users]
    new_key = f"former-employee-{secrets.token_hex(4)}"
    now = timezone.now().isoformat()
    # One write-core action. Django's deletions and the graph transaction
    # commit together as far as two stores can: the graph is written last,
    # inside Django's transaction, so a failed graph write rolls the Django
    # side back; the placeholder's re-embedding and the audit entry are
    # queued with on_commit and run when the action ends, after both committed.
    with actions.action(), transaction.atomic():
        conversations = _conversations(key, users)
        n_conversations = conversations.count()
        conversations.delete()
        n_ratings, _ = _ratings(key, users).delete()
        for user in users:
            ApiToken.objects.filter(user=user, revoked__isnull=True).update(revoked=timezone.now())
            user.username = f"former-employee-{user.pk}"
            user.email = user.first_name = user.last_name = ""
            user.is_active = user.is_staff = user.is_superuser = False
            user.set_unusable_password()
            user.save()
            user.groups.clear()
        results = actions.do_write(personal_data.erase_steps(key, new_key, now=now, usernames=usernames),
                                   changed=[new_key], what="erasure")
        leftovers = personal_data.erasure_leftovers(key, new_key)
        if any(leftovers.values()):
            raise InvalidInput(f"erasure left data behind: {leftovers}", code="erasure_incomplete")
        done = {"new_key": new_key, "revisions_deleted": results[0][0]["revisions"],
                "passages_deleted": results[1][0]["passages"], "pages_reattributed": results[3][0]["pages"],
                "accounts_anonymised": len(users), "conversations_deleted": n_conversations,
                "ratings_deleted": n_ratings}
        actions.on_commit(lambda: audit.record("person.erase", request=request, actor=actor,
                                               target=f"Person:{new_key}", **done))
    return done


def purge_conversations(days: int, *, now=None) -> int:
    """Delete conversations (with their answers and ratings) not updated for
    `days` days; 0 keeps everything. Returns how many were deleted."""
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = Conversation.objects.filter(updated__lt=cutoff)
    count = old.count()
    if count:
        old.delete()
        audit.record("conversations.purge", actor="system", target=f"conversations before {cutoff:%Y-%m-%d}",
                     count=count, retention_days=days)
    return count
