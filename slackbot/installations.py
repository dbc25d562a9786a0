"""slack_sdk's installation and OAuth-state stores over Django's database, so
bolt's OAuth flow (/slack/install -> Slack -> /slack/oauth_redirect) records
each workspace's bot token where the worker can find it."""
from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta, timezone

from django.conf import settings
from django.db import transaction
from slack_bolt.error import BoltError
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore

from .models import SlackInstallation, SlackOAuthState

STATE_TTL = timedelta(minutes=10)


def _where(enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None) -> dict:
    # An org-wide (Enterprise Grid) install answers for every team of the enterprise.
    if is_enterprise_install:
        return {"enterprise_id": enterprise_id or "", "team_id": ""}
    return {"enterprise_id": enterprise_id or "", "team_id": team_id or ""}


def allowed(enterprise_id: str | None, team_id: str | None) -> bool:
    """Whether Kiki may be installed in (and answer in) this workspace or
    Enterprise Grid organization: its team id is in SLACK_ALLOWED_TEAMS or
    its enterprise id in SLACK_ALLOWED_ENTERPRISES."""
    return bool((team_id and team_id in settings.SLACK_ALLOWED_TEAMS)
                or (enterprise_id and enterprise_id in settings.SLACK_ALLOWED_ENTERPRISES))


class InstallNotAllowed(BoltError):
    """bolt shows its installation-failed page when the store raises a BoltError."""


class DjangoInstallationStore(InstallationStore):
    def save(self, installation: Installation) -> None:
        if not allowed(installation.enterprise_id, installation.team_id):
            raise InstallNotAllowed(
                f"Kiki may not be installed in Slack workspace {installation.team_id or '-'} "
                f"(enterprise {installation.enterprise_id or '-'}): add it to SLACK_ALLOWED_TEAMS or "
                "SLACK_ALLOWED_ENTERPRISES")
        data = json.loads(json.dumps(installation.to_dict(), default=str))
        where = _where(installation.enterprise_id, installation.team_id, installation.is_enterprise_install)
        with transaction.atomic():
            SlackInstallation.objects.update_or_create(**where, defaults={
                "team_name": installation.team_name or "",
                "is_enterprise_install": bool(installation.is_enterprise_install),
                "bot_token": installation.bot_token or "",
                "bot_id": installation.bot_id or "",
                "bot_user_id": installation.bot_user_id or "",
                "data": data,
                "installed_at": datetime.fromtimestamp(installation.installed_at, timezone.utc),
            })

    def save_bot(self, bot: Bot) -> None:
        # A bot alone (token rotation) is an installation without an installing user.
        self.save(Installation(
            app_id=bot.app_id, enterprise_id=bot.enterprise_id, enterprise_name=bot.enterprise_name,
            team_id=bot.team_id, team_name=bot.team_name, bot_token=bot.bot_token, bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id, bot_scopes=bot.bot_scopes, bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at, is_enterprise_install=bot.is_enterprise_install,
            installed_at=bot.installed_at, user_id=""))

    def _row(self, enterprise_id, team_id, is_enterprise_install) -> SlackInstallation | None:
        row = SlackInstallation.objects.filter(**_where(enterprise_id, team_id, is_enterprise_install)).first()
        if row is None and enterprise_id and not is_enterprise_install:
            row = SlackInstallation.objects.filter(enterprise_id=enterprise_id, team_id="",
                                                   is_enterprise_install=True).first()
        return row

    def find_installation(self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
                          is_enterprise_install: bool | None = False) -> Installation | None:
        row = self._row(enterprise_id, team_id, is_enterprise_install)
        if row is None or not row.bot_token or not allowed(row.enterprise_id or enterprise_id, row.team_id or team_id):
            return None
        return Installation(**row.data)

    def find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                 is_enterprise_install: bool | None = False) -> Bot | None:
        installation = self.find_installation(enterprise_id=enterprise_id, team_id=team_id,
                                              is_enterprise_install=is_enterprise_install)
        return installation.to_bot() if installation else None

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                            user_id: str | None = None) -> None:
        SlackInstallation.objects.filter(**_where(enterprise_id, team_id, False)).delete()

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class DjangoOAuthStateStore(OAuthStateStore):
    def issue(self, *args, **kwargs) -> str:
        state = secrets.token_urlsafe(24)
        now = datetime.now(timezone.utc)
        SlackOAuthState.objects.filter(expire_at__lt=now).delete()
        SlackOAuthState.objects.create(state=state, expire_at=now + STATE_TTL)
        return state

    def consume(self, state: str) -> bool:
        # Delete-and-count in one statement: a state works once, and only before it expires.
        deleted, _ = SlackOAuthState.objects.filter(state=state or "",
                                                    expire_at__gte=datetime.now(timezone.utc)).delete()
        return deleted > 0
