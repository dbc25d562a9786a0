"""Sign-in and sign-out routes, and single sign-on's (which answer 404 while
single sign-on is not configured, see kiki/oidc.py)."""
from django.urls import include, path
from django.views.generic import RedirectView

from kiki.views.accounts import LoginView, LogoutView

urlpatterns = [
    path("login", LoginView.as_view(), name="login"),
    path("logout", LogoutView.as_view(), name="logout"),
    # One sign-in page: the admin's own login form would bypass SSO and Kiki's page.
    path("admin/login/", RedirectView.as_view(url="/login", query_string=True), name="admin-login"),
    path("oidc/", include("mozilla_django_oidc.urls")),
]
