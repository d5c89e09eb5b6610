"""Where a page's time goes (`manage.py bench --profile`): the pages of the ratio run,
requested in this process through Django's test client under cProfile, each function's own
time put to the category of its file, and the time of built-ins and the standard library to
their callers' categories.

This is wall time under the profiler: waits on PostgreSQL and Redis count, and the profiler
slows everything about twice. Read the shares, not the milliseconds.
"""

from __future__ import annotations

import cProfile
import pstats
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .measure import Context
from .ratio import BARE, PAGES

#: (category, parts of a file's path that put a function in it), first match wins.
CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    ("PostgreSQL round trips (psycopg)", ("psycopg",)),
    ("Redis", ("/redis/",)),
    ("signing and reading cache entries", ("tyreso_it/core/cache.py", "/json/", "hmac",
                                           "hashlib")),
    ("ORM: compiling SQL", ("django/db/models/sql/compiler.py", "django/db/backends/",
                            "django/db/models/expressions.py", "django/db/models/lookups.py",
                            "django/db/models/functions")),
    ("ORM: building querysets", ("django/db/models/",)),
    ("Django templates", ("django/template/",)),
    ("Jinja2 fragments", ("/jinja2/",)),
    ("forms and widgets", ("django/forms/", "tyreso_it/core/forms.py",
                           "tyreso_it/core/widget_html.py")),
    ("translation and formats", ("django/utils/translation", "gettext", "django/utils/formats",
                                 "django/utils/dateformat", "/locale", "zoneinfo")),
    ("middleware, handlers, sessions, auth", (
        "django/core/handlers", "django/middleware", "django/contrib/sessions",
        "django/contrib/auth", "/axes/", "django_htmx", "simple_history/middleware",
        "whitenoise", "django/utils/csp", "tyreso_it/core/middleware",
        "tyreso_it/core/sessions", "tyreso_it/core/uploads", "django/http", "django/test",
        "django/urls")),
    ("the apps' own code", ("/orders/", "/organisation/", "/portfolio/", "/board/", "/raci/",
                            "/servicecatalog/", "/costs/", "/tyreso_it/", "/bench/")),
]
REST = "the rest of Django and Python"


def category(filename: str) -> str:
    for name, parts in CATEGORIES:
        if any(part in filename for part in parts):
            return name
    return REST


def _shares(stats: pstats.Stats) -> dict[str, float]:
    """Seconds per category: a function's own time to its file's category, or, for a
    built-in or the standard library's, to its callers' in proportion to their calls' time."""
    memo: dict[Any, dict[str, float]] = {}

    def of(func, depth: int = 0) -> dict[str, float]:
        if func in memo:
            return memo[func]
        filename = func[0]
        found = category(filename)
        memo[func] = {found: 1.0}
        if found != REST or depth > 12 or "site-packages" in filename:
            return memo[func]
        weights: dict[str, float] = {}
        whole = 0.0
        for caller, value in stats.stats[func][4].items():
            seconds = value[2] + 1e-12
            for name, share in of(caller, depth + 1).items():
                weights[name] = weights.get(name, 0.0) + seconds * share
            whole += seconds
        if whole:
            memo[func] = {name: weight / whole for name, weight in weights.items()}
        return memo[func]

    totals: dict[str, float] = {}
    for func, (_cc, _nc, own, _ct, _callers) in stats.stats.items():
        for name, share in of(func).items():
            totals[name] = totals.get(name, 0.0) + own * share
    return totals


def profile_pages(context: Context, *, requests: int = 60, warmup: int = 5,
                  log=print) -> list[dict[str, Any]]:
    """Each page of the ratio run: its queries and its time by category."""
    rows = []
    for page in [BARE, *PAGES]:
        paths = page.paths(context)
        if not paths:
            continue
        path = paths[0]
        client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
        client.force_login(context.users[page.role])
        for _n in range(warmup):
            client.get(path)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        queries = len(captured)  # now: the next request empties the connection's log
        profiler = cProfile.Profile()
        profiler.enable()
        for _n in range(requests):
            client.get(path)
        profiler.disable()
        totals = _shares(pstats.Stats(profiler))
        whole = sum(totals.values()) or 1.0
        shares = {name: round(seconds * 100 / whole, 1) for name, seconds in
                  sorted(totals.items(), key=lambda item: -item[1])}
        rows.append({"page": page.key, "role": page.role, "url": path, "status": status,
                     "queries": queries, "requests": requests,
                     "ms_per_request": round(whole * 1000 / requests, 1),
                     "percent": shares})
        log(f"  {page.key:<14} {queries} queries, "
            + ", ".join(f"{name} {share} %" for name, share in list(shares.items())[:4]))
    return rows
