"""Checks a production web process makes before serving (kiki/wsgi.py,
kiki/asgi.py): the ones that need the database, so settings cannot make them."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError


def demo_password_in_use() -> bool:
    """Whether any active account still signs in with the demo password."""
    from django.contrib.auth import get_user_model

    try:
        users = list(get_user_model().objects.filter(is_active=True, username=settings.KIKI_DEMO_USER))
    except DatabaseError:  # no tables yet: nothing to sign in with
        return False
    return any(u.check_password(settings.DEMO_PASSWORD_DEFAULT) or u.check_password(settings.KIKI_DEMO_PASSWORD)
               for u in users)


def check_production() -> None:
    """Raise ImproperlyConfigured when KIKI_PRODUCTION is on and the demo account is usable."""
    if settings.PRODUCTION and demo_password_in_use():
        raise ImproperlyConfigured(
            f"Refusing to start with KIKI_PRODUCTION on: the user {settings.KIKI_DEMO_USER!r} still has the "
            "demo password; change it (manage.py changepassword) or deactivate the account")
