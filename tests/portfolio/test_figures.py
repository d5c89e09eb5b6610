"""The dashboard's figures on a known data set, with every number worked out by hand.

Percentiles interpolate linearly between the closest ranks (Excel's PERCENTILE.INC): for the
values v1 ≤ … ≤ vn the p-th percentile lies at position (n − 1)·p, counted from 0.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from orders.models import Order
from portfolio import dashboard
from portfolio.dashboard import Filters, median, percentile

from .conftest import at, days_ago, timed_order

pytestmark = pytest.mark.django_db
S = Order.Status


def test_percentiles_interpolate_between_the_closest_ranks():
    assert median([2, 4, 6, 10, 30]) == 6
    # (5 − 1) · 0.9 = 3.6: 10 + 0.6 · (30 − 10) = 22
    assert percentile([30, 2, 10, 6, 4], 0.9) == pytest.approx(22.0)
    assert median([20, 25, 35, 40]) == 30
    assert percentile([20, 25, 35, 40], 0.9) == pytest.approx(38.5)
    assert percentile([7], 0.9) == 7
    assert median([]) is None


@pytest.fixture
def lead_time_orders(department, other_department):
    """Six orders decided in 2025. Lead times, submitted → decided (days):

        A 2, B 4, C 6, D 10, E 30   decided in March (Stockholm time)
        F 0.5                        decided 1 April 00:30 Stockholm = 31 March 22:30 UTC

    Decided → delivered (days): A 40, B 35, C 25, D 20 (all delivered in April), F 30.5
    (delivered in May); E was rejected and is never delivered.
    """
    decided = {
        "A": (at(2025, 3, 3, 10), 2, 40),
        "B": (at(2025, 3, 1, 10), 4, 35),
        "C": (at(2025, 3, 10, 9), 6, 25),
        "D": (at(2025, 3, 15, 12), 10, 20),
        "E": (at(2025, 3, 29, 23, 30), 30, None),
        "F": (at(2025, 4, 1, 0, 30), 0.5, 30.5),
    }
    orders = {}
    for name, (local, to_decision, to_delivery) in decided.items():
        # Elapsed time: in UTC, so that 30 March's move to summer time takes no hour away.
        moment = local.astimezone(UTC)
        status = S.REJECTED if to_delivery is None else S.CLOSED
        stamps = {"submitted_at": moment - timedelta(days=to_decision), "decided_at": moment,
                  "created_at": moment - timedelta(days=to_decision + 1)}
        if to_delivery is not None:
            stamps["delivered_at"] = moment + timedelta(days=to_delivery)
        orders[name] = timed_order(department, status, **stamps)
    # Not counted: a draft, an order still waiting, and the other department's orders when
    # the dashboard is filtered to `department`.
    timed_order(department, S.DRAFT)
    timed_order(other_department, S.CLOSED, submitted_at=at(2025, 3, 1),
                decided_at=at(2025, 3, 20), delivered_at=at(2025, 4, 20))
    return orders


def test_lead_times_by_month_and_for_the_year(lead_time_orders, department, it_chief):
    lead = dashboard.lead_times(dashboard.order_scope(it_chief, Filters(2025, department)),
                                Filters(2025, department))
    march, april, may = lead.rows[2], lead.rows[3], lead.rows[4]
    assert (march.decision.count, march.decision.median) == (5, 6)
    assert march.decision.p90 == pytest.approx(22.0)
    # F belongs to April in Stockholm, though its decision was on 31 March in UTC.
    assert (april.decision.count, april.decision.median, april.decision.p90) == (1, 0.5, 0.5)
    assert april.delivery.count == 4
    assert april.delivery.median == pytest.approx(30.0)   # (25 + 35) / 2
    assert april.delivery.p90 == pytest.approx(38.5)      # 35 + 0.7 · (40 − 35)
    # Submitted → delivered in April: A 42, B 39, C 31, D 30.
    assert april.total.median == pytest.approx(35.0)      # (31 + 39) / 2
    assert april.total.p90 == pytest.approx(41.1)         # 39 + 0.7 · (42 − 39)
    assert (may.delivery.count, may.delivery.median) == (1, pytest.approx(30.5))
    # The year: 0.5, 2, 4, 6, 10, 30 → median 5, p90 at 4.5: 10 + 0.5 · 20 = 20.
    assert lead.year.decision.count == 6
    assert lead.year.decision.median == pytest.approx(5.0)
    assert lead.year.decision.p90 == pytest.approx(20.0)
    # Delivered in the year: 20, 25, 30.5, 35, 40 → median 30.5, p90 at 3.6: 35 + 0.6 · 5.
    assert lead.year.delivery.median == pytest.approx(30.5)
    assert lead.year.delivery.p90 == pytest.approx(38.0)
    assert [row.decision.count for row in lead.rows] == [0, 0, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0]


def test_without_the_department_filter_the_other_department_counts(lead_time_orders, it_chief):
    lead = dashboard.lead_times(dashboard.order_scope(it_chief, Filters(2025)), Filters(2025))
    assert lead.rows[2].decision.count == 6
    assert lead.rows[3].delivery.count == 5


def test_a_lead_time_links_to_exactly_the_orders_it_counts(
    client, lead_time_orders, department, it_chief
):
    lead = dashboard.lead_times(dashboard.order_scope(it_chief, Filters(2025, department)),
                                Filters(2025, department))
    client.force_login(it_chief)
    for stat, expected in ((lead.rows[2].decision, 5), (lead.rows[3].decision, 1),
                           (lead.rows[3].delivery, 4)):
        query = parse_qs(urlparse(stat.href).query)
        assert query["department"] == [str(department.pk)]
        response = client.get(stat.href)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == expected, stat.href
    assert "decided_from=2025-03-01" in lead.rows[2].decision.href
    assert "decided_to=2025-03-31" in lead.rows[2].decision.href


TODAY = date(2025, 6, 30)


@pytest.fixture
def waiting_orders(department):
    """Waiting for a decision, aged from submission: 3, 20, 45, 75 and 120 days.
    Waiting for delivery, aged from the decision: 10, 40 and 100 days."""
    for days, status in ((3, S.SUBMITTED), (20, S.IN_PREPARATION), (45, S.AWAITING_SUPPLEMENT),
                         (75, S.READY_FOR_DECISION), (120, S.SUBMITTED)):
        timed_order(department, status, submitted_at=days_ago(TODAY, days, hour=23))
    for days, status in ((10, S.APPROVED), (40, S.PLANNED), (100, S.IN_PROGRESS)):
        timed_order(department, status, submitted_at=days_ago(TODAY, days + 30),
                    decided_at=days_ago(TODAY, days, hour=8))
    # Neither waits: done, or never submitted.
    timed_order(department, S.CLOSED, submitted_at=days_ago(TODAY, 300),
                decided_at=days_ago(TODAY, 200), delivered_at=days_ago(TODAY, 100))
    timed_order(department, S.DRAFT)


def test_backlog_counts_medians_and_age_groups(waiting_orders, it_chief):
    filters = Filters(2025)
    backlog = dashboard.backlog(dashboard.order_scope(it_chief, filters), filters, TODAY)
    decision, delivery = backlog.decision, backlog.delivery
    assert (decision.count, decision.median, decision.oldest) == (5, 45, 120)
    assert decision.p90 == pytest.approx(102.0)   # 75 + 0.6 · (120 − 75)
    assert [b.count for b in decision.buckets] == [1, 1, 1, 1, 1]
    assert (delivery.count, delivery.median, delivery.oldest) == (3, 40, 100)
    assert delivery.p90 == pytest.approx(88.0)    # 40 + 0.8 · (100 − 40)
    assert [b.count for b in delivery.buckets] == [1, 0, 1, 0, 1]
    assert backlog.ready_for_decision == 1
    assert [b.count for _label, _a, b in backlog.rows] == [1, 0, 1, 0, 1]


def test_backlog_counts_every_order_of_a_day(department, it_chief):
    """The orders waiting are counted a day at a time: several of one day each count."""
    for _ in range(3):
        timed_order(department, S.SUBMITTED, submitted_at=days_ago(TODAY, 10, hour=9))
    timed_order(department, S.READY_FOR_DECISION, submitted_at=days_ago(TODAY, 10, hour=23))
    timed_order(department, S.READY_FOR_DECISION, submitted_at=days_ago(TODAY, 50))
    for _ in range(2):
        timed_order(department, S.PLANNED, submitted_at=days_ago(TODAY, 90),
                    decided_at=days_ago(TODAY, 20, hour=8))
    filters = Filters(2025)
    backlog = dashboard.backlog(dashboard.order_scope(it_chief, filters), filters, TODAY)
    decision, delivery = backlog.decision, backlog.delivery
    assert (decision.count, decision.median, decision.oldest) == (5, 10, 50)
    assert [b.count for b in decision.buckets] == [4, 0, 1, 0, 0]
    assert backlog.ready_for_decision == 2
    assert (delivery.count, delivery.median, delivery.oldest) == (2, 20, 20)
    assert [b.count for b in delivery.buckets] == [0, 2, 0, 0, 0]


def test_each_age_group_links_to_exactly_its_orders(client, waiting_orders, it_chief):
    filters = Filters(2025)
    backlog = dashboard.backlog(dashboard.order_scope(it_chief, filters), filters, TODAY)
    client.force_login(it_chief)
    for bucket in [*backlog.decision.buckets, *backlog.delivery.buckets]:
        response = client.get(bucket.href)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == bucket.count, bucket.href


def test_orders_by_state_and_department(department, other_department, it_chief):
    for status in (S.SUBMITTED, S.SUBMITTED, S.CLOSED, S.DRAFT):
        timed_order(department, status, created_at=at(2025, 5, 1))
    timed_order(other_department, S.REJECTED, created_at=at(2025, 5, 1))
    timed_order(other_department, S.SUBMITTED, created_at=at(2024, 12, 31))  # another year
    matrix = dashboard.status_matrix(dashboard.order_scope(it_chief, Filters(2025)),
                                     Filters(2025))
    columns = [value for value, _label in matrix.columns]
    assert "draft" not in columns
    rows = {row.department["short_name"]: row for row in matrix.rows}
    assert rows["BUF"].cells[columns.index(S.SUBMITTED)].count == 2
    assert rows["BUF"].total.count == 3
    assert rows["SOC"].total.count == 1
    assert matrix.total.count == 4
    href = rows["BUF"].cells[columns.index(S.SUBMITTED)].href
    assert f"department={department.pk}" in href and "status=submitted" in href
    assert "year=2025" in href
    assert "2025" in matrix.summary
