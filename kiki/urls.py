"""Top-level URL map; each app owns its own urls module."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("kiki.assistant_urls")),
    path("", include("ingest.urls")),
    path("", include("slackbot.urls")),
    path("", include("wiki.urls")),
]

handler400 = "wiki.views.errors.bad_request"
