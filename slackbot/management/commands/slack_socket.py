"""Run Kiki's Slack app over Socket Mode (no public URL needed): the same
listeners as /slack/events, connected with the app-level token SLACK_APP_TOKEN."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Connect Kiki to Slack over Socket Mode (needs SLACK_APP_TOKEN, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)."

    def handle(self, *args, **options):
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        from slackbot.app import build_app

        if not settings.SLACK_APP_TOKEN:
            raise CommandError("SLACK_APP_TOKEN must be set (an app-level token, xapp-…) for Socket Mode")
        app = build_app(socket_mode=True)
        self.stdout.write("Kiki is connecting to Slack over Socket Mode…")
        SocketModeHandler(app, settings.SLACK_APP_TOKEN).start()
