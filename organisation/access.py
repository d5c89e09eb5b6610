"""A logged-in person's access, kept in the cache between their requests.

Every page starts from the same facts about the person asking: their user row, their
permissions, where they stand (`organisation.selectors.standing_of`) and whether they may use
the board's pages. Read from the database they cost several queries on every page; here they
are kept in the cache, one entry per person, and a few things that follow from everyone's
rights alone (who may be chosen as handler, say) in entries of their own (`shared`).

When an entry is used
---------------------
Each request reads the access token once (`organisation.models.AccessVersion`: one query of
one row). Database triggers on every table that decides access give it a new random value in
the writer's own transaction (`organisation.triggers`), whoever writes — a service, the admin,
`QuerySet.update`, a bulk load, SQL by hand — so nothing can change someone's rights without
the token changing. An entry is used only when all of these hold:

- it was built under the token in force now;
- it was built on today's local date (a registration starts and ends by the day);
- it was built less than `CACHE_SECONDS` ago: the entry carries its build time, and adding a
  fact to it later keeps that time (its time to live in the cache is what remains of it);
- it has this code's `FORMAT` and the key prefix `settings.ACCESS_CACHE_PREFIX` (both in the
  key), so a deploy never reads the entries of the code before it;
- its signature is right (below), and it is the entry of the person (or shared name) asked.

Anything else is a miss: the facts are read from the database and a new entry is built. A
fact computed inside a transaction the application opened is used for that request only and
never kept, since the transaction may yet roll back what it was read from.

Redis is part of the trust boundary
-----------------------------------
The entries live in the same cache as the sessions (Redis in production). What someone who
can read or write that Redis can and cannot do:

- read: they learn people's names, permissions, departments and providers, and the sessions
  stored beside them, which they can replay to act as those people. Protect Redis as you
  protect the database: a private network, a password, TLS where it crosses hosts.
- delete or flush entries: harmless; the facts are read from the database again.
- write: every entry is signed with an HMAC keyed from `SECRET_KEY` (`salted_hmac` with a salt
  of its own) over the format, the person or name, the token, the date, the build time and the
  facts; an entry whose signature does not match is ignored and logged. Without
  `SECRET_KEY` no entry can be made or altered, so no one can make themselves a superuser,
  add a permission, a department or a provider, or move an entry to another person. Replaying
  an entry of the same person is bounded by the rules above: only within five minutes of its
  build, on the same day and under the same token, i.e. while it is still true.
- no password hash is kept: the user row is cached without `password`, with the session's
  auth hash instead (Django's HMAC of the password hash, which the session itself holds too),
  so that a password change still ends the person's other sessions
  (`organisation.models.User.get_session_auth_hash`).

Only the user built for a request by the authentication backend (`organisation.backends.
PermissionBackend.get_user`) reads its facts from here; other user objects ask the database.
The cache is used when it is shared by every process (Redis, `settings.ACCESS_CACHE`); without
it every fact is read from the database. Whatever is kept is plain JSON (dicts, lists,
strings, numbers, booleans, None); a caller that keeps something else fails loudly.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

logger = logging.getLogger(__name__)

#: The longest an entry is used after it was built, whatever happens.
CACHE_SECONDS = 5 * 60
#: The shape and meaning of the entries; part of every key. Raise it whenever what is kept, or
#: what a fact means, changes: the entries of the code before are then never read.
FORMAT = 2
#: The salt of the entries' signatures, so the key is used for nothing else.
SIGNING_SALT = "tyreso_it.organisation.access.entry"

_CURRENT_SQL = "SELECT token FROM organisation_accessversion WHERE id = 1"


def enabled() -> bool:
    return bool(getattr(settings, "ACCESS_CACHE", False))


def _now() -> float:
    """The clock the entries' age is measured by (seconds)."""
    return time.time()


def _prefix() -> str:
    return f"{getattr(settings, 'ACCESS_CACHE_PREFIX', 'access')}:v{FORMAT}"


def _key(subject: str) -> str:
    return f"{_prefix()}:{subject}"


def _in_application_transaction() -> bool:
    """Inside a transaction the application opened (a test's own transaction does not count:
    it stands for the autocommit of a real request)."""
    return any(
        not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    )


def current_token() -> str | None:
    """The access token in force (None on a database without one: nothing is cached)."""
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class State:
    """What an entry must have been built under to be used now."""

    token: str
    day: str  # the local date, ISO


def _canonical(value: Any) -> Any:
    """`value` as the cache gives it back: JSON types only (tuples become lists)."""
    return json.loads(json.dumps(value))


def _sign(body: str) -> str:
    return salted_hmac(SIGNING_SALT, body, algorithm="sha256").hexdigest()


