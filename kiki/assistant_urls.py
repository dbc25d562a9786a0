"""URL routes for this app."""
from django.urls import path

from kiki.views.search_api import search_api

urlpatterns = [
    path("api/search", search_api, name="api-search"),
]
