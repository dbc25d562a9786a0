"""Accounts and their traces: scoped API tokens, the audit log, rate limits
and personal-data export/erasure. Sign-in and identity live in kiki/
(identity.py, login_required.py, oidc.py)."""
