"""Admins see which workspaces Kiki is installed in and can remove one
(deleting the row revokes Kiki's use of that workspace's token here)."""
from django.contrib import admin

from .models import SlackInstallation


@admin.register(SlackInstallation)
class SlackInstallationAdmin(admin.ModelAdmin):
    list_display = ("team_name", "team_id", "enterprise_id", "bot_user_id", "installed_at", "updated_at")
    search_fields = ("team_name", "team_id", "enterprise_id")
    # The token stays out of the page: whoever sees it can post as Kiki.
    exclude = ("bot_token", "data")
    readonly_fields = ("team_name", "team_id", "enterprise_id", "is_enterprise_install", "bot_id", "bot_user_id",
                       "installed_at", "updated_at")

    def has_add_permission(self, request):
        return False  # installations come from Slack's OAuth flow (/slack/install)
