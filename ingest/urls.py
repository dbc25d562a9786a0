"""URL routes for this app."""
from django.urls import include, path

from .sync_api import start_sync

urlpatterns = [
    path("scim/v2/", include("ingest.scim.urls")),
    path("api/sync/<str:source>", start_sync, name="api-sync"),
]
