"""Reads of API tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from organisation.models import User

from .models import ApiToken


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's own tokens, newest first (no one sees another person's tokens)."""
    return ApiToken.objects.filter(owner=user).order_by("-created_at", "-pk")


def token_by_digest(digest: str) -> ApiToken | None:
    """The token with this digest, with its owner, in one query; None when there is none."""
    return ApiToken.objects.select_related("owner").filter(digest=digest).first()
