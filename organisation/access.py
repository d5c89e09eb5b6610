"""A logged-in person's access, kept in the cache between their requests.

Every page starts from the same facts about the person asking: their user row, their
permissions, the departments and providers they stand in (`organisation.selectors.standing_of`)
and whether they may use the board's pages. Read from the database they cost four queries on
every page; here they are read once and kept in the cache, one entry per person, until
something that decides them changes.

Correctness rests on a generation: one token in the cache that every change to who may do what
replaces (`bump`, connected to the models' signals in `OrganisationConfig.ready`). An entry is
used only while it carries the current token, so a change shows on the next request in every
web process. The token is replaced both when the change is made and again when its transaction
commits, so an entry written in between, from the database as it was, is not used either. An
entry lives at most `CACHE_SECONDS`, which bounds what a change made outside the application
(SQL by hand) can leave behind.

Only the user built for a request by the authentication backend (`PermissionBackend.get_user`)
reads its facts from here; other user objects ask the database as before. The cache is used
when it is shared by every process (Redis, `settings.ACCESS_CACHE`); without it, or when Redis
is away, every fact is read from the database.

The entry holds the user row as the database has it, password hash included (the session's
check needs it), in the same cache that holds the sessions.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

#: The longest an entry is used, whatever happens.
CACHE_SECONDS = 5 * 60


def _prefix() -> str:
    # The database's name is part of the key, so two databases served by one Redis (a
    # developer's and the benchmark's, say) never read each other's people.
    database = settings.DATABASES["default"]
    name = f"{database.get('HOST', '')}:{database.get('PORT', '')}/{database['NAME']}"
    return "access:" + hashlib.blake2s(name.encode(), digest_size=6).hexdigest()


def enabled() -> bool:
    return bool(getattr(settings, "ACCESS_CACHE", False))


def _generation_key() -> str:
    return f"{_prefix()}:generation"


def _entry_key(user_id: Any) -> str:
    return f"{_prefix()}:user:{user_id}"


class Entry:
    """One person's cached facts for one request, and where to write what it learns."""

    __slots__ = ("facts", "generation", "key")

    def __init__(self, key: str, generation: str, facts: dict[str, Any]):
        self.key = key
        self.generation = generation
        self.facts = facts

    def remember(self, name: str, value: Any) -> None:
        self.facts[name] = value
        try:
            cache.set(self.key, (self.generation, self.facts), CACHE_SECONDS)
        except Exception:
            logger.warning("Access cache unreachable; %s not kept", name)


def load(user_id: Any) -> Entry | None:
    """The person's entry (empty when nothing is cached yet), or None when the cache is not
    in use or cannot be reached."""
    if not enabled():
        return None
    key = _entry_key(user_id)
    try:
        found = cache.get_many([_generation_key(), key])
        generation = found.get(_generation_key())
        if generation is None:
            # No generation yet (a new or flushed cache): start one.
            cache.add(_generation_key(), secrets.token_hex(8), None)
            generation = cache.get(_generation_key())
            if generation is None:
                return None
    except Exception:
        logger.warning("Access cache unreachable; reading access from the database")
        return None
    cached = found.get(key)
    if cached is not None and cached[0] == generation:
        return Entry(key, generation, dict(cached[1]))
    return Entry(key, generation, {})


def fact[T](user: Any, name: str, compute: Callable[[], T]) -> T:
    """`compute()`, taken from the person's cached entry when the user object carries one
    (the request's user) and kept there for the next request."""
    entry: Entry | None = getattr(user, "_access", None)
    if entry is None:
        return compute()
    if name in entry.facts:
        return entry.facts[name]
    value = compute()
    entry.remember(name, value)
    return value


def shared[T](name: str, compute: Callable[[], T]) -> T:
    """`compute()` for everyone, kept until the next change of access: for what follows from
    people's rights alone (who holds a role's permission, say). Computed afresh when the cache
    is not in use or away."""
    if not enabled():
        return compute()
    key = f"{_prefix()}:shared:{name}"
    try:
        found = cache.get_many([_generation_key(), key])
    except Exception:
        logger.warning("Access cache unreachable; %s read from the database", name)
        return compute()
    generation = found.get(_generation_key())
    cached = found.get(key)
    if generation is not None and cached is not None and cached[0] == generation:
        return cached[1]
    value = compute()
    if generation is not None:
        try:
            cache.set(key, (generation, value), CACHE_SECONDS)
        except Exception:
            logger.warning("Access cache unreachable; %s not kept", name)
    return value


def bump(**_signal_kwargs: Any) -> None:
    """Something that decides access has changed: no entry cached before now is used again.

    Called at once and again when the current transaction commits (see the module's note).
    """
    if not enabled() or str(_signal_kwargs.get("action", "")).startswith("pre_"):
        return  # a many-to-many change announces itself before and after: once is enough
    _replace_generation()
    transaction.on_commit(_replace_generation)


def _replace_generation() -> None:
    try:
        cache.set(_generation_key(), secrets.token_hex(8), None)
    except Exception:
        # The entries then live out their CACHE_SECONDS; say so loudly.
        logger.error("Access cache unreachable: a change of access shows within %s s",
                     CACHE_SECONDS)
