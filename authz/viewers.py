"""The viewer a Django user reads the graph as, and the role checks views use.

Roles are groups: `reader` (everyone), `editor` (may edit pages), `admin`
(sees and edits everything; superusers count as admins). The HR group
(settings.KIKI_HR_GROUP) sees HR-level personal fields. A user's Person page
(the one with the user's verified email) gives the "management chain" field level.
"""
from __future__ import annotations

from django.conf import settings

from graph.access import PUBLIC, Viewer


def _group_names(user) -> frozenset[str]:
    cached = getattr(user, "_kiki_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._kiki_groups = cached
    return cached


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or settings.KIKI_ROLE_ADMIN in _group_names(user)))


def can_edit(user) -> bool:
    """Editing pages requires the editor (or admin) role."""
    return bool(user and user.is_authenticated and
                (is_admin(user) or settings.KIKI_ROLE_EDITOR in _group_names(user)))


def is_hr(user) -> bool:
    return bool(user and user.is_authenticated and settings.KIKI_HR_GROUP in _group_names(user))


def viewer_for_user(user, person_key: str | None = None) -> Viewer:
    """What `user` may see. Anonymous users get the public view (the login
    requirement is enforced separately; this is the safe default)."""
    if user is None or not user.is_authenticated:
        return PUBLIC
    if person_key is None:
        person_key = person_of(user)
    return Viewer(groups=_group_names(user), person_key=person_key or None, everything=is_admin(user), hr=is_hr(user))


def person_of(user) -> str | None:
    """The Person key of a signed-in user: the Person with the user's
    (verified) email, or None. Usernames are never matched against Person
    keys, so choosing a username cannot put someone in a management chain."""
    from graph import identity

    email = (getattr(user, "email", "") or "").strip()
    found = identity.person_by_email(email) if email else None
    return found["key"] if found else None


_SESSION_PERSON = "kiki_person_key"


def remember_person_in_session(session, user) -> list:
    """[user pk, Person key or ""] for `user`, stored in `session` (if any)."""
    stored = [user.pk, person_of(user) or ""]
    if session is not None:
        session[_SESSION_PERSON] = stored
    return stored


def viewer_for(request) -> Viewer:
    """The signed-in user's viewer, computed once per request; the user's
    Person key is kept in the session so a page view costs no extra graph
    round trip for it."""
    cached = getattr(request, "_kiki_viewer", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    person_key = None
    if user is not None and user.is_authenticated:
        session = getattr(request, "session", None)
        stored = session.get(_SESSION_PERSON) if session is not None else None
        if stored is None or stored[0] != user.pk:
            stored = remember_person_in_session(session, user)
        person_key = stored[1] or None
    cached = viewer_for_user(user, person_key=person_key or "")
    request._kiki_viewer = cached
    return cached
