"""Top-level URL map; each app owns its own urls module."""
from django.contrib import admin
from django.urls import include, path

from accounts.views import personal_data

urlpatterns = [
    path("", include("kiki.accounts_urls")),  # before admin/: /admin/login/ goes to Kiki's sign-in page
    path("admin/personal-data/", personal_data, name="personal-data"),
    path("admin/", admin.site.urls),
    path("", include("kiki.assistant_urls")),
    path("", include("ingest.urls")),
    path("", include("slackbot.urls")),
    path("", include("wiki.urls")),
]

handler400 = "wiki.views.errors.bad_request"
