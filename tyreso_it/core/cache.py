"""The product's cache: Django's Redis cache that never fails a page and never trusts Redis.

Two promises, kept here once so that no page has to keep them itself:

**Redis away costs a page nothing but speed.** Every operation of `RedisCache` answers as if
the cache were empty when Redis cannot be reached, stalls or refuses a command: `get` gives
the default, `get_many` nothing, `add`/`touch`/`delete`/`has_key` False, `set_many` names
every key as failed, `set`/`delete_many`/`clear` do nothing, and `incr`/`decr` raise
`ValueError` as for a missing key (what Django's API says they do then). One warning is
logged when Redis stops answering, and one line when it answers again. Socket timeouts are
short (`CACHE_TIMEOUT_SECONDS`), and after a failure a circuit breaker, shared by every thread
of the process, stops asking Redis for `CACHE_COOLDOWN_SECONDS`: later cache calls of the same
request, and of every request in that while, answer at once instead of each waiting out a
timeout. Then one call asks Redis again. Code calling the cache therefore needs no
try/except (a test scans the code base for one), and it must treat every value as something
that may be missing.

**What Redis holds cannot be forged or executed.** Django's own serializer pickles values, so
whoever can write to Redis could run code in the web process through `pickle.loads`.
`SignedJSONSerializer` writes JSON instead, with small tags for the types JSON lacks, signed
with an HMAC keyed from `SECRET_KEY` (any of `SECRET_KEY_FALLBACKS` is accepted when reading,
so keys can be rotated) and bound to the entry's own key, so an entry copied under another key
does not verify either. A value that does not verify (tampered, unsigned, pickled, copied) is a
miss, logged, never an exception. Integers are signed too, unlike Django's serializer, which
keeps them raw for Redis's INCR: here `incr` reads, checks and writes back in a WATCH
transaction, still atomic, so no bare value is ever accepted from Redis.

What a value may be: None, bool, int, float, str (and `SafeString`, which comes back safe),
list, tuple, set, frozenset, dict (keys of these types too), `date`, `datetime` and `Decimal`;
an aware datetime comes back as the same instant with a fixed UTC offset, and a member of a
TextChoices or IntegerChoices as its plain value. Anything else raises
`TypeError` at `set` time, in production as in tests, Redis up or down: it is a mistake in the
code, not in the data, and the test suite runs on this backend in CI.

**Redis is part of the trust boundary.** Whoever can *read* Redis can read what is cached:
session contents (and so take over a session by its key), people's access facts, rendered
fragments. Keep Redis on a private network, with a password, as the database. Whoever can
*write* Redis can delete or corrupt entries, which the product reads as misses (slower pages),
and can put back an entry they read earlier under the same key (a session after its logout,
say: no more than reading Redis already gives); they cannot forge a value they have not seen,
move one to another key, or run code in the web process. The Celery broker shares the server
and accepts JSON only (`CELERY_ACCEPT_CONTENT`). `clear()` removes only this cache's entries
(those under `KEY_PREFIX`), never the broker's queues in the same database.
"""

from __future__ import annotations

import base64
import datetime
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, WatchError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: Seconds a connection attempt or a reply may take before Redis counts as away.
DEFAULT_TIMEOUT_SECONDS = 0.25
#: Seconds the cache answers without Redis after a failure, before it asks again.
DEFAULT_COOLDOWN_SECONDS = 5.0

#: The failures that mean "Redis is not there": they open the breaker. Other Redis errors (a
#: command refused, say) concern one call and are answered as a miss without it.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


# --- the breaker ---------------------------------------------------------------------------


