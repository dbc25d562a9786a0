"""Rules take effect when they are saved or deleted (after the transaction
commits, so the graph never runs ahead of the database); every new user
starts as a reader."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import RestrictionRule


def _reapply(**_):
    from . import rules

    transaction.on_commit(rules.apply)


post_save.connect(_reapply, sender=RestrictionRule, dispatch_uid="authz-rule-saved")
post_delete.connect(_reapply, sender=RestrictionRule, dispatch_uid="authz-rule-deleted")
m2m_changed.connect(_reapply, sender=RestrictionRule.groups.through, dispatch_uid="authz-rule-groups")


@receiver(post_save, sender=get_user_model(), dispatch_uid="authz-new-user-reader")
def new_user_is_reader(sender, instance, created, raw=False, **_):
    if created and not raw:
        group, _ = Group.objects.get_or_create(name=settings.KIKI_ROLE_READER)
        instance.groups.add(group)


@receiver(user_logged_in, dispatch_uid="authz-person-at-sign-in")
def remember_person(sender, request, user, **_):
    """Find the user's Person once, at sign-in, so page views never pay a
    graph round trip for it (viewers.viewer_for reads it from the session)."""
    from graph.errors import GraphUnavailable

    from .viewers import remember_person_in_session

    if request is None or getattr(request, "session", None) is None:
        return
    try:
        remember_person_in_session(request.session, user)
    except GraphUnavailable:
        pass   # looked up on the first page view instead
