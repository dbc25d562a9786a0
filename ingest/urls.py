"""URL routes for this app."""
from django.urls import include, path

urlpatterns = [
    path("scim/v2/", include("ingest.scim.urls")),
]