class Breaker:
    """Whether this process may ask Redis now, shared by every thread.

    Closed, every call goes to Redis. A failure opens it: for `cooldown` seconds every call
    answers without Redis. Then the first caller is let through to ask again (the others wait
    another cool-down meanwhile); its success closes the breaker, its failure opens it again.
    """

    def __init__(self, where: str, cooldown: float):
        self.where = where
        self.cooldown = cooldown
        self._lock = threading.Lock()
        self._open_until: float | None = None  # monotonic time; None while closed
        self._down_since: float | None = None  # monotonic time of the first failure

    def allows(self) -> bool:
        if self._open_until is None:
            return True
        with self._lock:
            now = time.monotonic()
            if self._open_until is None:
                return True
            if now < self._open_until:
                return False
            # The cool-down is over: this caller asks Redis; the others keep answering
            # without it until that answer (or another cool-down) is in.
            self._open_until = now + self.cooldown
            return True

    def succeeded(self) -> None:
        if self._open_until is None:
            return
        with self._lock:
            if self._down_since is not None:
                logger.info("Redis at %s answers again, after %.1f s; the cache is in use",
                            self.where, time.monotonic() - self._down_since)
            self._open_until = None
            self._down_since = None

    def failed(self, error: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            if self._down_since is None:
                self._down_since = now
                logger.warning("Redis at %s does not answer (%s: %s); the cache answers as "
                               "empty and is asked again every %s s", self.where,
                               type(error).__name__, error, self.cooldown)
            else:
                logger.debug("Redis at %s still does not answer (%s)", self.where, error)
            self._open_until = now + self.cooldown

    def reset(self) -> None:
        """Close the breaker (tests, and whoever knows Redis is back)."""
        with self._lock:
            self._open_until = None
            self._down_since = None


_breakers: dict[tuple[str, ...], Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(servers: Iterable[str], cooldown: float) -> Breaker:
    """The process's one breaker for these servers: Django makes a cache object per thread,
    and they must all know that Redis is away."""
    servers = tuple(servers)
    with _breakers_lock:
        breaker = _breakers.get(servers)
        if breaker is None:
            breaker = _breakers[servers] = Breaker(_redact(servers[0]), cooldown)
        breaker.cooldown = cooldown
        return breaker


def _redact(url: str) -> str:
    """The server's address for the log, without a password."""
    parts = urlsplit(url)
    return f"{parts.hostname or ''}:{parts.port or 6379}{parts.path}"


# --- the serializer ------------------------------------------------------------------------

#: What the serializer returns for a value that does not verify.
MISS = object()

#: The key of a tagged JSON object: a type JSON lacks, or a dict JSON cannot carry as it is.
TAG = "~t"
#: Starts every entry; the digit changes with the format, so an entry of another format is a
#: miss rather than misread.
HEADER = b"tj1:"


def _encode(value: Any) -> Any:
    """`value` as JSON types, with a tag for each type JSON lacks; TypeError for others."""
    kind = type(value)
    if value is None or kind in (str, bool, int, float):
        return value
    if kind is list:
        return [_encode(item) for item in value]
    if kind is dict:
        if TAG not in value and all(type(key) is str for key in value):
            return {key: _encode(item) for key, item in value.items()}
        return {TAG: "dict", "v": [[_encode(key), _encode(item)] for key, item in value.items()]}
    if kind is tuple:
        return {TAG: "tuple", "v": [_encode(item) for item in value]}
    if kind is set or kind is frozenset:
        return {TAG: kind.__name__, "v": [_encode(item) for item in value]}
    if kind is SafeString:
        return {TAG: "safe", "v": str(value)}
    if kind is datetime.datetime:
        return {TAG: "datetime", "v": value.isoformat()}
    if kind is datetime.date:
        return {TAG: "date", "v": value.isoformat()}
    if kind is Decimal:
        return {TAG: "decimal", "v": str(value)}
    # A member of a TextChoices or IntegerChoices (a subclass of str or int) is kept as its
    # value, and comes back as that plain str or int, equal to it.
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise TypeError(
        f"The cache keeps None, bool, int, float, str, list, tuple, set, frozenset, dict, "
        f"date, datetime and Decimal values, not {kind.__module__}.{kind.__qualname__}: "
        f"convert it to those types first."
    )


_DECODE: dict[str, Callable[[Any], Any]] = {
    "dict": lambda pairs: {key: item for key, item in pairs},
    "tuple": tuple,
    "set": set,
    "frozenset": frozenset,
    "safe": SafeString,
    "datetime": datetime.datetime.fromisoformat,
    "date": datetime.date.fromisoformat,
    "decimal": Decimal,
}


def _decode(obj: dict) -> Any:
    tag = obj.get(TAG)
    if tag is None:
        return obj
    return _DECODE[tag](obj["v"])


class SignedJSONSerializer:
    """Values as signed JSON, bound to their key: nothing in Redis is executed, and nothing
    that this process did not write under that key is believed."""

    salt = "tyreso_it.core.cache.SignedJSONSerializer"

    def dumps(self, value: Any, key: str) -> bytes:
        payload = json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":"),
                             check_circular=False).encode()
        return HEADER + self._signature(key, payload, settings.SECRET_KEY) + b":" + payload

    def loads(self, data: bytes, key: str) -> Any:
        """The value, or `MISS` when `data` does not verify."""
        if not data.startswith(HEADER):
            logger.warning("Cache entry %r is not signed by this application; ignored", key)
            return MISS
        signature, _, payload = data[len(HEADER):].partition(b":")
        secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())]
        if not any(hmac.compare_digest(signature, self._signature(key, payload, secret))
                   for secret in secrets):
            logger.warning("Cache entry %r has a signature that does not verify; ignored", key)
            return MISS
        try:
            return json.loads(payload, object_hook=_decode)
        except (ValueError, KeyError, TypeError) as exc:
            # Signed by this key, so written by this application, but by another version of
            # the format: a miss like any other.
            logger.warning("Cache entry %r cannot be read (%s); ignored", key, exc)
            return MISS

    def _signature(self, key: str, payload: bytes, secret: str) -> bytes:
        mac = salted_hmac(self.salt, key.encode() + b"\0" + payload, secret=secret,
                          algorithm="sha256")
        return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=")


