"""Audit entries for what Django itself does: sign-ins (and failures),
sign-outs, every admin add/change/delete (the admin's LogEntry), and any
change to who is in which group or holds which permission, whatever made it
(the admin, single sign-on's groups claim, a script)."""
from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from . import audit

_ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    backend = getattr(user, "backend", "") or ""
    audit.record("auth.sign_in", request=request, actor=user.get_username(), target=f"user {user.get_username()}",
                 method="sso" if "oidc" in backend.lower() else "password")


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("auth.sign_out", request=request, actor=user.get_username(),
                     target=f"user {user.get_username()}")


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")[:150]
    audit.record("auth.sign_in_failed", request=request, actor="anonymous", target=f"user {username}")


@receiver(post_save, sender=LogEntry)
def _admin_action(sender, instance: LogEntry, created, **kwargs):
    if not created:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    label = model._meta.label if model is not None else "?"
    audit.record(_ADMIN_ACTIONS.get(instance.action_flag, "admin.action"), actor=instance.user.get_username(),
                 target=f"{label}:{instance.object_id} {instance.object_repr}"[:300],
                 message=instance.get_change_message())


def _m2m(action_name):
    def handler(sender, instance, action, pk_set, model, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        names = sorted(str(o) for o in model.objects.filter(pk__in=pk_set or [])) if pk_set else []
        audit.record(action_name, target=f"{instance._meta.label}:{instance.pk} {instance}"[:300],
                     change=action.removeprefix("post_"), items=names)
    return handler


User = get_user_model()
m2m_changed.connect(_m2m("permission.groups"), sender=User.groups.through, weak=False,
                    dispatch_uid="audit-user-groups")
m2m_changed.connect(_m2m("permission.user_permissions"), sender=User.user_permissions.through, weak=False,
                    dispatch_uid="audit-user-perms")
m2m_changed.connect(_m2m("permission.group_permissions"), sender=Group.permissions.through, weak=False,
                    dispatch_uid="audit-group-perms")
