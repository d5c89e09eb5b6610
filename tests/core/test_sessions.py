"""Sessions are read from the cache (no query per page) and kept in the database, so logging
in, using the app and logging out all work while Redis is away (tyreso_it.core.sessions)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tyreso_it.core import sessions

pytestmark = pytest.mark.django_db

UNREACHABLE = "redis://127.0.0.1:1/0"
PASSWORD = "ett-långt-lösenord-2026"


@pytest.fixture
def person():
    user = factories.UserFactory()
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def redis_away(settings):
    """The product's cache at an address where nothing listens."""
    settings.CACHES = {
        "default": {"BACKEND": "tyreso_it.core.cache.RedisCache", "LOCATION": UNREACHABLE}
    }


def log_in(client, person):
    response = client.post(reverse("login"),
                           {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def test_a_page_reads_the_session_from_the_cache_not_the_database(client, person):
    log_in(client, person)
    client.get(reverse("home"))  # the first read may fill the cache

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200

    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"]]


def test_logging_out_ends_the_session_in_the_database_and_the_cache(client, person):
    log_in(client, person)
    key = client.session.session_key
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(sessions.SessionStore.cache_key_prefix + key) is None
    assert client.get(reverse("home")).status_code == 302  # to the login page


def test_a_session_stays_in_the_cache_for_at_most_five_minutes(client, person):
    log_in(client, person)
    store = sessions.SessionStore(client.session.session_key)
    assert store._cache_seconds(store.get_expiry_age()) == sessions.CACHE_SECONDS == 300


def test_logging_in_using_the_app_and_logging_out_work_while_redis_is_away(
    client, person, redis_away
):
    log_in(client, person)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["user"] == person

    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("home")).status_code == 302


def test_logging_in_using_the_app_and_logging_out_work_when_every_cache_call_fails(
    client, person, cache_away
):
    log_in(client, person)
    key = client.session.session_key
    assert client.get(reverse("home")).context["user"] == person
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("home")).status_code == 302
    assert {"get", "set", "delete"} <= set(cache_away.calls)


@pytest.mark.redis
def test_a_session_in_redis_is_signed_json_and_a_tampered_one_is_read_from_the_database(
    client, person, redis, settings
):
    import redis as redis_py

    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": redis, "KEY_PREFIX": "test-sessions"}}
    cache.clear()  # nothing left from an earlier run (the access cache's entries)
    log_in(client, person)
    key = cache.make_key(sessions.SessionStore.cache_key_prefix + client.session.session_key)
    raw = redis_py.Redis.from_url(redis)
    stored = raw.get(key)
    assert stored.startswith(b"tj1:") and b"_auth_user_id" in stored
    assert 0 < raw.ttl(key) <= sessions.CACHE_SECONDS

    # Someone with write access to Redis makes the session another person's: not believed.
    other = factories.UserFactory()
    forged = stored.replace(f'"_auth_user_id":"{person.pk}"'.encode(),
                            f'"_auth_user_id":"{other.pk}"'.encode())
    assert forged != stored
    raw.set(key, forged)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200, response
    assert response.context["user"] == person
    assert [q for q in ctx.captured_queries if "django_session" in q["sql"]]
    cache.clear()
