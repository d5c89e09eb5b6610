"""The one year counter: the orders' references and the board's minutes count in it, each in
its own scope, from 1 every year (the numbers under concurrency: tests/orders/
test_concurrency.py)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from board.models import MinutesCounter
from orders.models import ReferenceCounter
from tyreso_it.core.models import YearCounter
from tyreso_it.core.services import year_counter_next

pytestmark = pytest.mark.django_db


def test_each_scope_counts_on_its_own_and_starts_again_each_year():
    taken = [
        year_counter_next(scope=ReferenceCounter.SCOPE, year=2026),
        year_counter_next(scope=ReferenceCounter.SCOPE, year=2026),
        year_counter_next(scope=MinutesCounter.SCOPE, year=2026),
        year_counter_next(scope=ReferenceCounter.SCOPE, year=2027),
        year_counter_next(scope=ReferenceCounter.SCOPE, year=2026),
    ]
    assert taken == [1, 2, 1, 1, 3]
    assert dict(ReferenceCounter.objects.values_list("year", "last")) == {2026: 3, 2027: 1}
    assert dict(MinutesCounter.objects.values_list("year", "last")) == {2026: 1}
    assert YearCounter.objects.count() == 3


def test_a_number_taken_in_a_rolled_back_transaction_is_given_again():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert year_counter_next(scope=MinutesCounter.SCOPE, year=2026) == 1
        raise RuntimeError
    assert year_counter_next(scope=MinutesCounter.SCOPE, year=2026) == 1


def test_an_apps_counter_is_made_in_its_own_scope_and_a_year_once_per_scope():
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=2025, last=17)])
    assert YearCounter.objects.get(year=2025).scope == "orders.reference"
    assert year_counter_next(scope=ReferenceCounter.SCOPE, year=2025) == 18
    with pytest.raises(IntegrityError), transaction.atomic():
        YearCounter.objects.create(scope="orders.reference", year=2025)


@pytest.mark.django_db(transaction=True)
def test_the_numbers_given_out_before_go_on_in_the_year_counter():
    """The migrations carry each app's counter over (and back), so no number is given twice."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("orders", "0012_no_order_permission_rows"), ("board", "0001_initial")]
    executor = MigrationExecutor(connection)
    # After: every app at its latest migration (those after the counters' included), as the
    # rest of the suite expects the schema.
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        old.get_model("orders", "ReferenceCounter").objects.create(year=2026, last=41)
        old.get_model("board", "MinutesCounter").objects.create(year=2026, last=7)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    assert year_counter_next(scope=ReferenceCounter.SCOPE, year=2026) == 42
    assert year_counter_next(scope=MinutesCounter.SCOPE, year=2026) == 8

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        assert old.get_model("orders", "ReferenceCounter").objects.get(year=2026).last == 42
        assert old.get_model("board", "MinutesCounter").objects.get(year=2026).last == 8
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    assert not YearCounter.objects.exclude(last__in=[42, 8]).exists()
