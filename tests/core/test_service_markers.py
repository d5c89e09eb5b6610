"""The `postgres` and `redis` markers: skip where the service is missing, fail in CI."""

from __future__ import annotations

import pytest
from django.db import connection

from tests import conftest


@pytest.fixture
def outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")


@pytest.fixture
def without_postgres(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")


@pytest.fixture
def without_redis(monkeypatch, settings):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    settings.REDIS_URL = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize("value", ["true", "1", "yes", "True"])
def test_ci_is_recognised_by_its_usual_values(value, monkeypatch):
    monkeypatch.setenv("CI", value)
    assert conftest.running_in_ci()


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_ci_is_off_when_unset_or_false(value, monkeypatch):
    monkeypatch.setenv("CI", value)
    assert not conftest.running_in_ci()


@pytest.mark.usefixtures("outside_ci", "without_postgres")
def test_a_postgres_test_is_skipped_with_the_reason_outside_ci():
    with pytest.raises(pytest.skip.Exception, match="needs PostgreSQL"):
        conftest.require_postgres()


@pytest.mark.usefixtures("in_ci", "without_postgres")
def test_a_postgres_test_fails_instead_of_skipping_in_ci():
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        conftest.require_postgres()


def test_a_postgres_test_runs_on_postgres(monkeypatch, in_ci):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    conftest.require_postgres()


@pytest.mark.usefixtures("outside_ci", "without_redis")
def test_a_redis_test_is_skipped_when_redis_does_not_answer():
    with pytest.raises(pytest.skip.Exception, match="does not answer"):
        conftest.require_redis()


@pytest.mark.usefixtures("in_ci", "without_redis")
def test_a_redis_test_fails_in_ci_when_redis_does_not_answer():
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        conftest.require_redis()


@pytest.mark.usefixtures("outside_ci")
def test_a_redis_test_is_skipped_when_redis_url_is_not_set(monkeypatch, settings):
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings.REDIS_URL = ""

    with pytest.raises(pytest.skip.Exception, match="REDIS_URL is not set"):
        conftest.require_redis()
