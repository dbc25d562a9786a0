"""What Kiki may say where it is asked. Everyone in a channel reads the
answer, so in channels Kiki answers with what every member of the workspace
may see (the public view). In a direct message or an ephemeral reply (a slash
command's "Only you can see this") it uses the asker's own rights. Guests,
Slack Connect users from other organisations and users Kiki cannot map to a
Person get only public information, and are told why."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from slack_sdk import WebClient

from authz.viewers import viewer_for_user
from graph.access import PUBLIC, Viewer

from . import identity


@dataclass
class Reach:
    viewer: Viewer
    asker: identity.Asker
    note: str = ""       # told to the asker when their answer is limited


def private_place(req: dict) -> bool:
    """A direct message (D… channel) or an ephemeral reply to a slash command."""
    return bool(req.get("response_url")) or req.get("source") == "dm" or str(req.get("channel") or "").startswith("D")


def _viewer_for_person(person_key: str, email: str | None) -> Viewer:
    # The Person's Django account (the same email Slack has for them) carries
    # their groups; without one they are a plain reader.
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None:
        return Viewer(person_key=person_key)
    return viewer_for_user(user, person_key=person_key)


def reach(req: dict, client: WebClient) -> Reach:
    """The viewer an answer to `req` is written for, the asker, and why it is
    limited when the asker's own rights are not used."""
    team, enterprise = req.get("team"), req.get("enterprise")
    asker = identity.resolve(req["user"], client, team, enterprise)
    acct = identity.account(req["user"], client, team, enterprise)
    if not acct.found:
        return Reach(PUBLIC, asker, "I couldn't look up your Slack account, so I answered only with "
                                    "information everyone in the workspace may see.")
    if acct.external:
        return Reach(PUBLIC, asker, "You're from another organisation (Slack Connect), so I answered only with "
                                    "information everyone in the workspace may see.")
    if acct.guest:
        return Reach(PUBLIC, asker, "You're a guest in this workspace, so I answered only with information "
                                    "everyone in the workspace may see.")
    if asker.key is None:
        return Reach(PUBLIC, asker, f"I don't know who you are in the wiki ({asker.why_unknown}), so I answered "
                                    "only with information everyone in the workspace may see.")
    if not private_place(req):
        return Reach(PUBLIC, asker, "Everyone in this channel can read this, so I answered only with information "
                                    "everyone in the workspace may see; send me a direct message for the rest.")
    return Reach(_viewer_for_person(asker.key, acct.email), asker)
