"""The reads of the cost pages: a year's costs shared among the departments, the reports per
department and for the whole municipality, and the IT chief's dashboard line.

A draft is worked out from the product as it stands (`costs.sources`), a published year from
what was frozen with it; both are shared by `costs.allocation`, so the figures of a draft are
exactly what publishing it now would fix. Each reading takes a fixed number of queries,
whatever the number of departments, contracts, licences, projects and orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisation.models import Department, User

from .allocation import AllocationError, allocate
from .models import Basis, CostKind, CostPool, DepartmentEntry, KeySet
from .permissions import keeps_costs, key_sets_visible_to, reported_departments
from .sources import COUNTED, Item, counted_weights, items_of_year

HUNDRED = Decimal(100)


@dataclass
class KindShare:
    """One kind of cost of the year: its total, the key it is shared by and each
    department's share (empty, with `error` said, when it cannot be shared)."""

    code: str
    label: str
    basis: str
    total: Decimal
    shares: dict[int, Decimal] = field(default_factory=dict)
    error: str = ""
    pool: CostPool | None = None
    #: The weight of all departments on the kind's basis.
    weight_total: int | Decimal = 0

    @property
    def basis_label(self) -> str:
        return str(Basis(self.basis).label)


@dataclass
class DepartmentRow:
    """A department of the year: its weight on every basis and its share of every kind."""

    id: int
    name: str
    short_name: str
    #: By basis: whole numbers, and the fixed share in per cent (two decimals).
    weights: dict[str, int | Decimal]
    shares: list[Decimal | None] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((share for share in self.shares if share is not None), Decimal("0.00"))


@dataclass
class Allocation:
    """A year's costs shared among its departments."""

    key_set: KeySet
    kinds: list[KindShare]
    departments: list[DepartmentRow]
    weight_totals: dict[str, int | Decimal]
    #: The year's costs one by one, when asked for (`with_items`).
    items: list[Item] = field(default_factory=list)
    #: Contracts of the year without a value (a draft's only: a published year's are gone).
    without_value: int = 0

    @property
    def total(self) -> Decimal:
        return sum((kind.total for kind in self.kinds), Decimal("0.00"))

    @property
    def errors(self) -> list[str]:
        return [kind.error for kind in self.kinds if kind.error]

    @property
    def shared_total(self) -> Decimal:
        """What the departments' shares add up to: the total, when every kind is shared."""
        return sum((row.total for row in self.departments), Decimal("0.00"))

    @property
    def sharing_departments(self) -> int:
        return sum(1 for row in self.departments if any(self.row_shares(row)))

    @staticmethod
    def row_shares(row: DepartmentRow) -> list[Decimal]:
        return [share for share in row.shares if share]

    def department(self, department_id: int) -> DepartmentRow | None:
        return next((row for row in self.departments if row.id == department_id), None)


def fixed_share_error(total: Decimal) -> str:
    """The rule of fixed shares, said when it is broken: they add up to 100 %."""
    return _("The fixed shares add up to %(total)s %%; they must add up to 100 %%.") % {
        "total": number_format(total, decimal_pos=2)}


def _kind_label(kind: str) -> str:
    return str(CostKind(kind).label)


def _share(kind: KindShare, weights: dict[int, Decimal], fixed_total: Decimal) -> None:
    if kind.basis == Basis.FIXED and fixed_total != HUNDRED and kind.total:
        kind.error = _("%(kind)s: %(rule)s") % {"kind": kind.label,
                                                  "rule": fixed_share_error(fixed_total)}
        return
    try:
        kind.shares = allocate(kind.total, weights)
    except AllocationError:
        kind.error = _(
            "%(kind)s cannot be shared by “%(basis)s”: every department's weight is 0."
        ) % {"kind": kind.label, "basis": kind.basis_label}


