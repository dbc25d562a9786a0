"""Workspaces Kiki is installed in through Slack's OAuth flow (only used when
SLACK_CLIENT_ID is set; a single workspace runs on SLACK_BOT_TOKEN alone)."""
from __future__ import annotations

from django.db import models


class SlackInstallation(models.Model):
    # "" rather than NULL, so the unique constraint also holds for non-Grid workspaces.
    enterprise_id = models.CharField(max_length=32, blank=True, default="")
    team_id = models.CharField(max_length=32, blank=True, default="")
    team_name = models.CharField(max_length=200, blank=True, default="")
    is_enterprise_install = models.BooleanField(default=False)
    # Slack's bot token for that workspace: whoever reads this table can post as Kiki there.
    bot_token = models.TextField()
    bot_id = models.CharField(max_length=32, blank=True, default="")
    bot_user_id = models.CharField(max_length=32, blank=True, default="")
    data = models.JSONField(help_text="the whole installation as Slack returned it (slack_sdk Installation)")
    installed_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enterprise_id", "team_id"],
                                               name="slack_installation_per_workspace")]

    def __str__(self) -> str:
        return f"{self.team_name or self.team_id or self.enterprise_id} ({self.bot_user_id})"


class SlackOAuthState(models.Model):
    """The `state` of an install link: issued by /slack/install, used once by the redirect."""
    state = models.CharField(max_length=64, unique=True)
    expire_at = models.DateTimeField(db_index=True)
