"""Who is asking: a Slack user -> a Person key in the graph (by `slack_id`
on Person, else by the email Slack has for the user), and back (a Person ->
their Slack user id, to @-mention a lead); and what kind of Slack account it
is (a guest, or a Slack Connect user from another organisation), which
limits them to public information. Results are cached in Redis."""
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
class Account:
    """What Slack says about a user: their email, and whether they are a
    guest (single- or multi-channel) or from another organisation."""
    found: bool
    email: str | None = None
    guest: bool = False
    external: bool = False


def account(slack_user: str, client: WebClient, team: str | None = None, enterprise: str | None = None) -> Account:
    """users.info for `slack_user` (one call per user and hour, cached). A
    lookup that fails counts as not found, never as an ordinary member."""
    key = _cache_key("acct", team, slack_user)
    cached = state.cache_get(key)
    if cached is not None:
        found, guest, external, email = (cached.split("|", 3) + ["", "", "", ""])[:4]
        return Account(found == "1", email or None, guest == "1", external == "1")
    try:
        user = client.users_info(user=slack_user).get("user") or {}
    except SlackApiError as e:
        log.warning("users.info failed for %s: %s", slack_user, e.response.get("error"))
        user = {}
    if not user:
        state.cache_set(key, "0|0|0|", MISSING_TTL)
        return Account(False)
    guest = bool(user.get("is_restricted") or user.get("is_ultra_restricted"))
    home_enterprise = (user.get("enterprise_user") or {}).get("enterprise_id")
    external = bool(user.get("is_stranger")) or bool(
        team and user.get("team_id") and user["team_id"] != team
        and not (enterprise and home_enterprise == enterprise))
    email = ((user.get("profile") or {}).get("email") or "").replace("|", "")
    state.cache_set(key, f"1|{int(guest)}|{int(external)}|{email}", FOUND_TTL)
    return Account(True, email or None, guest, external)


@dataclass
class Asker:
    slack_user: str
    key: str | None = None      # Person key, None when unknown
    name: str | None = None
    why_unknown: str = ""       # a short, user-facing reason when key is None


def _cache_key(kind: str, team: str | None, value: str) -> str:
    # Per workspace: with several installed, one email has a user id in each.
    return f"{kind}:{team}:{value}" if team else f"{kind}:{value}"


def resolve(slack_user: str, client: WebClient, team: str | None = None, enterprise: str | None = None) -> Asker:
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
        email = account(slack_user, client, team, enterprise).email
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
