"""Single sign-on with OpenID Connect (mozilla-django-oidc), configured from the environment
alone (`tyreso_it/settings.py`, "Single sign-on").

The provider's endpoints come from its discovery document, fetched once when first needed
and kept for the process. The ID token is checked for its signature (the provider's keys),
issuer, audience, expiry and nonce; the code is exchanged with PKCE. The person is found and
their roles given by `organisation.services.user_sign_in_from_provider`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core import checks
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.middleware import SessionRefresh as BaseSessionRefresh

from . import services
from .backends import PermissionBackend
from .models import Role

logger = logging.getLogger(__name__)

#: What a discovery document must name for the login to work.
REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")

_documents: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def discovery() -> dict[str, Any]:
    """The provider's discovery document (OIDC_DISCOVERY_URL), fetched once per process.

    Raises `requests.RequestException` when the provider does not answer, and
    `ValueError` when the document lacks what the login needs.
    """
    url = settings.OIDC_DISCOVERY_URL
    document = _documents.get(url)
    if document is not None:
        return document
    with _lock:
        document = _documents.get(url)
        if document is None:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
            missing = [name for name in REQUIRED if not document.get(name)]
            if missing:
                raise ValueError(f"The discovery document at {url} lacks {', '.join(missing)}.")
            _documents[url] = document
    return document


def forget_discovery() -> None:
    """Fetch the discovery document again when next needed (a changed configuration)."""
    _documents.clear()


@checks.register(checks.Tags.security)
def check_group_roles(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """OIDC_GROUP_ROLES names only roles a group may give (not the register's own)."""
    codes = {code for _group, code in settings.OIDC_GROUP_ROLES}
    wrong = sorted(codes - set(Role.Code.values) | (codes & services.REGISTER_ROLES))
    if not wrong:
        return []
    return [checks.Error(
        f"OIDC_GROUP_ROLES names roles no group can give: {', '.join(wrong)}.",
        hint=f"Use codes of organisation.models.Role.Code but "
             f"{', '.join(sorted(services.REGISTER_ROLES))} (the register gives those).",
        id="organisation.E001",
    )]


def is_sso_session(request: HttpRequest) -> bool:
    """True when the request's login was made through the identity provider."""
    path = request.session.get(BACKEND_SESSION_KEY)
    if not path:
        return False
    try:
        return issubclass(import_string(path), OIDCAuthenticationBackend)
    except ImportError:
        return False


def provider_logout_url(request: HttpRequest) -> str:
    """Where logging out goes on to: the provider's end_session_endpoint (RP-initiated
    logout) for a login made there when the provider offers one, otherwise the login page.

    Called before the session ends (it reads the ID token kept in the session as the hint).
    """
    after = resolve_url(settings.LOGOUT_REDIRECT_URL)
    if not settings.SSO_ENABLED or not is_sso_session(request):
        return after
    try:
        endpoint = discovery().get("end_session_endpoint")
    except (requests.RequestException, ValueError):
        logger.warning("Logout: the identity provider's discovery document could not be read; "
                       "the session here ends, the provider's stays.")
        return after
    if not endpoint:
        return after
    params = {"client_id": settings.OIDC_RP_CLIENT_ID,
              "post_logout_redirect_uri": request.build_absolute_uri(after)}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"


def _claim(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    if value is None:
        return ""
    return str(value).strip()


def groups_of(claims: dict[str, Any]) -> list[str]:
    """The groups claim as a list (ADFS sends one group as a plain string)."""
    value = claims.get(settings.OIDC_CLAIM_GROUPS)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


class OIDCBackend(OIDCAuthenticationBackend):
    """Logs in through the identity provider: mozilla-django-oidc's backend with the endpoints
    from the discovery document, a strict check of the ID token, and the person found by the
    employee id.

    It holds no permissions of its own (PermissionBackend answers for every person), and it
    reads the request's user as PermissionBackend does, from the access cache.
    """

    def __init__(self, *args, **kwargs):
        # Nothing is fetched here: every password login builds this backend too.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802 (the library's name)
        return discovery()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str | None:  # noqa: N802
        return discovery().get("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return discovery()["jwks_uri"]

    def authenticate(self, request, **kwargs):
        # Only the callback of a login begun here (with its nonce) is ours.
        if not settings.SSO_ENABLED or request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """The ID token's claims, once its signature (only the configured algorithm), issuer,
        audience (this client), expiry and issue time are checked. A failed check raises
        the PyJWT error saying which (`jwt.ExpiredSignatureError`, ...)."""
        return jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=discovery()["issuer"],
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, with the userinfo endpoint's added when it is used (and only
        when it speaks of the same subject)."""
        claims = dict(payload)
        if settings.OIDC_USE_USERINFO and self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The userinfo answer is about another subject.")
            claims.update(info)
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        first_name = _claim(claims, settings.OIDC_CLAIM_GIVEN_NAME)
        last_name = _claim(claims, settings.OIDC_CLAIM_FAMILY_NAME)
        if not (first_name or last_name):
            first_name, _space, last_name = _claim(
                claims, settings.OIDC_CLAIM_NAME).rpartition(" ")
            if not first_name:
                first_name, last_name = last_name, ""
        return services.user_sign_in_from_provider(
            employee_id=_claim(claims, settings.OIDC_CLAIM_EMPLOYEE_ID),
            issuer=_claim(claims, "iss"),
            first_name=first_name,
            last_name=last_name,
            email=_claim(claims, settings.OIDC_CLAIM_EMAIL),
            groups=groups_of(claims),
            group_roles=settings.OIDC_GROUP_ROLES,
        )

    def get_user(self, user_id):
        return PermissionBackend().get_user(user_id)

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()


class SessionRefresh(BaseSessionRefresh):
    """Renews a login made through the provider every OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS (at
    most the idle timeout), silently (prompt=none) on the next full page asked for with GET.
    A provider that no longer lets the person in (an account disabled there) answers with an
    error, and the callback then ends the session here.

    Nothing happens without single sign-on, for a password login, or for htmx fragments
    (the next whole page renews).
    """

    def __init__(self, get_response):
        MiddlewareMixin.__init__(self, get_response)
        self.OIDC_EXEMPT_URLS = []
        self.OIDC_STATE_SIZE = 32
        self.OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
        self.OIDC_USE_NONCE = True
        self.OIDC_NONCE_SIZE = 32

    @property
    def OIDC_OP_AUTHORIZATION_ENDPOINT(self) -> str:  # noqa: N802
        return discovery()["authorization_endpoint"]

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_SCOPES(self) -> str:  # noqa: N802
        return settings.OIDC_RP_SCOPES

    def process_request(self, request):
        if not settings.SSO_ENABLED or request.headers.get("HX-Request") == "true":
            return None
        try:
            return super().process_request(request)
        except (requests.RequestException, ValueError):
            logger.warning("Renewing the login of %s: the identity provider does not answer.",
                           request.user.get_username())
            return None


_jwks_clients: dict[str, jwt.PyJWKClient] = {}


class ProviderUnreachable(Exception):
    """The provider's discovery document or keys could not be read."""


def _jwks_client() -> jwt.PyJWKClient:
    """The provider's signing keys (jwks_uri), kept for the process and fetched again when a
    token names a key not yet seen (the provider's key rotation)."""
    uri = discovery()["jwks_uri"]
    client = _jwks_clients.get(uri)
    if client is None:
        client = jwt.PyJWKClient(uri, cache_keys=True, lifespan=3600,
                                 timeout=settings.OIDC_TIMEOUT)
        _jwks_clients[uri] = client
    return client


def api_audience() -> str:
    """The audience an access token for the API must name: OIDC_API_AUDIENCE, or this
    client's id."""
    return settings.OIDC_API_AUDIENCE or settings.OIDC_RP_CLIENT_ID


def access_token_claims(token: str) -> dict[str, Any]:
    """The claims of an access token the provider issued for the API (a JWT), once checked
    locally against the provider's keys: signature (only the configured algorithm), issuer,
    audience (`api_audience`), expiry and issue time.

    It must be an access token (RFC 9068 `typ: at+jwt`, or one carrying a scope: `scp` or
    `scope`), so an ID token made for this client's login is not taken for one.

    Raises a `jwt.PyJWTError` saying what is wrong (`jwt.ExpiredSignatureError`,
    `jwt.InvalidAudienceError`, ...), and `ProviderUnreachable` when the provider cannot be
    asked for its keys.
    """
    header = jwt.get_unverified_header(token)
    try:
        issuer = discovery()["issuer"]
        key = _jwks_client().get_signing_key_from_jwt(token)
    except (requests.RequestException, ValueError, jwt.PyJWKClientConnectionError) as error:
        raise ProviderUnreachable(str(error)) from error
    claims = jwt.decode(
        token,
        key.key,
        algorithms=[settings.OIDC_RP_SIGN_ALGO],
        audience=api_audience(),
        issuer=issuer,
        leeway=settings.OIDC_API_LEEWAY_SECONDS,
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )
    typ = str(header.get("typ", "")).lower()
    if typ not in {"at+jwt", "application/at+jwt"} and not (
            claims.get("scp") or claims.get("scope")):
        raise jwt.InvalidTokenError("Not an access token (no at+jwt type and no scope).")
    return claims


def token_scopes(claims: dict[str, Any]) -> set[str]:
    """The scopes an access token carries (`scope` as a string, `scp` as Entra ID sends it)."""
    scopes: set[str] = set()
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            scopes.update(value.split())
        elif isinstance(value, list):
            scopes.update(str(item) for item in value)
    return scopes


def forget_keys() -> None:
    """Fetch the provider's keys again when next needed."""
    _jwks_clients.clear()
