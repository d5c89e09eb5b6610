"""Helpers for the API's tests: a client that speaks as a person with a personal token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api import services as token_services


def make_token(user, scope: str = "read_write", days: int = 30) -> str:
    return token_services.token_create(
        owner=user, name="Skript", scope=scope,
        expires_at=timezone.now() + timedelta(days=days)).secret


class ApiClient(Client):
    """A test client whose every request carries `Authorization: Bearer <token>` (if any)
    and asks for JSON."""

    def __init__(self, token: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.token = token

    def post(self, path, data=None, content_type="application/json", **extra):
        return super().post(path, data, content_type=content_type, **extra)

    def generic(self, method, path, data="", content_type="application/json", **extra):
        headers = dict(extra.pop("headers", None) or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return super().generic(method, path, data, content_type, headers=headers, **extra)


@pytest.fixture
def api_as():
    """`api_as(user)`: a client with a fresh read-and-write token of `user`; `api_as(None)`
    an anonymous one; `scope="read"` for a read-only token."""

    def make(user, scope: str = "read_write") -> ApiClient:
        return ApiClient(make_token(user, scope) if user is not None else None)

    return make


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """Tests make many requests in a moment; the throttle is tested on its own."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"api": "100000/minute"}}
