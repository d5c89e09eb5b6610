"""The cache never fails a caller when Redis is away (tyreso_it.core.cache): every public
operation of Django's cache API answers as a miss, one warning is logged per outage, and after
a failure the process stops asking Redis for a cool-down, in every thread, then asks again.
None of these need a Redis: the client refuses, or the address is a closed port."""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time

import pytest
import redis
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache

from tests.conftest import RefusingRedis
from tyreso_it.core import cache as product_cache

CLOSED_PORT = "redis://127.0.0.1:1/0"

# What each operation of Django's cache API answers with Redis away; None for "nothing",
# ValueError for an operation that raises it as for a missing key (what the API says then).
ANSWERS = {
    "add": (("k", "v"), False),
    "get": (("k",), None),
    "set": (("k", "v"), None),
    "touch": (("k",), False),
    "delete": (("k",), False),
    "get_many": ((["k", "l"],), {}),
    "get_or_set": (("k", "made"), "made"),
    "has_key": (("k",), False),
    "incr": (("k",), ValueError),
    "decr": (("k",), ValueError),
    "set_many": (({"k": 1, "l": 2},), ["k", "l"]),
    "delete_many": ((["k", "l"],), None),
    "clear": ((), False),
    "incr_version": (("k",), ValueError),
    "decr_version": (("k",), ValueError),
    "close": ((), None),
}
#: BaseCache's public methods that only make or check keys, and never talk to Redis.
KEY_HELPERS = {"make_key", "validate_key", "make_and_validate_key", "get_backend_timeout"}


def public_operations() -> list[str]:
    """Every public operation of Django's cache API, sync and async, as BaseCache has them:
    a new one makes the test below fail until its answer is written down."""
    return sorted(name for name, _ in inspect.getmembers(BaseCache, inspect.isfunction)
                  if not name.startswith("_") and name not in KEY_HELPERS)


def sync_name(name: str) -> str:
    """`aget` → `get`: the async twin answers as the operation does."""
    return name[1:] if name.startswith("a") and name[1:] in ANSWERS else name


def test_every_operation_of_the_api_has_an_expected_answer():
    assert {sync_name(name) for name in public_operations()} == set(ANSWERS)


def call(backend, name: str, args: tuple):
    if sync_name(name) != name:
        return asyncio.run(getattr(backend, name)(*args))
    return getattr(backend, name)(*args)


@pytest.mark.parametrize("name", public_operations())
def test_every_operation_answers_as_a_miss_when_every_command_fails(cache_away, name):
    args, expected = ANSWERS[sync_name(name)]
    if expected is ValueError:
        with pytest.raises(ValueError):
            call(cache, name, args)
    else:
        assert call(cache, name, args) == expected
    if sync_name(name) != "close":
        assert cache_away.calls, "the operation never reached Redis: nothing was tested"
    assert "k" not in cache


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_every_operation_answers_as_a_miss_at_a_closed_port(settings, name):
    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": CLOSED_PORT, "OPTIONS": {"cooldown": 0}}}
    product_cache.breaker_for([CLOSED_PORT], 0).reset()
    args, expected = ANSWERS[name]
    if expected is ValueError:
        with pytest.raises(ValueError):
            call(cache, name, args)
    else:
        assert call(cache, name, args) == expected


def test_a_value_of_the_wrong_type_is_refused_even_while_redis_is_away(cache_away):
    with pytest.raises(TypeError):
        cache.set("k", object())
    assert cache_away.calls == []


