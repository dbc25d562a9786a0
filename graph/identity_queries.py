"""Linking a signed-in user to their Person page (by verified work email)."""
from __future__ import annotations

from . import driver

# Emails are stored lower-cased by ingest (ingest/identity.py); the index on
# Person(email) makes this one seek. A retired person keeps no identity.
PERSON_KEY_FOR_EMAIL = """
MATCH (p:Person {email: $email})
WHERE coalesce(p.status, 'active') <> 'retired'
RETURN p.key AS key
ORDER BY p.key
LIMIT 1
"""


def person_key_for_email(email: str) -> str | None:
    """The key of the Person whose work email is `email` (case-insensitive), or None."""
    rows = driver.read_once(PERSON_KEY_FOR_EMAIL, email=email.strip().lower())
    return rows[0]["key"] if rows else None