# --- the client: bytes in and out of Redis ---------------------------------------------------


class SignedRedisClient(django_redis.RedisCacheClient):
    """Django's Redis client, moving bytes the backend has serialized (so that a value of the
    wrong type is refused before Redis is asked, whether or not it answers)."""

    def add(self, key: str, data: bytes, timeout: int | None) -> bool:
        client = self.get_client(key, write=True)
        if timeout == 0:
            if added := bool(client.set(key, data, nx=True)):
                client.delete(key)
            return added
        return bool(client.set(key, data, ex=timeout, nx=True))

    def get(self, key: str) -> bytes | None:  # type: ignore[override]
        return self.get_client(key).get(key)

    def set(self, key: str, data: bytes, timeout: int | None) -> None:
        client = self.get_client(key, write=True)
        if timeout == 0:
            client.delete(key)
        else:
            client.set(key, data, ex=timeout)

    def get_many(self, keys: list[str]) -> list[bytes | None]:  # type: ignore[override]
        return self.get_client(None).mget(keys)

    def set_many(self, data: dict[str, bytes], timeout: int | None) -> None:
        client = self.get_client(None, write=True)
        pipeline = client.pipeline()
        if timeout == 0:
            pipeline.delete(*data)
        else:
            pipeline.mset(data)
            if timeout is not None:
                for key in data:
                    pipeline.expire(key, timeout)
        pipeline.execute()

    def incr(self, key: str, delta: int) -> int:
        """Add `delta` to the signed integer under `key`, keeping its expiry: read, check and
        write back in a WATCH transaction, begun again when another writer came between."""
        client = self.get_client(key, write=True)
        with client.pipeline() as pipeline:
            while True:
                try:
                    pipeline.watch(key)
                    data = pipeline.get(key)
                    value = MISS if data is None else self._serializer.loads(data, key)
                    if value is MISS:
                        raise ValueError(f"Key '{key}' not found.")
                    if type(value) is not int:
                        raise ValueError(f"Key '{key}' does not hold an integer.")
                    value += delta
                    pipeline.multi()
                    pipeline.set(key, self._serializer.dumps(value, key), keepttl=True)
                    pipeline.execute()
                    return value
                except WatchError:
                    continue

    def clear_prefix(self, pattern: str) -> bool:
        """Delete the keys matching `pattern` (SCAN, never FLUSHDB)."""
        client = self.get_client(None, write=True)
        batch: list[bytes] = []
        deleted = False
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                deleted |= bool(client.unlink(*batch))
                batch = []
        if batch:
            deleted |= bool(client.unlink(*batch))
        return deleted


# --- the backend ---------------------------------------------------------------------------


