"""How many orders each department and provider has in each state, kept by the database
(PostgreSQL).

The order list shows how many orders the person may see. For a large department that count
read some twenty thousand index entries on every list page. `orders_ordertally` holds the
same numbers as rows of (department, provider, status, n) that add up: PostgreSQL triggers on
`orders_order` (migrations 0008 and 0011) add a row +1 for an order written or moved into a
department, provider and state and -1 for one moved out or deleted, whatever writes it (a
service, a bulk update, SQL by hand), in the writer's own transaction. Writers only insert, so
they never wait for each other on a counter row; a reader sums the rows it needs, which is
exact in every snapshot. `compact` folds the rows into one per department, provider and state
(the worker runs it every quarter of an hour; `orders.tasks.compact_tallies`).

On other databases (SQLite, for development) nothing is kept and the list counts the orders.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q

from organisation import access

TABLE = "orders_ordertally"


def available() -> bool:
    return connection.vendor == "postgresql"


def count(departments: Iterable[int] | None, statuses: Iterable[str] | None = None,
          *, exclude_statuses: Iterable[str] = (),
          providers: Iterable[int] | None = None) -> tuple[str, list]:
    """SQL (and its parameters) of the number of orders of `departments` (every department
    when None) planned to `providers` (whatever the provider when None) in `statuses` (all
    when None) and not in `exclude_statuses`, for use inside a larger query."""
    sql = f"SELECT COALESCE(SUM(n), 0) FROM {TABLE} WHERE TRUE"  # noqa: S608
    params: list = []
    if departments is not None:
        sql += " AND department_id = ANY(%s)"
        params.append(list(departments))
    if providers is not None:
        sql += " AND provider_id = ANY(%s)"
        params.append(list(providers))
    if statuses is not None:
        sql += " AND status = ANY(%s)"
        params.append(list(statuses))
    excluded = list(exclude_statuses)
    if excluded:
        sql += " AND NOT (status = ANY(%s))"
        params.append(excluded)
    return sql, params


def compact() -> int:
    """Fold the rows into one per department and state; returns how many rows were folded.

    One statement: the rows it deletes are summed into new ones in the same snapshot, so a
    reader at any moment sums the same numbers. Rows a writer adds meanwhile are not seen by
    the statement and stay for the next run; two runs at once fold each row once.
    """
    if not available():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH folded AS (DELETE FROM {TABLE} "  # noqa: S608
            "RETURNING department_id, provider_id, status, n), "
            f"summed AS (INSERT INTO {TABLE} (department_id, provider_id, status, n) "
            "SELECT department_id, provider_id, status, SUM(n) FROM folded "
            "GROUP BY department_id, provider_id, status HAVING SUM(n) <> 0 RETURNING 1) "
            "SELECT (SELECT COUNT(*) FROM folded)"
        )
        return cursor.fetchone()[0]


def rebuild() -> None:
    """Count every department's orders afresh (after a load that bypassed the triggers).

    Writers to the orders wait while it runs (a SHARE lock), so no change falls between the
    count and the new rows.
    """
    if not available():
        return
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE orders_order IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {TABLE} (department_id, provider_id, status, n) "  # noqa: S608
            "SELECT department_id, provider_id, status, COUNT(*) FROM orders_order "
            "GROUP BY department_id, provider_id, status"
        )


def visible_count(user, filters: dict) -> int | None:
    """How many orders the order list shows `user` with `filters`, from the tallies where
    they can tell: no filter but the states (and the sort), on PostgreSQL. None otherwise.

    The branches of `Order.objects.visible_to` (`orders.querysets.Visibility`) are summed
    from the tallies where a tally holds them: every order (who sees all), the departments
    coordinated, the departments belonged to past their writers' own states (plus the
    person's own drafts there, counted from the orders by the writer's index), and a
    provider's orders for its staff. The orders seen in the other ways, and not among those,
    are counted as `orders.selectors.order_count` counts them, in the same query.
    """
    if not available() or any(value for name, value in filters.items()
                              if name not in {"status", "sort"}):
        return None
    statuses = sorted(filters.get("status") or []) or None
    # The query depends only on who asks and the states: the person's request reuses it from
    # the access cache (organisation.access), renewed with every change of access.
    query = access.fact(user, f"order-count:{','.join(statuses or ['all'])}",
                        lambda: _count_query(user, statuses))
    if query is None:
        return None
    sql, params = query
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def _count_query(user, statuses: list[str] | None) -> list | None:
    """[SQL, parameters] of the count (JSON types, as the access cache keeps them), or None
    when no branch is summed from the tallies."""
    from .models import Order
    from .querysets import WRITERS_OWN, Visibility

    visibility = Visibility.of(user)
    parts: list[tuple[str, list]] = []
    base = Order.objects.order_by()
    if statuses is not None:
        base = base.filter(status__in=statuses)

    def rows_of(way: Q, without: Q | None):
        queryset = base.filter(way)
        return (queryset.exclude(without) if without is not None else queryset).values("pk")

    if visibility.everything:
        return _joined([count(None, statuses)])
    departments = visibility.departments_q()
    if departments is not None:
        if visibility.coordinated:
            parts.append(count(visibility.coordinated, statuses))
        if visibility.member:
            parts.append(count(visibility.member, statuses, exclude_statuses=WRITERS_OWN))
            if statuses is None or set(WRITERS_OWN) & set(statuses):
                sql, params = base.filter(visibility.member_own_q).values("pk").query \
                    .sql_with_params()
                parts.append((f"SELECT COUNT(*) FROM ({sql}) AS own",  # noqa: S608
                              list(params)))
        seen, rest = departments, visibility.others()
    elif visibility.providers:
        # A provider's staff: their provider's orders from the tallies.
        parts.append(count(None, statuses, providers=visibility.providers))
        seen, rest = visibility.provider_q, visibility.others(provider=False)
    else:
        return None
    if rest:
        # A union drops the orders seen in more than one way; each way without those counted.
        ways = [rows_of(way, seen) for way in rest]
        sql, params = ways[0].union(*ways[1:]).order_by().query.sql_with_params()
        parts.append((f"SELECT COUNT(*) FROM ({sql}) AS other_ways",  # noqa: S608
                      list(params)))
    return _joined(parts)


def _joined(parts: list[tuple[str, list]]) -> list:
    query = " + ".join(f"({sql})" for sql, _params in parts)
    return [f"SELECT {query}", [p for _sql, params in parts for p in params]]
