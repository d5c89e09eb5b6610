"""What a year's costs and counted weights are drawn from, as the product holds them now.

A draft is read from here on every viewing; publishing writes what this returns into the year
(`CostItem`, `DepartmentEntry`), and a published year is never read from here again.

The costs, per kind:

- Contracts: a contract's value is the value of its whole period, so its part of the year is
  the value in proportion to the days of the period that fall in the year (rounded to the
  öre, half up). A contract without a value is left out (and counted, so the page can say
  so); a terminated contract runs until its end date like any other.
- Licences: each licence's yearly cost, as the catalogue has it now.
- Projects: the growth of a project's actuals during the year: its actuals at the end of the
  year less its actuals at the start, both read from the project's history (every change of
  the actuals, by a status report or by hand, is recorded there with its time). For the
  running year the end is now. A correction downwards makes a negative cost.

The counted weights, per department: the licences held (the number of licences of the
licences linked to a service the department owns), the systems owned (its services in use or
being phased out) and the orders delivered to it in the year. The number of users is not
counted here: the product knows the people who order, not everyone who uses IT, so the IT
chief enters it per department and year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from orders.models import Order
from portfolio.models import Project
from servicecatalog.models import Contract, Licence, Service
from servicecatalog.plans import MANAGED_LIFECYCLES

from .allocation import ORE
from .models import Basis, CostKind

#: The bases counted from the product, with the field a published year keeps each in.
COUNTED = {
    Basis.LICENCES: "licences_held",
    Basis.SYSTEMS: "systems_owned",
    Basis.ORDERS: "orders_delivered",
}


@dataclass(frozen=True)
class Item:
    """One cost of the year: what it is, how it was counted and what it comes to."""

    kind: str
    label: str
    detail: str
    amount: Decimal
    source_id: int | None = None


def _bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def contract_share(contract: Contract, year: int) -> tuple[Decimal, int, int]:
    """The part of the contract's value that falls in `year`, the days of its period in the
    year and the days of its whole period."""
    first, last = _bounds(year)
    whole = (contract.ends_on - contract.starts_on).days + 1
    within = (min(contract.ends_on, last) - max(contract.starts_on, first)).days + 1
    within = max(within, 0)
    amount = (contract.value * within / whole).quantize(ORE, rounding=ROUND_HALF_UP)
    return amount, within, whole


def contract_items(year: int) -> tuple[list[Item], int]:
    """The contracts running in `year`, each with its part of the year; and how many of them
    have no value. One query."""
    first, last = _bounds(year)
    contracts = (Contract.objects.filter(starts_on__lte=last, ends_on__gte=first)
                 .select_related("supplier").order_by("title", "pk"))
    items, without_value = [], 0
    for contract in contracts:
        if contract.value is None:
            without_value += 1
            continue
        amount, within, whole = contract_share(contract, year)
        items.append(Item(
            CostKind.CONTRACTS, f"{contract.title} ({contract.supplier})",
            _("%(days)s of the contract's %(whole)s days, of a value of %(value)s SEK") % {
                "days": within, "whole": number_format(whole, force_grouping=True),
                "value": number_format(contract.value, decimal_pos=2, force_grouping=True)},
            amount, contract.pk,
        ))
    return items, without_value


def licence_items() -> list[Item]:
    """Every licence with a yearly cost. One query."""
    licences = (Licence.objects.filter(yearly_cost__isnull=False)
                .select_related("service__department").order_by("product", "pk"))
    items = []
    for licence in licences:
        service = licence.service
        holder = service.department.short_name if service and service.department else ""
        detail = _("%(count)s licences") % {"count": number_format(licence.count,
                                                                    force_grouping=True)}
        if service is not None:
            detail += f", {service.name}" + (f" ({holder})" if holder else "")
        items.append(Item(CostKind.LICENCES, licence.product, detail, licence.yearly_cost,
                          licence.pk))
    return items


def _actuals_before(moment: datetime) -> Subquery:
    history = Project.history.model
    return Subquery(
        history.objects.filter(id=OuterRef("pk"), history_date__lt=moment)
        .order_by("-history_date", "-history_id").values("actual_cost")[:1]
    )


def project_items(year: int) -> list[Item]:
    """Each project whose actuals grew (or shrank) during `year`. One query."""
    tz = timezone.get_current_timezone()
    start, end = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    projects = (Project.objects.annotate(at_start=_actuals_before(start),
                                         at_end=_actuals_before(end))
                .select_related("sponsor_department").order_by("name", "pk"))
    items = []
    for project in projects:
        before, after = project.at_start or Decimal(0), project.at_end or Decimal(0)
        if after == before:
            continue
        items.append(Item(
            CostKind.PROJECTS, project.name,
            _("actuals %(after)s SEK at the end of the year less %(before)s SEK at its "
              "start, %(department)s") % {
                "after": number_format(after, decimal_pos=2, force_grouping=True),
                "before": number_format(before, decimal_pos=2, force_grouping=True),
                "department": project.sponsor_department.short_name},
            after - before, project.pk,
        ))
    return items


def items_of_year(year: int) -> tuple[list[Item], int]:
    """Every cost of `year` drawn from the product (three queries), and the number of
    contracts without a value."""
    contracts, without_value = contract_items(year)
    return [*contracts, *licence_items(), *project_items(year)], without_value


def counted_weights(year: int) -> dict[str, dict[int, int]]:
    """The counted bases by department id (three queries): licences held, systems owned and
    orders delivered in `year`."""
    weights: dict[str, dict[int, int]] = defaultdict(dict)
    held = (Licence.objects.filter(service__department__isnull=False)
            .values_list("service__department").annotate(n=Sum("count")).order_by())
    weights[Basis.LICENCES] = {department: n for department, n in held}
    owned = (Service.objects.filter(department__isnull=False, lifecycle__in=MANAGED_LIFECYCLES)
             .values_list("department").annotate(n=Count("pk")).order_by())
    weights[Basis.SYSTEMS] = {department: n for department, n in owned}
    tz = timezone.get_current_timezone()
    delivered = (Order.objects.filter(delivered_at__gte=datetime(year, 1, 1, tzinfo=tz),
                                      delivered_at__lt=datetime(year + 1, 1, 1, tzinfo=tz))
                 .values_list("department").annotate(n=Count("pk")).order_by())
    weights[Basis.ORDERS] = {department: n for department, n in delivered}
    return weights
