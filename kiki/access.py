"""Who may do what, for views and the wiki: the request's viewer and the
role checks (authz.viewers holds the logic; this is the stable entry point
other apps import)."""
from authz.viewers import can_edit, is_admin, is_hr, viewer_for, viewer_for_user  # noqa: F401
