"""How the API knows who is asking: the browser's session, or a personal API token.

The classes tried are `REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]` in the settings, in
order; bearer tokens from the municipality's OpenID provider join that list as one more class
(`API_AUTHENTICATION_CLASSES`), without a change here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from organisation import access

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
        owner = token.owner
        # The owner's permissions and standing from the access cache, as for a session's user
        # (organisation.backends.PermissionBackend.get_user): one query, the access token.
        entry = access.load(owner.pk)
        if entry is not None:
            owner._access = entry
        return owner, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def request_token(request) -> ApiToken | None:
    """The personal token the request came with, if any."""
    return request.auth if isinstance(request.auth, ApiToken) else None
