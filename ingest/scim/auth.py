"""Bearer-token authentication for /scim/v2/: a SCIM token
(ingest.models.ScimToken) or an API token with the "scim" scope
(accounts.models.ApiToken). Every use is in the audit log."""
from __future__ import annotations

from scim2_models import UnauthorizedException

from accounts import audit
from accounts.models import ApiToken
from accounts.tokens import use as use_api_token
from ingest.models import ScimToken


def authenticate(request) -> ScimToken | ApiToken:
    """The usable token the request carries; raises UnauthorizedException (401)."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        raise UnauthorizedException(detail="missing bearer token")
    api_token = ApiToken.find(raw)
    if api_token is not None:
        if not api_token.usable or ApiToken.SCIM not in api_token.scopes:
            audit.record("token.refused", request=request, actor="anonymous", target=f"token {api_token.prefix}…",
                         state=api_token.state if not api_token.usable else "missing scope", scope="scim")
            raise UnauthorizedException(detail="invalid, expired or revoked bearer token, or no 'scim' scope")
        use_api_token(api_token, ApiToken.SCIM, request)
        return api_token
    token = ScimToken.authenticate(raw)
    if token is None:
        raise UnauthorizedException(detail="invalid or revoked bearer token")
    audit.record("token.use", request=request, actor=f"SCIM token {token.prefix}…",
                 target=f"SCIM token {token.prefix}…", scope="scim", method=request.method, path=request.path[:200])
    return token
