"""What every section of the dashboard shares: the states it groups, the filters and the
addresses of the lists behind each figure, the year's and the months' bounds, percentiles."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import ngettext

from orders.models import Order
from organisation.models import Department

from .. import charts

S = Order.Status
#: The states shown as columns of "orders by state and department" (no drafts).
STATUS_COLUMNS = [s for s in S if s != S.DRAFT]
WAITING_DECISION = (S.SUBMITTED, S.IN_PREPARATION, S.AWAITING_SUPPLEMENT, S.READY_FOR_DECISION)
WAITING_DELIVERY = (S.APPROVED, S.PLANNED, S.IN_PROGRESS)
#: Backlog age groups in whole days, (first, last); None is open-ended.
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 14), (15, 30), (31, 60), (61, 90), (91, None),
)


def percentile(values: list[float], share: float) -> float | None:
    """The `share` (0–1) percentile by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def median(values: list[float]) -> float | None:
    return percentile(values, 0.5)


@dataclass
class Filters:
    year: int
    department: Department | None = None
    kind: str = ""

    def order_params(self, **params: Any) -> str:
        """The order list's address with the dashboard's department and type filters."""
        query: list[tuple[str, Any]] = []
        for key, value in params.items():
            if isinstance(value, list | tuple):
                query += [(key, v) for v in value]
            elif value not in (None, ""):
                query.append((key, value))
        if self.department is not None:
            query.append(("department", self.department.pk))
        if self.kind:
            query.append(("kind", self.kind))
        return self._order_list + "?" + urlencode(query)

    @cached_property
    def _order_list(self) -> str:
        # A dashboard links to the order list some three hundred times: reversed once.
        return reverse("orders:list")

    @cached_property
    def without_department(self) -> Filters:
        """The same filters for every department (a department row's own links)."""
        return Filters(year=self.year, department=None, kind=self.kind)

    def project_params(self, **params: Any) -> str:
        query: list[tuple[str, Any]] = []
        for key, value in params.items():
            if isinstance(value, list | tuple):
                query += [(key, v) for v in value]
            elif value not in (None, ""):
                query.append((key, value))
        if self.department is not None:
            query.append(("department", self.department.pk))
        return reverse("portfolio:projects") + "?" + urlencode(query)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def month_label(month: int) -> str:
    return str(MONTHS_3[month]).capitalize()


def days(value: float | None) -> str:
    """Whole days as the page writes them, the noun agreeing with the number shown: "1 dag",
    "3 dagar" ("– dagar" when there is none)."""
    # charts.fmt without decimals shows the whole part, so the noun agrees with int(value).
    return ngettext("%(days)s day", "%(days)s days", int(value or 0)) % {
        "days": charts.fmt(value)}


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, first + relativedelta(months=1) - timedelta(days=1)
