"""The product's cache against a real Redis (tyreso_it.core.cache): every kind of value it keeps
comes back exactly, and nothing in Redis that this application did not sign under that key is
believed: not a tampered value, not one moved from another key, not a bare number, and never
a pickle, which is not even unpickled."""

from __future__ import annotations

import logging
import os
import pickle
import threading
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import redis as redis_py
from django.core.cache import cache
from django.core.cache.backends.redis import RedisSerializer
from django.utils.safestring import SafeString, mark_safe

from orders.models import Order
from tyreso_it.core import cache as product_cache

pytestmark = pytest.mark.redis


@pytest.fixture
def backend(settings, redis) -> product_cache.RedisCache:
    """The product's backend on the test Redis, under a prefix of this module's own."""
    settings.CACHES = {
        "default": {"BACKEND": "tyreso_it.core.cache.RedisCache", "LOCATION": redis,
                    "KEY_PREFIX": "test-cache"},
    }
    product_cache.breaker_for([redis], product_cache.DEFAULT_COOLDOWN_SECONDS).reset()
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def raw(redis) -> redis_py.Redis:
    """A plain redis-py client on the same database: someone who can write to Redis."""
    return redis_py.Redis.from_url(redis)


VALUES = {
    "none": None,
    "true": True,
    "false": False,
    "int": 42,
    "big int": 2**80,
    "negative int": -7,
    "float": 2.5,
    "float that looks whole": 3.0,
    "str": "Barn- och utbildningsförvaltningen",
    "empty str": "",
    "list": [1, "två", 3.0, None],
    "tuple": (1, (2, 3), ["fyra"]),
    "empty tuple": (),
    "set": {1, 2, 3},
    "frozenset": frozenset({"member", "coordinate"}),
    "dict": {"a": 1, "b": [True, None]},
    "dict with int keys": {1: "ett", 2: ["två"]},
    "dict with tuple keys": {(1, "a"): date(2026, 1, 1)},
    "dict holding the tag": {"~t": "tuple", "v": [1, 2]},
    "date": date(2026, 3, 10),
    "naive datetime": datetime(2026, 3, 10, 13, 30, 15, 123456),
    "utc datetime": datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
    "decimal": Decimal("123456.10"),
    "decimal with exponent": Decimal("1E+3"),
    "nested": {"user": [1, "anna", datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)],
               "standing": ((1, 2), (), frozenset({3})), "amounts": [Decimal("0.50")]},
}


@pytest.mark.parametrize("name", list(VALUES))
def test_every_kind_of_value_comes_back_exactly(backend, name):
    value = VALUES[name]
    backend.set("value", value, 60)
    found = backend.get("value", "missing")
    assert found == value
    assert type(found) is type(value)
    if isinstance(value, dict):
        assert [type(key) for key in found] == [type(key) for key in value]


