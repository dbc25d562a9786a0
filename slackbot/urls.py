"""URL routes for Kiki in Slack: one endpoint for events, commands and interactivity."""
from django.urls import path

from . import views

app_name = "slackbot"
urlpatterns = [
    path("slack/events", views.slack_events, name="events"),
]
