"""Who is asking: a Slack user -> a Person key in the graph (by `slack_id`
on Person, else by the email Slack has for the user), and back (a Person ->
their Slack user id, to @-mention a lead). Results are cached in Redis."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from kiki.assistant import people

from . import state

log = logging.getLogger(__name__)

FOUND_TTL = 3600
# Unknown users are re-checked sooner: they may be added to the wiki any time.
MISSING_TTL = 300
MISSING = "-"


@dataclass
class Asker:
    slack_user: str
    key: str | None = None      # Person key, None when unknown
    name: str | None = None
    why_unknown: str = ""       # a short, user-facing reason when key is None


def _cache_key(kind: str, team: str | None, value: str) -> str:
    # Per workspace: with several installed, one email has a user id in each.
    return f"{kind}:{team}:{value}" if team else f"{kind}:{value}"


def resolve(slack_user: str, client: WebClient, team: str | None = None) -> Asker:
    """The Person behind a Slack user. Never raises for Slack API failures
    (the user is then unknown, with the reason); raises GraphUnavailable if
    Neo4j is down."""
    who = _cache_key("who", team, slack_user)
    cached = state.cache_get(who)
    if cached is not None:
        if cached.startswith(MISSING):
            return Asker(slack_user, why_unknown=cached[len(MISSING):])
        key, _, name = cached.partition("|")
        return Asker(slack_user, key, name or None)

    row = people.person_by_slack_id(slack_user)
    why = ""
    if row is None:
        email = None
        try:
            profile = (client.users_info(user=slack_user).get("user") or {}).get("profile") or {}
            email = profile.get("email")
        except SlackApiError as e:
            log.warning("users.info failed for %s: %s", slack_user, e.response.get("error"))
        if email:
            row = people.person_by_email(email)
            if row is None:
                why = "your Slack account and email aren't linked to a person page in the wiki"
        else:
            why = "your Slack account isn't linked to a person page in the wiki and Slack shared no email"
    if row is None:
        state.cache_set(who, MISSING + why, MISSING_TTL)
        return Asker(slack_user, why_unknown=why)
    state.cache_set(who, f"{row['key']}|{row['name'] or ''}", FOUND_TTL)
    return Asker(slack_user, row["key"], row.get("name"))


def slack_user_for(person: dict, client: WebClient, team: str | None = None) -> str | None:
    """A Person's Slack user id: their `slack_id`, else users.lookupByEmail."""
    if person.get("slack_id"):
        return person["slack_id"]
    email = person.get("email")
    if not email:
        return None
    key = _cache_key("email", team, email.lower())
    cached = state.cache_get(key)
    if cached is not None:
        return cached or None
    user_id = ""
    try:
        user_id = (client.users_lookupByEmail(email=email).get("user") or {}).get("id") or ""
    except SlackApiError as e:
        # users_not_found is the normal answer for people not in this workspace.
        log.info("users.lookupByEmail(%s): %s", email, e.response.get("error"))
    state.cache_set(key, user_id, FOUND_TTL if user_id else MISSING_TTL)
    return user_id or None