class RedisCache(django_redis.RedisCache):
    """Django's RedisCache, tolerant of Redis being away and storing signed JSON (see the
    module's note for both promises and the trust boundary).

    OPTIONS: `cooldown` (seconds, `CACHE_COOLDOWN_SECONDS`) and redis-py's connection
    options; `socket_connect_timeout` and `socket_timeout` default to `DEFAULT_TIMEOUT_SECONDS`.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        options = dict(self._options)
        if "serializer" in options:
            raise ValueError("tyreso_it.core.cache.RedisCache keeps its own serializer.")
        cooldown = float(options.pop("cooldown", DEFAULT_COOLDOWN_SECONDS))
        options.setdefault("socket_connect_timeout", DEFAULT_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", DEFAULT_TIMEOUT_SECONDS)
        self._options = options
        self._serializer = SignedJSONSerializer()
        self._breaker = breaker_for(self._servers, cooldown)

    @cached_property
    def _cache(self) -> SignedRedisClient:
        return SignedRedisClient(self._servers, serializer=self._serializer, **self._options)

    def _ask[T](self, what: str, call: Callable[[], T], otherwise: T) -> T:
        """`call()`, or `otherwise` when Redis is away or refuses."""
        if not self._breaker.allows():
            return otherwise
        try:
            result = call()
        except UNREACHABLE as exc:
            self._breaker.failed(exc)
            return otherwise
        except RedisError as exc:
            logger.warning("Redis refused the cache's %s (%s: %s); answered without it",
                           what, type(exc).__name__, exc)
            return otherwise
        self._breaker.succeeded()
        return result

    def _load(self, key: str, data: bytes | None, default: Any) -> Any:
        if data is None:
            return default
        value = self._serializer.loads(data, key)
        return default if value is MISS else value

    def ping(self) -> bool:
        """Whether Redis answers now: asked even while the breaker is open, and telling it."""
        try:
            self._cache.get_client(None, write=True).ping()
        except UNREACHABLE as exc:
            self._breaker.failed(exc)
            return False
        except RedisError:
            return False
        self._breaker.succeeded()
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        data = self._serializer.dumps(value, key)
        return self._ask("add", lambda: self._cache.add(
            key, data, self.get_backend_timeout(timeout)), False)

    def get(self, key, default=None, version=None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        return self._load(key, self._ask("get", lambda: self._cache.get(key), None), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        key = self.make_and_validate_key(key, version=version)
        data = self._serializer.dumps(value, key)
        self._ask("set", lambda: self._cache.set(key, data, self.get_backend_timeout(timeout)),
                  None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._ask("touch", lambda: self._cache.touch(
            key, self.get_backend_timeout(timeout)), False)

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._ask("delete", lambda: self._cache.delete(key), False)

    def get_many(self, keys, version=None) -> dict[Any, Any]:
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not key_map:
            return {}
        made = list(key_map)
        found = self._ask("get_many", lambda: self._cache.get_many(made), None)
        if not found:
            return {}
        values = {}
        for key, data in zip(made, found, strict=True):
            value = self._load(key, data, MISS)
            if value is not MISS:
                values[key_map[key]] = value
        return values

    def has_key(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._ask("has_key", lambda: self._cache.has_key(key), False)

    def incr(self, key, delta=1, version=None) -> int:
        made = self.make_and_validate_key(key, version=version)
        value = self._ask("incr", lambda: self._cache.incr(made, delta), None)
        if value is None:
            raise ValueError(f"Key '{key}' not found (or the cache is away).")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        if not data:
            return []
        made = {}
        for key, value in data.items():
            key_made = self.make_and_validate_key(key, version=version)
            made[key_made] = self._serializer.dumps(value, key_made)
        stored = self._ask("set_many", lambda: self._cache.set_many(
            made, self.get_backend_timeout(timeout)) or True, False)
        return [] if stored else list(data)

    def delete_many(self, keys, version=None) -> None:
        made = [self.make_and_validate_key(key, version=version) for key in keys]
        if made:
            self._ask("delete_many", lambda: self._cache.delete_many(made), None)

    def clear(self) -> bool:
        """Delete this cache's entries, those under KEY_PREFIX: the broker's queues may live
        in the same Redis database."""
        pattern = _glob_escape(self.key_prefix) + ":*"
        return self._ask("clear", lambda: self._cache.clear_prefix(pattern), False)


def _glob_escape(text: str) -> str:
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)