def allocation_of(key_set: KeySet, *, with_items: bool = False) -> Allocation:
    """The year's costs shared among its departments: for a draft from the product as it
    stands (nine queries), for a published year from what was frozen with it (three, four
    with the items)."""
    pools = list(key_set.pools.all())
    if key_set.is_draft:
        entries = {e.department_id: e for e in key_set.entries.all()}
        departments = list(Department.objects.filter(is_active=True)
                           .only("name", "short_name").order_by("name", "pk"))
        items, without_value = items_of_year(key_set.year)
        counted = counted_weights(key_set.year)
        rows = []
        for department in departments:
            entry = entries.get(department.pk)
            weights = {
                Basis.USERS: entry.users if entry else 0,
                Basis.FIXED: entry.fixed_share if entry else Decimal("0.00"),
                **{basis: counted[basis].get(department.pk, 0) for basis in COUNTED},
            }
            rows.append(DepartmentRow(department.pk, department.name, department.short_name,
                                      weights))
        totals = {kind: Decimal("0.00") for kind in CostKind.values}
        for item in items:
            totals[item.kind] += item.amount
    else:
        rows = []
        for entry in key_set.entries.select_related("department").order_by(
                "department__name", "department_id"):
            department = entry.department
            weights = {Basis.USERS: entry.users, Basis.FIXED: entry.fixed_share,
                       **{basis: getattr(entry, name) or 0 for basis, name in COUNTED.items()}}
            rows.append(DepartmentRow(department.pk, department.name, department.short_name,
                                      weights))
        totals = {kind: Decimal("0.00") for kind in CostKind.values}
        for kind, amount in key_set.items.values_list("kind").annotate(
                sum=Sum("amount")).order_by():
            totals[kind] = amount
        items = ([Item(i.kind, i.label, i.detail, i.amount, i.source_id)
                  for i in key_set.items.all()] if with_items else [])
        without_value = 0
    weight_totals = {basis: sum(row.weights[basis] for row in rows) for basis in Basis.values}
    weight_totals[Basis.FIXED] = Decimal(weight_totals[Basis.FIXED]).quantize(Decimal("0.01"))
    kinds = [KindShare(kind, _kind_label(kind), key_set.basis_of(kind), totals[kind])
             for kind in CostKind.values]
    kinds += [KindShare(f"pool-{pool.pk}", pool.name, pool.basis, pool.amount, pool=pool)
              for pool in pools]
    for kind in kinds:
        kind.weight_total = weight_totals[kind.basis]
        _share(kind, {row.id: row.weights[kind.basis] for row in rows},
               weight_totals[Basis.FIXED])
    for row in rows:
        row.shares = [kind.shares.get(row.id) if not kind.error else None for kind in kinds]
    return Allocation(key_set, kinds, rows, weight_totals,
                      items=items if with_items else [], without_value=without_value)


# --- the department's report -----------------------------------------------------------


@dataclass
class DepartmentLine:
    """A kind of cost as one department's report shows it."""

    kind: KindShare
    weight: int | Decimal
    weight_total: int | Decimal
    amount: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        """The department's share of the key, in per cent (two decimals)."""
        if not self.weight_total:
            return None
        return (Decimal(self.weight) * 100 / Decimal(self.weight_total)).quantize(
            Decimal("0.01"))


def department_lines(allocation: Allocation, row: DepartmentRow) -> list[DepartmentLine]:
    return [
        DepartmentLine(kind, row.weights[kind.basis], allocation.weight_totals[kind.basis],
                       share)
        for kind, share in zip(allocation.kinds, row.shares, strict=True)
    ]


# --- what the pages list -----------------------------------------------------------------


def key_set_list(user: User) -> QuerySet[KeySet]:
    """The years `user` may open, newest first, with their pools (for the keys' history)."""
    return key_sets_visible_to(user).select_related("published_by").prefetch_related("pools")


def key_set_for(user: User, year: int) -> KeySet:
    """The year's key set as `user` may see it; KeySet.DoesNotExist otherwise."""
    return key_sets_visible_to(user).select_related("published_by", "based_on").get(year=year)


def departments_for(user: User) -> QuerySet[Department]:
    """The departments whose reports `user` may open."""
    ids = reported_departments(user)
    departments = Department.objects.order_by("name", "pk")
    return departments if ids is None else departments.filter(pk__in=ids)


def entries_of(key_set: KeySet) -> dict[int, DepartmentEntry]:
    return {entry.department_id: entry for entry in key_set.entries.all()}


# --- the IT chief's dashboard ------------------------------------------------------------


@dataclass
class DashboardLine:
    text: str
    href: str


def dashboard_line(user: User, year: int) -> DashboardLine | None:
    """The line of the IT chief's dashboard about the year's IT costs: for those who keep
    them, in one query (nothing for anyone else, and no query)."""
    if not keeps_costs(user):
        return None
    key_set = KeySet.objects.filter(year=year).only(
        "year", "status", "total", "department_count").first()
    if key_set is None:
        return DashboardLine(
            _("IT costs %(year)s: not shared among the departments yet.") % {"year": year},
            reverse("costs:overview"))
    if key_set.is_draft:
        return DashboardLine(
            _("IT costs %(year)s: the sharing among the departments is a draft.") % {
                "year": year}, key_set.get_absolute_url())
    return DashboardLine(
        ngettext("IT costs %(year)s: %(total)s SEK, shared among %(count)s department.",
                 "IT costs %(year)s: %(total)s SEK, shared among %(count)s departments.",
                 key_set.department_count) % {
            "year": year,
            "total": number_format(key_set.total, decimal_pos=0, force_grouping=True),
            "count": key_set.department_count},
        key_set.get_absolute_url())
