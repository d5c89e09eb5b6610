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


def test_a_claim_on_an_email_shorter_than_a_slow_send_is_warned_of(settings):
    settings.MAILERS = {"default": {"BACKEND": "tyreso_it.core.smtp.EmailBackend",
                                    "OPTIONS": {"host": "smtp", "timeout": 10}}}
    settings.OUTBOX_CLAIM_LEASE = 60
    assert ids(checks.outbox_claim_outlasts_a_send(None)) == ["tyreso_it.W003"]
    settings.OUTBOX_CLAIM_LEASE = 300
    assert checks.outbox_claim_outlasts_a_send(None) == []
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    settings.OUTBOX_CLAIM_LEASE = 1
    assert checks.outbox_claim_outlasts_a_send(None) == []
