"""The product's own system checks (tyreso_it.core.checks)."""

from __future__ import annotations

from tyreso_it.core import checks


def ids(found) -> list[str]:
    return [message.id for message in found]


def test_sessions_without_redis_are_warned_of_in_a_deployment(settings):
    settings.REDIS_URL = ""
    assert ids(checks.shared_cache(None)) == ["tyreso_it.W001"]
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert checks.shared_cache(None) == []
