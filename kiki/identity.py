"""Who is asking: the one place a request becomes an identity.

Every caller that needs "who is this" (web views, the JSON APIs, the
assistant's "my team") goes through these functions, never through a field of
the request body:

    principal_for(request) -> "user:<pk>" | None   owner of conversations and ratings
    person_for_user(user)  -> Person key | None     the user's own wiki page
    asker_for(request)     -> Person key | None     same, for the signed-in user
    viewer_for(request)    -> graph.access.Viewer   what the user may see

A user is linked to a Person only through a **verified email**: `user.email`
is set by an admin for local accounts, and for single sign-on only from an
`email_verified` claim (kiki/oidc.py clears it otherwise). Usernames are
never matched against Person keys, so choosing a username cannot make
someone else's page "mine".

The authorization engineer extends `viewer_for` (roles, HR groups, the
management chain); it stays the single function views call.
"""
from __future__ import annotations

from graph.access import Viewer



def principal_for(request) -> str | None:
    """A stable id for the signed-in user (API-token requests act as the
    token's user), or None for an anonymous request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return f"user:{user.pk}"


def person_for_user(user) -> str | None:
    """The Person key whose work email is the user's (verified) email, or None."""
    from authz.viewers import person_of

    return person_of(user)


def asker_for(request) -> str | None:
    """The signed-in user's Person key (the viewer's, cached per request and
    session), or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return viewer_for(request).person_key


def viewer_for(request) -> Viewer:
    """What the request's user may see (roles, groups, their Person by
    verified email); anyone not signed in sees public pages only. The one
    implementation is authz's, cached per request and session."""
    from authz.viewers import viewer_for as _viewer_for

    return _viewer_for(request)
