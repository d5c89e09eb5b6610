"""The database triggers that renew the access token (`organisation.models.AccessVersion`).

Every table whose rows decide who may see and do what carries a trigger that writes a new
random token into the one row of `organisation_accessversion`, in the writer's transaction:
the access cache (`organisation.access`) trusts an entry only while its token is in force.
Being triggers, they see every write — the services', the admin's, `QuerySet.update`, bulk
creates and deletes, a bulk load with COPY, SQL typed by hand — which signals never could.

On PostgreSQL each is a statement-level trigger (a bulk load renews the token once per
statement, not once per row) that also fires on TRUNCATE; on SQLite, which has only row-level
triggers, one per operation. An update of the user table renews it only when a column other
than `last_login` is written, so logging in changes nobody's cached access, and a new person
(who has no rights until a group, a permission or a registration, each watched, gives some)
not at all.

`install` puts in place exactly the triggers `wanted` describes and removes earlier ones: the
migration that brought the token calls it, and so does every `migrate` and `flush` afterwards
(post_migrate), since SQLite drops a table's triggers whenever a migration rebuilds the table
and a new column of the user table must be watched too. A trigger's name carries a digest of
its definition, so a changed definition is replaced.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.db.backends.base.base import BaseDatabaseWrapper

VERSION_TABLE = "organisation_accessversion"
FUNCTION = "organisation_access_changed"
PREFIX = "access_"

#: What decides access: (app label, model name, m2m field or None, columns whose update
#: matters (None: all), columns left out). Read from the models, so a new column is watched.
WATCHED: tuple[tuple[str, str, str | None, tuple[str, ...] | None, tuple[str, ...]], ...] = (
    # Who the person is, whether they may log in, their password (sessions), their name
    # (shown from the cache): every column but the time of the last login. A new person
    # (first login through single sign-on, say) has no rights yet and nothing cached: only
    # their groups, permissions and registrations, each watched, give them any.
    ("organisation", "User", None, None, ("last_login",)),
    ("organisation", "User", "groups", None, ()),
    ("organisation", "User", "user_permissions", None, ()),
    ("auth", "Group", "permissions", None, ()),
    ("auth", "Permission", None, None, ()),
    ("organisation", "Role", None, None, ()),
    # Who leads a department, whether it is active, its place and its names (offered as
    # choices from the cache).
    ("organisation", "Department", None, None, ()),
    ("organisation", "OrdererRegistration", None, None, ()),
    ("organisation", "Provider", "members", None, ()),
    # The board's pages are open to a meeting's chair and members (board.selectors).
    ("board", "Meeting", None, ("chair_id",), ()),
    ("board", "MeetingMember", None, ("meeting_id", "person_id"), ()),
)


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    sql: tuple[str, ...]


#: Tables whose new rows give no one any right by themselves.
INSERT_HARMLESS = frozenset({"organisation_user"})


def _tables(apps=global_apps) -> list[tuple[str, tuple[str, ...] | None]]:
    """(table, columns whose update renews the token, None for any) of every watched table."""
    found = []
    for app_label, model_name, m2m, columns, left_out in WATCHED:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        if m2m is not None:
            model = model._meta.get_field(m2m).remote_field.through
        if left_out:
            columns = tuple(
                field.column for field in model._meta.concrete_fields
                if field.attname not in left_out
            )
        found.append((model._meta.db_table, columns))
    return found


def _digest(*parts: str) -> str:
    return hashlib.blake2s("\n".join(parts).encode(), digest_size=4).hexdigest()


def wanted(vendor: str, apps=global_apps) -> list[Trigger]:
    """The triggers `vendor` ("postgresql" or "sqlite") should carry."""
    triggers = []
    for table, columns in _tables(apps):
        of = f" OF {', '.join(columns)}" if columns else ""
        short = table.removeprefix("organisation_")
        insert = table not in INSERT_HARMLESS
        if vendor == "postgresql":
            sql = (  # noqa: S608 - the models' own table and column names
                f'AFTER {"INSERT OR " if insert else ""}UPDATE{of} OR DELETE OR TRUNCATE '
                f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()'
            )
            name = f"{PREFIX}{short}_{_digest(sql)}"
            triggers.append(Trigger(name, table, (f'CREATE TRIGGER "{name}" {sql}',)))
        elif vendor == "sqlite":
            body = (f"BEGIN UPDATE {VERSION_TABLE} SET token = "  # noqa: S608 - constants
                    "lower(hex(randomblob(16))) WHERE id = 1; END")
            for operation in (*(["INSERT"] if insert else []), f"UPDATE{of}", "DELETE"):
                sql = f'AFTER {operation} ON "{table}" {body}'
                name = f"{PREFIX}{short}_{operation.split()[0].lower()}_{_digest(sql)}"
                triggers.append(Trigger(name, table, (f'CREATE TRIGGER "{name}" {sql}',)))
    return triggers


FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION organisation_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organisation_accessversion SET token = replace(gen_random_uuid()::text, '-', '')
    WHERE id = 1;
    RETURN NULL;
END
$$
"""


def _existing(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The access triggers in place, name to table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgname LIKE %s",
                [f"{PREFIX}%"],
            )
        else:
            cursor.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s",
                [f"{PREFIX}%"],
            )
        return {name: table.strip('"') for name, table in cursor.fetchall()}


def install(connection: BaseDatabaseWrapper, apps=global_apps) -> None:
    """Make the database carry exactly the access triggers, and the token row.

    Nothing is done on a database without the token table (before its migration, or after
    migrating back past it) or of another vendor.
    """
    if connection.vendor not in {"postgresql", "sqlite"}:
        return
    tables = set(connection.introspection.table_names())
    if VERSION_TABLE not in tables:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # A flush empties the table: a new token, as after any change.
        cursor.execute(f"SELECT COUNT(*) FROM {VERSION_TABLE} WHERE id = 1")  # noqa: S608
        if not cursor.fetchone()[0]:
            import secrets

            cursor.execute(
                f"INSERT INTO {VERSION_TABLE} (id, token) VALUES (1, %s)",  # noqa: S608
                [secrets.token_hex(16)],
            )
        if connection.vendor == "postgresql":
            cursor.execute(FUNCTION_SQL)
        present = _existing(connection)
        wanted_now = {t.name: t for t in wanted(connection.vendor, apps) if t.table in tables}
        for name, table in present.items():
            if name not in wanted_now and table in tables:
                suffix = f" ON {quote(table)}" if connection.vendor == "postgresql" else ""
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}{suffix}")
        for name, trigger in wanted_now.items():
            if name not in present:
                for statement in trigger.sql:
                    cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Remove every access trigger (migrating back past the token)."""
    if connection.vendor not in {"postgresql", "sqlite"}:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, table in _existing(connection).items():
            suffix = f" ON {quote(table)}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}{suffix}")
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
