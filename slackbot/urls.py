"""URL routes for Kiki in Slack: one endpoint for events, commands and interactivity,
and the two pages of the optional OAuth installation."""
from django.urls import path

from . import views

app_name = "slackbot"
urlpatterns = [
    path("slack/events", views.slack_events, name="events"),
    path("slack/install", views.slack_oauth, name="install"),
    path("slack/oauth_redirect", views.slack_oauth, name="oauth_redirect"),
]
