"""Bearer-token authentication for /scim/v2/ (tokens: ingest.models.ScimToken)."""
from __future__ import annotations

from scim2_models import UnauthorizedException

from ingest.models import ScimToken


def authenticate(request) -> ScimToken:
    """The active token the request carries; raises UnauthorizedException (401)."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise UnauthorizedException(detail="missing bearer token")
    token = ScimToken.authenticate(raw.strip())
    if token is None:
        raise UnauthorizedException(detail="invalid or revoked bearer token")
    return token
