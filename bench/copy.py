"""Bulk loading through PostgreSQL's COPY, for the benchmark's data set.

Values are formatted once into COPY's text format, so a field that stays the same over an
order's history rows is not formatted again for each of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model

NULL = r"\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def fmt(value: Any) -> str:
    """One value in COPY text format."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    raise TypeError(f"cannot format {type(value).__name__} for COPY")


def columns(model: type[Model], fields: Sequence[str]) -> list[str]:
    """The database columns of `fields` (attribute names, e.g. `order_id`)."""
    by_attname = {f.attname: f.column for f in model._meta.concrete_fields}
    return [by_attname[name] for name in fields]


def copy_lines(model: type[Model], fields: Sequence[str], lines: Iterable[str]) -> int:
    """COPY preformatted lines (tab-separated, newline-terminated) into `model`'s table."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns(model, fields))
    written = 0
    chunk: list[str] = []
    statement = f"COPY {table} ({cols}) FROM STDIN"  # noqa: S608
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 5000:
                copy.write("".join(chunk))
                written += len(chunk)
                chunk = []
        if chunk:
            copy.write("".join(chunk))
            written += len(chunk)
    return written


def copy_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows of plain Python values into `model`'s table."""
    return copy_lines(
        model, fields, ("\t".join(fmt(v) for v in row) + "\n" for row in rows)
    )


def reset_sequences(*models: type[Model]) -> None:
    """Move each table's id sequence past the ids written explicitly."""
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            pk = model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608
                f"COALESCE((SELECT MAX({connection.ops.quote_name(pk)}) FROM "
                f"{connection.ops.quote_name(table)}), 0) + 1, false)",
                [table, pk],
            )


@contextmanager
def without_checks(*models: type[Model]) -> Iterator[None]:
    """Load `models`' tables without their foreign keys and secondary indexes, then put them
    back: one index build and one foreign-key validation per constraint instead of work for
    every row (the standard way to bulk-load PostgreSQL). Inside the caller's transaction, so
    a failed load leaves the tables as they were."""
    tables = [model._meta.db_table for model in models]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid"
            "  AND c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        # Check what is pending first: a table with deferred checks to run cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
