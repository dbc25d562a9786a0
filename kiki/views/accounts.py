"""Sign in (local accounts, and the single sign-on button when OIDC is
configured) and sign out. Django's own auth views do the work: the password
check goes through django-axes (locked out after repeated failures) and
sign-out is POST only, so a link on another site cannot sign anyone out."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, sso_enabled=settings.KIKI_OIDC_ENABLED,
                                        sso_name=settings.KIKI_OIDC_NAME)


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]
