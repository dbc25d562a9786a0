"""Who a Slack user is in the graph: their Person page by Slack id, else by
email. A signed-in web user's Person is found by verified email as well
(authz.viewers.person_of)."""
from __future__ import annotations

from . import driver

PERSON_BY_SLACK_ID = """
MATCH (p:Person {slack_id: $slack_id})
RETURN p.key AS key, p.name AS name
ORDER BY coalesce(p.status, 'active') = 'active' DESC
LIMIT 1
"""

# Emails are matched as given and lower-cased, so the person_email index is used.
PERSON_BY_EMAIL = """
MATCH (p:Person) WHERE p.email IN $emails
RETURN p.key AS key, p.name AS name
ORDER BY coalesce(p.status, 'active') = 'active' DESC
LIMIT 1
"""

# Fallback for emails stored with capitals (Bo@Acme.com): a scan of Person
# nodes, so it runs only when the indexed lookup found nobody (and the
# result is cached by the caller).
PERSON_BY_EMAIL_ANY_CASE = """
MATCH (p:Person) WHERE toLower(p.email) = $email
RETURN p.key AS key, p.name AS name
ORDER BY coalesce(p.status, 'active') = 'active' DESC
LIMIT 1
"""


def person_by_slack_id(slack_id: str) -> dict | None:
    rows = driver.read(PERSON_BY_SLACK_ID, slack_id=slack_id)
    return rows[0] if rows else None


def person_by_email(email: str) -> dict | None:
    emails = sorted({email, email.strip().lower()})
    rows = driver.read(PERSON_BY_EMAIL, emails=emails) or \
        driver.read(PERSON_BY_EMAIL_ANY_CASE, email=email.strip().lower())
    return rows[0] if rows else None
