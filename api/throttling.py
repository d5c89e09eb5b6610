"""Requests per token (or per person, for the browser's session), counted in the cache."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .authentication import request_token


class TokenRateThrottle(SimpleRateThrottle):
    """`API_THROTTLE_RATE` requests per token; a session counts as its person's, and an
    anonymous caller by address (they are refused anyway, but not for free)."""

    scope = "api"

    def get_rate(self) -> str | None:
        # Read at each request (DRF reads it once, at import), so a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str:
        token = request_token(request)
        if token is not None:
            ident = f"token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"addr:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