def test_an_aware_datetime_comes_back_as_the_same_instant_with_its_offset(backend):
    stockholm = datetime(2026, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    backend.set("moment", stockholm)
    found = backend.get("moment")
    assert found == stockholm
    assert found.utcoffset() == timedelta(hours=2)


def test_a_safe_fragment_stays_safe_and_a_choice_comes_back_as_its_value(backend):
    backend.set("fragment", mark_safe("<ol><li>Punkt</li></ol>"))
    assert isinstance(backend.get("fragment"), SafeString)
    backend.set("states", [Order.Status.DRAFT])
    found = backend.get("states")
    assert found == ["draft"] and type(found[0]) is str


def test_many_values_at_once_and_the_missing_left_out(backend):
    assert backend.set_many({"a": (1,), "b": {2}}) == []
    assert backend.get_many(["a", "b", "c"]) == {"a": (1,), "b": {2}}


@pytest.mark.parametrize("value", [object(), b"bytes", [1, object()], {"key": Path("/")},
                                   {frozenset(): lambda: None}, timedelta(days=1)],
                         ids=["object", "bytes", "in a list", "path", "function",
                              "timedelta"])
def test_a_value_of_another_type_is_refused_at_set_time(backend, value):
    with pytest.raises(TypeError, match="The cache keeps"):
        backend.set("value", value)
    with pytest.raises(TypeError):
        backend.add("value", value)
    with pytest.raises(TypeError):
        backend.set_many({"value": value})
    assert backend.get("value") is None


def test_a_model_instance_is_refused(backend, orderer):
    with pytest.raises(TypeError, match="organisation.models.User"):
        backend.set("user", orderer)


def test_values_are_signed_json_never_pickle(backend, raw):
    backend.set("entry", {"departments": (1, 2)})
    stored = raw.get(backend.make_key("entry"))
    assert stored.startswith(product_cache.HEADER)
    assert b'"departments"' in stored
    assert b"\x80" not in stored  # pickle's opcode


def test_a_tampered_value_is_a_miss_and_logged(backend, raw, caplog):
    backend.set("access", {"is_superuser": False}, 60)
    key = backend.make_key("access")
    stored = raw.get(key)
    raw.set(key, stored.replace(b"false", b"true "))

    with caplog.at_level(logging.WARNING, logger="tyreso_it.core.cache"):
        assert backend.get("access", "missing") == "missing"
    assert "does not verify" in caplog.text
    assert backend.get_many(["access"]) == {}


def test_a_value_moved_from_another_key_is_a_miss(backend, raw):
    backend.set("session-of-the-admin", {"_auth_user_id": "1"})
    backend.set("session-of-the-intruder", {"_auth_user_id": "2"})
    raw.set(backend.make_key("session-of-the-intruder"),
            raw.get(backend.make_key("session-of-the-admin")))
    assert backend.get("session-of-the-intruder") is None


def test_a_value_forged_with_another_secret_is_a_miss(backend, raw, settings):
    key = backend.make_key("access")
    settings.SECRET_KEY = "someone-elses-secret-key-" * 3
    forged = product_cache.SignedJSONSerializer().dumps({"is_superuser": True}, key)
    settings.SECRET_KEY = "the-applications-own-key-" * 3
    raw.set(key, forged)
    assert backend.get("access") is None


def test_a_value_signed_with_a_former_secret_is_read_during_a_rotation(backend, settings):
    settings.SECRET_KEY = "the-former-secret-key-" * 3
    backend.set("entry", [1, 2])
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-secret-key-" * 3
    assert backend.get("entry") == [1, 2]
    settings.SECRET_KEY_FALLBACKS = []
    assert backend.get("entry") is None


@pytest.mark.parametrize("stored", [b"1", b"0", b"12345", b"", b"plain text",
                                    b'{"is_superuser": true}', b"tj1:short:{}",
                                    b"tj1:" + b"A" * 43 + b":[1]"])
def test_a_bare_value_written_to_redis_is_a_miss(backend, raw, stored):
    raw.set(backend.make_key("entry"), stored)
    assert backend.get("entry", "missing") == "missing"
    assert backend.get_many(["entry"]) == {}


class RunsCode:
    """A pickle that, when loaded, writes a file: what an intruder in Redis would send."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (Path.write_text, (self.path, "pickle.loads ran code"))


def test_a_pickle_in_redis_is_never_unpickled(backend, raw, tmp_path):
    payload = pickle.dumps(RunsCode(tmp_path / "ran"))
    # The payload is live: Django's own Redis serializer would run it.
    RedisSerializer().loads(payload)
    assert (tmp_path / "ran").exists()
    (tmp_path / "ran").unlink()

    for key in ("entry", "django.contrib.sessions.cached_dbsomesession"):
        raw.set(backend.make_key(key), payload)
        assert backend.get(key) is None
        assert backend.get_many([key]) == {}
        with pytest.raises(ValueError):
            backend.incr(key)
    assert not (tmp_path / "ran").exists()


def test_incr_and_decr_count_signed_integers_and_keep_the_expiry(backend, raw):
    backend.set("count", 10, 100)
    assert backend.incr("count") == 11
    assert backend.decr("count", 5) == 6
    assert backend.get("count") == 6
    assert 0 < raw.ttl(backend.make_key("count")) <= 100
    with pytest.raises(ValueError):
        backend.incr("no-such-count")
    backend.set("words", "ord")
    with pytest.raises(ValueError):
        backend.incr("words")


def test_incr_is_atomic_between_threads(backend):
    backend.set("count", 0)

    def add() -> None:
        for _ in range(50):
            cache.incr("count")  # each thread its own backend object, as Django gives it

    threads = [threading.Thread(target=add) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert backend.get("count") == 200


def test_add_touch_delete_and_has_key(backend, raw):
    assert backend.add("entry", "first", 60)
    assert not backend.add("entry", "second", 60)
    assert backend.get("entry") == "first"
    assert "entry" in backend and backend.has_key("entry")
    assert backend.touch("entry", 500)
    assert raw.ttl(backend.make_key("entry")) > 100
    assert backend.delete("entry")
    assert "entry" not in backend
    assert backend.get_or_set("entry", lambda: ("made",)) == ("made",)
    backend.delete_many(["entry"])
    assert backend.get("entry") is None


def test_clear_removes_this_caches_entries_and_leaves_the_broker_alone(backend, raw):
    backend.set("entry", 1)
    raw.lpush("celery", "a queued task")  # the broker shares the database
    try:
        backend.clear()
        assert backend.get("entry") is None
        assert raw.llen("celery") == 1
    finally:
        raw.delete("celery")


def test_every_key_carries_the_configured_prefix(backend, raw):
    backend.set("entry", 1)
    assert raw.exists("test-cache:1:entry")


def test_the_settings_name_the_products_backend_with_short_timeouts_and_the_prefix():
    from django.conf import settings

    default = settings.CACHES["default"]
    assert default["BACKEND"] == "tyreso_it.core.cache.RedisCache"
    assert default["KEY_PREFIX"] == os.environ.get("CACHE_KEY_PREFIX", "tyreso-it")
    assert default["OPTIONS"]["socket_timeout"] <= 0.5
    assert default["OPTIONS"]["socket_connect_timeout"] <= 0.5


def test_ping_says_whether_redis_answers(backend, settings):
    assert backend.ping() is True
    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    assert cache.ping() is False
