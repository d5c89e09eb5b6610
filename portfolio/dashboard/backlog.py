"""Backlog: orders waiting now. Waiting for a decision: submitted, in preparation, awaiting a
supplement or ready for decision, aged from the day submitted. Waiting for delivery: approved,
planned or in progress, aged from the day decided. Ages are whole days. The year filter does
not apply to what waits today."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, DateField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders.models import Order

from .. import charts
from .common import (
    AGE_BUCKETS,
    WAITING_DECISION,
    WAITING_DELIVERY,
    Filters,
    S,
    days,
    median,
    percentile,
)


@dataclass
class Bucket:
    label: str
    count: int
    href: str


@dataclass
class Queue:
    name: str
    count: int
    median: float | None
    p90: float | None
    oldest: int | None
    buckets: list[Bucket]
    href: str


@dataclass
class Backlog:
    decision: Queue
    delivery: Queue
    ready_for_decision: int
    chart: charts.BarChart | None = None
    summary: str = ""

    @property
    def rows(self) -> list[tuple[str, Bucket, Bucket]]:
        """Each age group with its count in both queues, for the table."""
        return [(a.label, a, b) for a, b in zip(self.decision.buckets, self.delivery.buckets,
                                                 strict=True)]


def bucket_label(first: int, last: int | None) -> str:
    if last is None:
        return _("over %(days)s days") % {"days": first - 1}
    return _("%(first)s–%(last)s days") % {"first": first, "last": last}


def backlog(base: QuerySet[Order], filters: Filters, today: date) -> Backlog:
    """One query: the orders waiting now, counted by their queue and the day (Stockholm time)
    they entered it: some hundreds of rows for the thousands of orders waiting."""
    in_decision = Q(status__in=WAITING_DECISION)
    rows = (
        base.filter(status__in=[*WAITING_DECISION, *WAITING_DELIVERY])
        .annotate(
            queue=Case(When(status=S.READY_FOR_DECISION, then=Value(2)),
                       When(in_decision, then=Value(1)), default=Value(0),
                       output_field=IntegerField()),
            since=Case(When(in_decision, then=TruncDate("submitted_at")),
                       default=TruncDate("decided_at"), output_field=DateField()),
        )
        .values_list("queue", "since").annotate(n=Count("pk")).order_by()
    )
    decision_ages: list[int] = []
    delivery_ages: list[int] = []
    ready = 0
    for waits_for, since, count in rows:
        ready += count if waits_for == 2 else 0
        if since is not None:
            ages = decision_ages if waits_for else delivery_ages
            ages.extend([(today - since).days] * count)

    def queue(name: str, ages: list[int], states: tuple, field_name: str) -> Queue:
        ages.sort()
        buckets = []
        for first, last in AGE_BUCKETS:
            count = (len(ages) if last is None else bisect_right(ages, last)) - bisect_left(
                ages, first)
            params = {f"{field_name}_to": today - timedelta(days=first)}
            if last is not None:
                params[f"{field_name}_from"] = today - timedelta(days=last)
            buckets.append(Bucket(bucket_label(first, last), count,
                                  filters.order_params(status=list(states), **params)))
        return Queue(
            name=name, count=len(ages), median=median(ages), p90=percentile(ages, 0.9),
            oldest=max(ages) if ages else None, buckets=buckets,
            href=filters.order_params(status=list(states), sort="stale"),
        )

    result = Backlog(
        decision=queue(_("Waiting for a decision"), decision_ages, WAITING_DECISION,
                       "submitted"),
        delivery=queue(_("Waiting for delivery"), delivery_ages, WAITING_DELIVERY, "decided"),
        ready_for_decision=ready,
    )
    result.chart = charts.bar_chart(
        _("Orders waiting for a decision, by age"),
        [(b.label, b.count, charts.fmt(b.count), b.href, "bar-age") for b in
         result.decision.buckets],
    )
    decision, delivery = result.decision, result.delivery
    waiting = ngettext("%(count)s order waits for a decision",
                       "%(count)s orders wait for a decision", decision.count) % {
        "count": decision.count}
    if decision.count:
        waiting = _("%(waiting)s (median age %(median)s, the oldest %(oldest)s)") % {
            "waiting": waiting, "median": days(decision.median), "oldest": days(decision.oldest)}
    result.summary = _("%(decision)s; %(delivery)s.") % {
        "decision": waiting,
        "delivery": ngettext("%(count)s decided order waits for delivery",
                             "%(count)s decided orders wait for delivery", delivery.count) % {
            "count": delivery.count},
    }
    return result
