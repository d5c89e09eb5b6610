"""Who may call the API at all. What each person sees is decided by the selectors, and what
they may do by the services, exactly as on the pages: these classes add only what is the
API's own (a read-only token reads only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .authentication import ProviderToken


class ApiAccess(permissions.BasePermission):
    """Logged in (session or token); a write needs a read-and-write token, a provider's
    access token with OIDC_API_WRITE_SCOPE, or the session."""

    message = _("This API token may only read: make a read-and-write token to write.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            # Unauthenticated: DRF answers 401 with the authentication classes' header.
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        # A personal token or a provider's access token writes only when it may; the
        # session (request.auth None) always.
        if getattr(request.auth, "may_write", True):
            return True
        if isinstance(request.auth, ProviderToken):
            self.message = _("This access token may only read: writing needs an access token "
                             "with the scope the IT unit names for it.")
        return False
