"""OIDC single sign-on on top of mozilla-django-oidc: issuer discovery, users
keyed by the provider's subject (not by email), and the verified-email rule.

Why not match users by email, as the library does by default: an identity
provider may let a person put any address in their profile. A user is found
by the (issuer, subject) pair instead, encoded in the username, and the email
Kiki links to a Person page (kiki/identity.py) is stored only when the
provider says it is verified (`email_verified`). An unverified address is
cleared, so such a user is signed in but has no "my team".
"""
from __future__ import annotations

import hashlib
import logging
import threading

import jwt
import requests
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

log = logging.getLogger(__name__)

# Setting name -> key of the provider's discovery document.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_discovery: dict[str, dict] = {}
_discovery_lock = threading.Lock()


def discovery(issuer: str) -> dict:
    """The issuer's openid-configuration, fetched once per process."""
    with _discovery_lock:
        if issuer not in _discovery:
            url = issuer + "/.well-known/openid-configuration"
            try:
                response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
                response.raise_for_status()
                doc = response.json()
            except (requests.RequestException, ValueError) as e:
                raise ImproperlyConfigured(f"KIKI_OIDC_ISSUER: cannot read {url}: {e}") from e
            if doc.get("issuer", "").rstrip("/") != issuer:
                raise ImproperlyConfigured(
                    f"KIKI_OIDC_ISSUER is {issuer!r} but its discovery document names {doc.get('issuer')!r}")
            _discovery[issuer] = doc
        return _discovery[issuer]


def oidc_setting(attr, *default):
    """A mozilla-django-oidc setting; endpoints left unset come from discovery."""
    if attr in _DISCOVERED and not getattr(settings, attr, None) and settings.KIKI_OIDC_ISSUER:
        value = discovery(settings.KIKI_OIDC_ISSUER).get(_DISCOVERED[attr])
        if value:
            return value
    return import_from_settings(attr, *default)


def _require_enabled():
    if not settings.KIKI_OIDC_ENABLED:
        raise Http404("single sign-on is not configured")


def username_for(claims: dict) -> str:
    """A stable username for the provider's subject (at most 150 characters)."""
    issuer = settings.KIKI_OIDC_ISSUER or settings.OIDC_OP_AUTHORIZATION_ENDPOINT or ""
    digest = hashlib.sha256(f"{issuer}\n{claims.get('sub', '')}".encode()).hexdigest()[:24]
    return f"sso-{digest}"


def verified_email(claims: dict) -> str:
    """The email claim if the provider marks it verified, else ''."""
    names = settings.KIKI_OIDC_CLAIMS
    email = claims.get(names["email"]) or ""
    verified = claims.get(names["email_verified"])
    if isinstance(verified, str):  # some providers send "true"
        verified = verified.lower() == "true"
    return email.strip().lower() if isinstance(email, str) and verified is True else ""


class KikiOIDCBackend(OIDCAuthenticationBackend):
    """Signs in through the authorization-code flow; does nothing (returns
    None) when single sign-on is not configured, so it can always be listed."""

    def __init__(self, *args, **kwargs):
        # The parent reads every endpoint at construction, and Django builds
        # backends for each password sign-in too: only do that when enabled.
        if settings.KIKI_OIDC_ENABLED:
            super().__init__(*args, **kwargs)

    get_settings = staticmethod(oidc_setting)

    def authenticate(self, request, **kwargs):
        if not settings.KIKI_OIDC_ENABLED or request is None or "code" not in request.GET:
            return None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def retrieve_matching_jwk(self, token):
        # A provider with one signing key may leave `kid` out of the token
        # (RFC 7515 makes it optional); the library insists on it.
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=self.get_settings("OIDC_TIMEOUT", None))
        response.raise_for_status()
        keys = [k for k in response.json().get("keys", []) if k.get("use", "sig") == "sig"]
        if len(keys) != 1:
            raise SuspiciousOperation("the ID token names no key and the provider has several")
        return jwt.PyJWK(keys[0])

    def _verify_jws(self, payload, key):
        # The library checks the signature only; the token must also be for
        # this client and, with an issuer configured, from that issuer.
        claims = super()._verify_jws(payload, key)
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the ID token is not for this client (aud)")
        issuer = settings.KIKI_OIDC_ISSUER
        if issuer and str(claims.get("iss", "")).rstrip("/") != issuer:
            raise SuspiciousOperation("the ID token is from another issuer (iss)")
        return claims

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=username_for(claims))

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(username_for(claims))
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        names = settings.KIKI_OIDC_CLAIMS
        user.email = verified_email(claims)
        user.first_name = str(claims.get(names["first_name"]) or "")[:150]
        user.last_name = str(claims.get(names["last_name"]) or "")[:150]
        user.set_unusable_password()
        user.save()
        if names["groups"]:
            wanted = claims.get(names["groups"]) or []
            if isinstance(wanted, list):
                user.groups.set(Group.objects.filter(name__in=[g for g in wanted if isinstance(g, str)]))
        return user


class KikiOIDCAuthenticationRequestView(OIDCAuthenticationRequestView):
    def __init__(self, *args, **kwargs):
        # Endpoints are read per request (see dispatch), not at URLconf load.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        _require_enabled()
        self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
        return super().dispatch(request, *args, **kwargs)


class KikiOIDCCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        _require_enabled()
        return super().dispatch(request, *args, **kwargs)