def _seal(subject: str, state: State, built: float, facts: dict[str, Any]) -> str:
    body = json.dumps(
        {"v": FORMAT, "s": subject, "t": state.token, "d": state.day, "b": built, "f": facts},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )
    return f"{_sign(body)}.{body}"


def _open(raw: Any, subject: str, state: State) -> tuple[float, dict[str, Any]] | None:
    """The build time and facts of a stored entry, or None unless it may be used now."""
    if raw is None:
        return None
    signature, dot, body = raw.partition(".") if isinstance(raw, str) else ("", "", "")
    if not dot or not constant_time_compare(signature, _sign(body)):
        logger.warning("Access cache: an entry with a wrong signature was ignored (%s)",
                       subject)
        return None
    data = json.loads(body)
    if data.get("v") != FORMAT or data.get("s") != subject:
        logger.warning("Access cache: a signed entry of %s was found under %s and ignored",
                       data.get("s"), subject)
        return None
    if data["t"] != state.token or data["d"] != state.day:
        return None
    if not 0 <= _now() - data["b"] < CACHE_SECONDS:
        return None
    return data["b"], data["f"]


def _store(subject: str, state: State, built: float, facts: dict[str, Any]) -> None:
    remaining = built + CACHE_SECONDS - _now()
    if remaining < 1:
        return
    cache.set(_key(subject), _seal(subject, state, built, facts), math.ceil(remaining))


class Entry:
    """One person's cached facts for one request, and where to write what it learns."""

    __slots__ = ("built", "facts", "state", "subject")

    def __init__(self, subject: str, state: State, built: float, facts: dict[str, Any]):
        self.subject = subject
        self.state = state
        self.built = built
        self.facts = facts

    def remember(self, name: str, value: Any) -> Any:
        """Keep `value` as the fact `name` (with the entry's build time: the entry's lifetime
        does not start again); returns it as the cache would give it back."""
        value = _canonical(value)
        if _in_application_transaction():
            return value
        self.facts[name] = value
        _store(self.subject, self.state, self.built, self.facts)
        return value


def _state() -> State | None:
    token = current_token()
    if token is None:
        return None
    return State(token=token, day=timezone.localdate().isoformat())


def _read(subject: str, state: State) -> tuple[float, dict[str, Any]] | None:
    return _open(cache.get(_key(subject)), subject, state)


def load(user_id: Any) -> Entry | None:
    """The person's entry for this request (empty when nothing usable is cached), or None when
    the cache is not in use. Reads the access token: one query."""
    if not enabled():
        return None
    state = _state()
    if state is None:
        return None
    subject = f"user:{int(user_id)}"
    found = _read(subject, state)
    if found is None:
        return Entry(subject, state, _now(), {})
    built, facts = found
    return Entry(subject, state, built, facts)


def fact[T](user: Any, name: str, compute: Callable[[], T]) -> T:
    """`compute()` (JSON types only), taken from the person's cached entry when the user
    object carries one (the request's user) and kept there for the next request."""
    entry: Entry | None = getattr(user, "_access", None)
    if entry is None:
        return _canonical(compute())
    if name in entry.facts:
        return entry.facts[name]
    return entry.remember(name, compute())


def shared[T](user: Any, name: str, compute: Callable[[], T]) -> T:
    """`compute()` (JSON types only) for everyone, kept under the access token of `user`'s
    request: for what follows from people's rights alone (who holds a role's permission, say).
    Computed afresh for a user object without an entry (not a request's, or no cache)."""
    entry: Entry | None = getattr(user, "_access", None)
    if entry is None:
        return _canonical(compute())
    subject = f"shared:{name}"
    found = _read(subject, entry.state)
    if found is not None:
        return found[1]["value"]
    value = _canonical(compute())
    if not _in_application_transaction():
        _store(subject, entry.state, _now(), {"value": value})
    return value


def token_of(user: Any) -> str | None:
    """The access token `user`'s request reads its entries under (None for a user object
    without an entry): whatever `shared` keeps is the same while it is."""
    entry: Entry | None = getattr(user, "_access", None)
    return None if entry is None else entry.state.token


# --- rows of models as JSON types ------------------------------------------------------------


def as_row(obj: Any, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The columns of a model instance (all, or the primary key and `fields`) as JSON types,
    for `from_row` to give back."""
    wanted = None if fields is None else set(fields)
    row = {}
    for field in obj._meta.concrete_fields:
        if wanted is not None and not (field.primary_key or field.attname in wanted
                                       or field.name in wanted):
            continue
        value = field.value_from_object(obj)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        row[field.attname] = value
    return row


def from_row(model: Any, row: dict[str, Any]) -> Any:
    """The instance `as_row` kept, as the database would give it (its other columns deferred:
    read from the database if anything asks for them)."""
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in row:
            names.append(field.attname)
            values.append(field.to_python(row[field.attname]))
    return model.from_db("default", names, values)
