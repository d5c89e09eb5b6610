"""Markup kept between requests: for as long as the database is as it was (`markup`), or,
for markup that depends on no data, in the process (`InProcess`).

Some pages cost far more to compute than to show, and show the same thing until someone
writes: the IT chief's dashboard adds up every order of the municipality. Such a page keeps
its markup in the cache under the state of the whole database, read before the page is
built, and serves it to the next request that finds the database in the same state.

The state is PostgreSQL's current snapshot as text (`pg_current_snapshot()`): the horizon
of the transactions that have ended and the ids of those still in progress below it. A
transaction is given an id when it first writes; when it ends, either its id leaves the list
or the horizon moves past it. So the text changes whenever a transaction that wrote commits,
whoever wrote and however (a service, the admin, `QuerySet.update`, a bulk load, SQL typed by
hand), and two requests that read the same text read the same committed data. Markup built
after the text was read and kept under it is therefore never older than the data of a later
request that reads the same text. It errs the other way only: any write, to any table, makes
every kept page be built again.

What the key holds besides the state, so that a kept page is never shown where it would not
have been built the same:

- the page's name and whatever the caller says the page depends on (the person it is built
  for, the filters, the query string its links carry);
- the language, and the local date and minute: figures that age with the clock (orders
  waiting so many days, a notification unsent for an hour) are at most a minute late;
- `FORMAT`, raised when what a key means changes. A deploy that changes only a page's
  templates shows the new markup at the first write or within `TIMEOUT`, whichever is first.

Nothing is kept (the page is built as if this module did not exist) with the setting
`KEPT_MARKUP` false, on a database other than PostgreSQL, and inside a transaction that has
written itself: its writes are not committed,
may yet be rolled back, and do not change its own snapshot. Kept markup lives at most
`TIMEOUT` seconds in the cache, which signs what it stores (`tyreso_it.core.cache`); a cache
that fails or is paused costs a rebuild, never a wrong page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

#: The meaning of the keys; raise it when it changes, and the old entries are never read.
FORMAT = 1
#: Seconds a kept markup stays in the cache at most (its key changes every minute anyway).
TIMEOUT = 60

_STATE_SQL = ("SELECT pg_current_snapshot()::text, "
              "pg_current_xact_id_if_assigned() IS NULL")


def database_state() -> str | None:
    """The state of the database as committed now, or None where nothing may be kept."""
    if connection.vendor != "postgresql" or not getattr(settings, "KEPT_MARKUP", True):
        return None
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL)
        state, nothing_written = cursor.fetchone()
    return state if nothing_written else None


def key(name: str, parts: Iterable[object], state: str) -> str:
    """The cache key of `name`'s markup for `parts` under `state`, now, in this language."""
    moment = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    described = repr((tuple(str(part) for part in parts), get_language(), moment, state))
    return f"kept:v{FORMAT}:{name}:{hashlib.sha256(described.encode()).hexdigest()}"


def markup(name: str, parts: Iterable[object], render: Callable[[], str]) -> SafeString:
    """`render()`'s markup, kept under the database's state and `parts` (see above)."""
    state = database_state()
    if state is None:
        return mark_safe(render())  # noqa: S308 - rendered by its templates
    where = key(name, parts, state)
    found = cache.get(where)
    if isinstance(found, str):
        return mark_safe(found)  # noqa: S308 - what render() gave, signed by the cache
    text = str(render())
    cache.set(where, text, TIMEOUT)
    return mark_safe(text)  # noqa: S308 - rendered by its templates


class InProcess:
    """Markup kept in this process under keys that hold all it depends on (nothing read from
    the database but what the key holds): at most `most` entries, then all are dropped."""

    def __init__(self, most: int):
        self.most = most
        self.entries: dict[tuple, SafeString] = {}

    def get(self, key: tuple, render: Callable[[], str]) -> SafeString:
        found = self.entries.get(key)
        if found is None:
            if len(self.entries) >= self.most:
                self.entries.clear()
            found = self.entries[key] = mark_safe(render())  # noqa: S308 - its templates'
        return found
