"""How the API knows who is asking: the browser's session, a personal API token, or (with
single sign-on) an access token of the municipality's OpenID provider.

The classes tried are `REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]` in the settings, in
order (`API_AUTHENTICATION_CLASSES`): personal tokens before the provider's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from organisation import access, oidc
from organisation.selectors import user_by_employee_id

from .models import ApiToken
from .selectors import token_by_digest
from .services import SECRET_PREFIX, token_digest, token_touch


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's login, with Django's CSRF check on every write (DRF's own)."""

    def authenticate_header(self, request):
        # A 401 rather than a 403 for anyone without credentials, so scripts learn to send a
        # token; the header names the scheme they can use.
        return 'Bearer realm="api"'


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <personal API token>`.

    Only tokens of this product (they start with `SECRET_PREFIX`) are looked at; any other
    bearer token is left to the next class, so an OpenID provider's tokens can be added
    after this one. A token of ours that is unknown, revoked or expired, or whose owner is
    no longer active, is refused outright.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token after “Bearer ”, nothing more."))
        secret = header[1]
        if not secret.startswith(SECRET_PREFIX):
            return None
        token = token_by_digest(token_digest(secret))
        if token is None or not token.owner.is_active:
            raise exceptions.AuthenticationFailed(_("The API token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The API token has been revoked."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("The API token has expired."))
        token_touch(token=token)
        return _with_access(token.owner), token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def _with_access(user):
    """The person with their permissions and standing from the access cache, as for a
    session's user (organisation.backends.PermissionBackend.get_user): one query, the access
    token."""
    entry = access.load(user.pk)
    if entry is not None:
        user._access = entry
    return user


logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProviderToken:
    """An access token of the identity provider a request came with (`request.auth`)."""

    subject: str
    client: str
    scopes: frozenset[str]

    @property
    def may_write(self) -> bool:
        scope = settings.OIDC_API_WRITE_SCOPE
        return bool(scope) and scope in self.scopes


class ProviderTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <access token>` issued by the municipality's OpenID provider
    to another system or a script, with single sign-on configured (and OIDC_API_BEARER).

    The token (a JWT) is checked here against the provider's keys
    (`organisation.oidc.access_token_claims`), and its person found by the employee-id claim
    as a login through the provider finds them. Refused outright: a token that is not valid,
    has expired, is for another audience, or whose person is unknown here or deactivated.
    It reads only, unless it carries OIDC_API_WRITE_SCOPE.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        if not (settings.SSO_ENABLED and settings.OIDC_API_BEARER):
            return None
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if len(header) != 2 or header[0].lower() != self.keyword.lower():
            return None
        try:
            claims = oidc.access_token_claims(header[1])
        except jwt.ExpiredSignatureError:
            raise exceptions.AuthenticationFailed(
                _("The access token has expired.")) from None
        except jwt.InvalidAudienceError:
            raise exceptions.AuthenticationFailed(
                _("The access token is not meant for this API.")) from None
        except oidc.ProviderUnreachable as error:
            logger.warning("API: the identity provider's keys could not be read: %s", error)
            raise ProviderUnavailable from None
        except jwt.PyJWTError:
            raise exceptions.AuthenticationFailed(
                _("The access token is not valid.")) from None
        employee_id = str(claims.get(settings.OIDC_CLAIM_EMPLOYEE_ID) or "").strip()
        user = user_by_employee_id(employee_id)
        if user is None:
            raise exceptions.AuthenticationFailed(
                _("The access token's person has no account here: they log in once "
                  "through single sign-on first."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(
                _("The access token's person no longer has access here."))
        token = ProviderToken(subject=str(claims["sub"]),
                              client=str(claims.get("client_id") or claims.get("azp") or ""),
                              scopes=frozenset(oidc.token_scopes(claims)))
        return _with_access(user), token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ProviderUnavailable(exceptions.APIException):
    status_code = 503
    default_code = "provider_unavailable"

    def __init__(self):
        super().__init__(_("The municipality's identity provider does not answer; try again "
                           "in a while."))


def request_token(request) -> ApiToken | None:
    """The personal token the request came with, if any."""
    return request.auth if isinstance(request.auth, ApiToken) else None