def test_sessions_and_pages_in_one_request_ask_redis_once_then_not_for_the_cool_down(
    settings, monkeypatch, caplog
):
    location = "redis://breaker-test.invalid:6379/0"
    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": location, "OPTIONS": {"cooldown": 5}}}
    client = RefusingRedis()
    monkeypatch.setattr(product_cache.SignedRedisClient, "get_client",
                        lambda self, key=None, *, write=False: client)
    breaker = product_cache.breaker_for([location], 5)
    breaker.reset()
    clock = [1000.0]
    monkeypatch.setattr(product_cache.time, "monotonic", lambda: clock[0])

    with caplog.at_level(logging.INFO, logger="tyreso_it.core.cache"):
        assert cache.get("session") is None
        assert cache.get_many(["access", "generation"]) == {}
        cache.set("fragment", "<p>")
        assert len(client.calls) == 1  # only the first call waited on Redis

        # Another thread (Django gives each its own cache object) does not ask either.
        seen = []
        thread = threading.Thread(target=lambda: seen.append(cache.get("session", "miss")))
        thread.start()
        thread.join()
        assert seen == ["miss"] and len(client.calls) == 1

        clock[0] += 4.9
        assert cache.get("session") is None
        assert len(client.calls) == 1

        # After the cool-down one call asks again; still away, so the next ones do not.
        clock[0] += 0.2
        assert cache.get("session") is None
        assert cache.get("session") is None
        assert len(client.calls) == 2

        # Redis is back: the next call after the cool-down finds it, and the cache is used.
        monkeypatch.setattr(product_cache.SignedRedisClient, "get_client",
                            lambda self, key=None, *, write=False: Answering())
        clock[0] += 5.1
        assert cache.get("session") == "found"
        assert cache.get("session") == "found"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "does not answer" in warnings[0].getMessage()
    assert "redis-away" not in warnings[0].getMessage()
    assert any("answers again" in r.getMessage() for r in caplog.records)
    breaker.reset()


class Answering:
    """A client of a Redis that holds one signed entry for whatever key is asked."""

    def get(self, key):
        return product_cache.SignedJSONSerializer().dumps("found", key)


def test_a_refused_command_is_a_miss_without_stopping_the_cache(settings, monkeypatch,
                                                                caplog):
    location = "redis://refusing.invalid:6379/0"
    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": location}}

    class ReadOnly:
        def set(self, *args, **kwargs):
            raise redis.ReadOnlyError("You can't write against a read only replica.")

        def get(self, key):
            return None

    monkeypatch.setattr(product_cache.SignedRedisClient, "get_client",
                        lambda self, key=None, *, write=False: ReadOnly())
    product_cache.breaker_for([location], 5).reset()
    with caplog.at_level(logging.WARNING, logger="tyreso_it.core.cache"):
        cache.set("k", 1)
    assert "refused" in caplog.text
    assert product_cache.breaker_for([location], 5).allows()


def test_the_log_never_shows_the_redis_password(settings, caplog):
    location = "redis://:s3cret-passw0rd@127.0.0.1:1/3"
    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": location}}
    product_cache.breaker_for([location], 5).reset()
    with caplog.at_level(logging.WARNING, logger="tyreso_it.core.cache"):
        assert cache.get("k") is None
    assert "127.0.0.1:1/3" in caplog.text
    assert "s3cret" not in caplog.text
    product_cache.breaker_for([location], 5).reset()


def test_a_closed_port_costs_little_and_then_nothing(settings):
    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": CLOSED_PORT}}
    product_cache.breaker_for([CLOSED_PORT], 5).reset()
    started = time.perf_counter()
    for _ in range(100):
        cache.get("k")
    assert time.perf_counter() - started < 0.5
    assert cache.ping() is False


def test_the_backend_refuses_another_serializer():
    with pytest.raises(ValueError, match="its own serializer"):
        product_cache.RedisCache(CLOSED_PORT, {"OPTIONS": {
            "serializer": "django.core.cache.backends.redis.RedisSerializer"}})


def test_the_broker_accepts_json_only():
    from kombu.exceptions import ContentDisallowed
    from kombu.serialization import dumps, loads

    from tyreso_it.celery import app

    assert set(app.conf.accept_content) == {"json"}
    assert app.conf.task_serializer == "json"
    assert set(app.conf.result_accept_content) == {"json"}
    content_type, encoding, body = dumps({"task": "x"}, serializer="pickle")
    with pytest.raises(ContentDisallowed):
        loads(body, content_type, encoding, accept=app.conf.accept_content)
