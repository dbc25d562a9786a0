"""Who is asking, for the channels that know a user by something other than
their wiki account: the Person page ({key, name}) of a Slack user id or of an
email address (an active person first when several match)."""
from __future__ import annotations

from graph import identity


def person_by_slack_id(slack_id: str) -> dict | None:
    return identity.person_by_slack_id(slack_id)


def person_by_email(email: str) -> dict | None:
    """Matched as given and lower-cased, then (only if nobody matched) ignoring case."""
    return identity.person_by_email(email)
