"""URL routes for this app."""
from django.urls import path

from kiki.views.ask_api import ask_page, ask_stream_view, ask_view, rating_view
from kiki.views.search_api import search_api

urlpatterns = [
    path("api/search", search_api, name="api-search"),
    path("ask", ask_page, name="ask"),
    path("api/ask", ask_view, name="api-ask"),
    path("api/ask/stream", ask_stream_view, name="api-ask-stream"),
    path("api/answers/<str:message_id>/rating", rating_view, name="api-answer-rating"),
]
