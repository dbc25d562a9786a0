"""Bearer-token authentication for /scim/v2/: an API token
(accounts.models.ApiToken) with the "scim" scope, nothing else. Tokens from
before the upgrade were converted into such API tokens (ingest migration
0003), so an IdP's old "kiki_scim_…" token is one of them. Every use and
every refusal of a known token is in the audit log."""
from __future__ import annotations

from scim2_models import UnauthorizedException

from accounts import audit
from accounts.models import ApiToken
from accounts.tokens import bearer
from accounts.tokens import use as use_api_token


def authenticate(request) -> ApiToken:
    """The usable scim-scoped token the request carries; raises UnauthorizedException (401)."""
    raw = bearer(request)
    if raw is None:
        raise UnauthorizedException(detail="missing bearer token")
    token = ApiToken.find(raw)
    if token is None:
        raise UnauthorizedException(detail="invalid bearer token")
    if not token.usable or ApiToken.SCIM not in token.scopes:
        # 401, not 403, for a missing scope: to an IdP this token is simply not a SCIM credential.
        audit.record("token.refused", request=request, actor="anonymous", target=f"token {token.prefix}…",
                     state=token.state if not token.usable else "missing scope", scope="scim")
        raise UnauthorizedException(detail="invalid, expired or revoked bearer token, or no 'scim' scope")
    use_api_token(token, ApiToken.SCIM, request)
    return token
