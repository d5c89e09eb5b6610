"""The benchmark's own database: made when missing, rebuilt on request, and marked with what
was generated in it so a rerun of the same size reuses it.

The mark is the database's comment (COMMENT ON DATABASE), so no table of the product is
needed for it. Only a database whose name contains "bench" is ever dropped.
"""

from __future__ import annotations

import json
from typing import Any

import psycopg
from django.db import connection
from psycopg import sql

#: Bumped whenever the generator changes what it makes: older data sets are then rebuilt.
GENERATOR_VERSION = 2  # 2: the dashboard's snapshots are written


class NotABenchDatabase(Exception):
    pass


def _params() -> dict[str, Any]:
    settings = connection.settings_dict
    params = {"dbname": "postgres", "user": settings.get("USER") or None,
              "host": settings.get("HOST") or None, "port": settings.get("PORT") or None,
              "password": settings.get("PASSWORD") or None}
    return {k: v for k, v in params.items() if v is not None}


def name() -> str:
    return connection.settings_dict["NAME"]


def _maintenance():
    return psycopg.connect(**_params(), autocommit=True)


def exists() -> bool:
    with _maintenance() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            [name()]).fetchone() is not None


def create_if_missing() -> bool:
    if exists():
        return False
    with _maintenance() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name())))
    return True


def recreate() -> None:
    """Drop and create the database (its name must contain "bench")."""
    if "bench" not in name():
        raise NotABenchDatabase(
            f"refusing to drop {name()!r}: only a database whose name contains 'bench' is "
            "rebuilt (make bench uses tyreso_it_bench)"
        )
    connection.close()
    with _maintenance() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name())))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name())))


def read_mark() -> dict[str, Any] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name()],
        )
        row = cursor.fetchone()
    if not row or not row[0]:
        return None
    try:
        mark = json.loads(row[0])
    except ValueError:
        return None
    return mark.get("tyreso_it_bench") if isinstance(mark, dict) else None


def write_mark(mark: dict[str, Any]) -> None:
    text = json.dumps({"tyreso_it_bench": {**mark, "generator": GENERATOR_VERSION}})
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(
            sql.Identifier(name()), sql.Literal(text)).as_string(cursor.connection))


def has_data() -> bool:
    from orders.models import Order
    from organisation.models import Department

    tables = set(connection.introspection.table_names())
    return any(model._meta.db_table in tables and model.objects.exists()
               for model in (Order, Department))
