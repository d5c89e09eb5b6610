"""The reads the matrix pages and the order page use, each in a fixed number of queries
whatever the number of activities, roles and cells."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, Q, QuerySet, Subquery

from orders import permissions as order_perms
from orders.models import Order
from organisation import access
from organisation.models import Department, OrdererRegistration, Provider, Role, User
from organisation.roles import CONTEXTUAL_ROLES

from . import flow
from .models import Activity, Cell, ConsultationTask, Letter, MatrixVersion, Process
from .permissions import can_answer
from .rules import activity_problems, role_sort_key

V = MatrixVersion.Status


def version_in_force() -> MatrixVersion | None:
    return MatrixVersion.objects.filter(status=V.PUBLISHED).first()


def version_draft() -> MatrixVersion | None:
    return (
        MatrixVersion.objects.filter(status=V.DRAFT)
        .select_related("saved_by", "based_on")
        .first()
    )


def versions() -> list[MatrixVersion]:
    """Every version, newest first, with the people who made and published it."""
    return list(
        MatrixVersion.objects.select_related("created_by", "saved_by", "published_by")
    )


def roles_with_people() -> list[Role]:
    """Every role in column order, each with `has_people`, in one query.

    The orderer's side and the provider are also held through the register of authorised
    orderers, the departments' IT leads and the providers' staff, not only through the group.
    """
    registered = OrdererRegistration.objects.valid_on().filter(person__is_active=True)
    leads = Department.objects.filter(is_active=True, it_lead__is_active=True)
    staff = Provider.members.through.objects.filter(user__is_active=True)
    roles = list(
        Role.objects.annotate(
            people=Count("group__user", filter=Q(group__user__is_active=True), distinct=True),
            any_registered=Exists(registered),
            any_lead=Exists(leads),
            any_staff=Exists(staff),
        )
    )
    for role in roles:
        role.has_people = bool(
            role.people
            or (role.code == Role.Code.ORDERER and role.any_registered)
            or (role.code == Role.Code.DEPARTMENT_IT_LEAD and role.any_lead)
            or (role.code == Role.Code.PROVIDER and role.any_staff)
        )
    return sorted(roles, key=role_sort_key)


# --- the grid -------------------------------------------------------------------------------


@dataclass
class GridCell:
    role: Role
    letter: str
    name: str  # the form field's name

    @property
    def letter_label(self) -> str:
        return Letter(self.letter).label if self.letter else ""


@dataclass
class GridRow:
    activity: Activity
    cells: list[GridCell]
    problems: list[str] = field(default_factory=list)


@dataclass
class GridGroup:
    process: str
    label: Any
    rows: list[GridRow]


@dataclass
class StaffingGap:
    role: Role
    activities: list[Activity]


@dataclass
class Grid:
    version: MatrixVersion
    roles: list[Role]  # the columns shown
    groups: list[GridGroup]
    letters: dict[tuple[int, int], str]
    problems: dict[int, list[str]]
    gaps: list[StaffingGap]
    activities: list[Activity]

    @property
    def row_count(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def cell_name(activity_id: int, role_id: int) -> str:
    return f"c-{activity_id}-{role_id}"


def version_activities(version: MatrixVersion) -> QuerySet[Activity]:
    """The rows of a version: a draft has every activity in use (and any it still holds
    letters for); a published or superseded version has exactly the rows it was published
    with."""
    in_version = Subquery(Cell.objects.filter(version=version).values("activity_id"))
    if version.is_draft:
        queryset = Activity.objects.filter(Q(is_active=True) | Q(pk__in=in_version))
        # The rules need to know who may hold each row's H.
        queryset = queryset.prefetch_related("accountable_roles")
    else:
        queryset = Activity.objects.filter(pk__in=in_version)
    return queryset.order_by("position", "pk")


def version_letters(version: MatrixVersion) -> dict[tuple[int, int], str]:
    return {
        (activity_id, role_id): letter
        for activity_id, role_id, letter in Cell.objects.filter(version=version).values_list(
            "activity_id", "role_id", "letter"
        )
    }


def grid(
    version: MatrixVersion,
    *,
    process: str | None = None,
    role: Role | None = None,
    roles: list[Role] | None = None,
    letters: dict[tuple[int, int], str] | None = None,
) -> Grid:
    """The matrix of `version` as process groups of rows, one cell per shown role.

    `process` keeps one process; `role` keeps that role's column and the rows it has a letter
    in ("what is my role responsible for?"). `letters` replaces the stored ones (a form kept
    after a refused save). Rules are checked for drafts; the staffing gaps (roles with an H or
    U that nobody holds) for every version.
    """
    roles = roles if roles is not None else roles_with_people()
    activities = list(version_activities(version))
    stored = version_letters(version) if letters is None else letters
    problems: dict[int, list[str]] = {}
    if version.is_draft:
        roles_by_id = {r.pk: r for r in roles}
        for activity in activities:
            row = {rid: stored.get((activity.pk, rid), "") for rid in roles_by_id}
            found = activity_problems(
                activity, {rid: value for rid, value in row.items() if value}, roles_by_id
            )
            if found:
                problems[activity.pk] = found
    columns = [role] if role is not None else roles
    groups: dict[str, GridGroup] = {}
    for activity in activities:
        if process and activity.process != process:
            continue
        if role is not None and not stored.get((activity.pk, role.pk)):
            continue
        cells = [
            GridCell(r, stored.get((activity.pk, r.pk), ""), cell_name(activity.pk, r.pk))
            for r in columns
        ]
        group = groups.get(activity.process)
        if group is None:
            group = groups[activity.process] = GridGroup(
                activity.process, Process(activity.process).label, []
            )
        group.rows.append(GridRow(activity, cells, problems.get(activity.pk, [])))
    order = {value: index for index, value in enumerate(Process.values)}
    return Grid(
        version=version,
        roles=columns,
        groups=sorted(groups.values(), key=lambda g: order.get(g.process, len(order))),
        letters=stored,
        problems=problems,
        gaps=staffing_gaps(roles, activities, stored),
        activities=activities,
    )


def staffing_gaps(
    roles: Iterable[Role], activities: Iterable[Activity], letters: dict[tuple[int, int], str]
) -> list[StaffingGap]:
    """Roles the matrix needs (an H or a U somewhere) that no one holds."""
    by_id = {activity.pk: activity for activity in activities}
    gaps = []
    for role in roles:
        if getattr(role, "has_people", True):
            continue
        needed = [
            by_id[activity_id]
            for (activity_id, role_id), letter in letters.items()
            if role_id == role.pk and letter in (Letter.H, Letter.U) and activity_id in by_id
        ]
        if needed:
            needed.sort(key=lambda a: (a.position, a.pk))
            gaps.append(StaffingGap(role, needed))
    return gaps


# --- comparing two versions ---------------------------------------------------------------


@dataclass
class Change:
    activity: Activity
    role: Role
    before: str
    after: str

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"


def compare(older: MatrixVersion, newer: MatrixVersion) -> list[Change]:
    """Every cell that differs between two versions, in row and column order."""
    if older.pk == newer.pk:
        return []
    cells = Cell.objects.filter(version__in=[older, newer]).values_list(
        "version_id", "activity_id", "role_id", "letter"
    )
    before: dict[tuple[int, int], str] = {}
    after: dict[tuple[int, int], str] = {}
    for version_id, activity_id, role_id, letter in cells:
        (before if version_id == older.pk else after)[(activity_id, role_id)] = letter
    keys = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    activities = Activity.objects.in_bulk({activity_id for activity_id, _ in keys})
    roles = Role.objects.in_bulk({role_id for _, role_id in keys})
    changes = [
        Change(activities[a], roles[r], before.get((a, r), ""), after.get((a, r), ""))
        for a, r in keys
    ]
    process_order = {value: index for index, value in enumerate(Process.values)}
    changes.sort(key=lambda c: (process_order.get(c.activity.process, 99), c.activity.position,
                                c.activity.pk, role_sort_key(c.role)))
    return changes


# --- the order page ---------------------------------------------------------------------------


def role_people(order: Order, roles: Iterable[Role]) -> dict[int, list[User]]:
    """The people standing for each role on `order`, by role id.

    The orderer's side and the provider are the order's own (its orderer, its department's IT
    lead, its provider's staff), never every orderer of the municipality; every other role is
    the active members of its group, in one query for all of them.
    """
    found: dict[int, list[User]] = {}
    grouped: list[Role] = []
    for role in roles:
        own = _order_people(
            order, role,
            lambda provider_id: list(order.provider.members.filter(is_active=True)),
        )
        if own is None:
            grouped.append(role)
        elif role.code == Role.Code.ORDERER:
            # Told with a link to the order: only while they may still open it.
            found[role.pk] = [p for p in own if order_perms.speaks_for_orderer(p, order)]
        else:
            found[role.pk] = own
    found.update(_group_people(grouped))
    return found


def _order_people(order: Order, role: Role, provider_staff) -> list[User] | None:
    """The order's own people for `role` (its orderer, its department's IT lead, its
    provider's staff, read by `provider_staff(provider_id)`), or None for a group role."""
    if role.code == Role.Code.ORDERER:
        return [order.orderer] if order.orderer.is_active else []
    if role.code == Role.Code.DEPARTMENT_IT_LEAD:
        lead = order.department.it_lead
        return [lead] if lead is not None and lead.is_active else []
    if role.code == Role.Code.PROVIDER:
        return provider_staff(order.provider_id) if order.provider_id else []
    return None


def _group_people(roles: list[Role], *, fields: tuple[str, ...] = ()) -> dict[int, list[User]]:
    """The active members of each group role, by role id, in one query (with only `fields`
    of each person when given)."""
    found: dict[int, list[User]] = {role.pk: [] for role in roles}
    if roles:
        people = (
            User.objects.filter(is_active=True, groups__role__in=roles)
            .annotate(role_pk=F("groups__role__pk"))
            .order_by("first_name", "last_name", "pk")
        )
        if fields:
            people = people.only(*fields)
        for person in people:
            found[person.role_pk].append(person)
    return found


@dataclass
class StepRole:
    role: Role
    letter: str
    people: list[User]


@dataclass
class OrderRaci:
    """What the matrix in force says about an order's current step, and its consultations."""

    step: Activity | None
    version: MatrixVersion | None
    by_letter: list[tuple[str, Any, list[StepRole]]]
    consultations: list[ConsultationTask]
    answerable: set[int]

    @property
    def open_count(self) -> int:
        return sum(1 for task in self.consultations if task.status == task.Status.OPEN)


@functools.cache
def _in_force_sql() -> str:
    """The version in force's id with the newest history record's id of the roles, the
    activities and the cells (each rises with every save and delete): written once as SQL,
    since building it through the ORM (and simple-history's managers) on every page cost
    more than running it."""
    def latest(model) -> str:
        history = model.history.model
        column = connection.ops.quote_name(history._meta.pk.column)
        table = connection.ops.quote_name(history._meta.db_table)
        return f"(SELECT MAX({column}) FROM {table})"  # noqa: S608 - the models' own names

    version = MatrixVersion._meta
    # The models' own names, quoted; the status is a parameter.
    quote = connection.ops.quote_name
    columns = f"{quote(version.pk.column)}, {latest(Role)}, {latest(Activity)}, {latest(Cell)}"
    status = quote(version.get_field("status").column)
    return f"SELECT {columns} FROM {quote(version.db_table)} WHERE {status} = %s"  # noqa: S608


def _in_force_mark() -> tuple[int, str] | None:
    """The version in force's id and a mark of what else the step's part of the order page
    reads (the roles, the activities and the cells: the newest change to each), in one query;
    None when no version is in force."""
    with connection.cursor() as cursor:
        cursor.execute(_in_force_sql(), [V.PUBLISHED.value])
        found = cursor.fetchone()
    if found is None:
        return None
    return found[0], ".".join(str(value) for value in found)


#: What a person in the step's part of the page shows (kept in the cache).
_NAME_FIELDS = ("pk", "username", "first_name", "last_name")


def _step_cells(version_id: int, code: str) -> dict[str, Any]:
    """The step's cells in version `version_id`, with their roles, activity and version,
    and the people of the group roles among them (by role id), as JSON types for the access
    cache (`_step_from_json` gives them back as instances)."""
    cells = list(
        Cell.objects.filter(version_id=version_id, activity__code=code)
        .select_related("role", "activity", "version")
    )
    grouped = [cell.role for cell in cells if cell.role.code not in CONTEXTUAL_ROLES]
    people = _group_people(grouped, fields=_NAME_FIELDS)
    return {
        "cells": [
            {"cell": access.as_row(cell), "role": access.as_row(cell.role),
             "activity": access.as_row(cell.activity), "version": access.as_row(cell.version)}
            for cell in cells
        ],
        "people": {str(role_id): [access.as_row(p, _NAME_FIELDS) for p in found]
                   for role_id, found in people.items()},
    }


def _step_from_json(data: dict[str, Any]) -> tuple[list[Cell], dict[int, list[User]]]:
    cells = []
    for row in data["cells"]:
        cell = access.from_row(Cell, row["cell"])
        Cell.role.field.set_cached_value(cell, access.from_row(Role, row["role"]))
        Cell.activity.field.set_cached_value(cell, access.from_row(Activity, row["activity"]))
        Cell.version.field.set_cached_value(cell, access.from_row(MatrixVersion, row["version"]))
        cells.append(cell)
    people = {int(role_id): [access.from_row(User, p) for p in found]
              for role_id, found in data["people"].items()}
    return cells, people


def _provider_staff(user: User, provider_id: int) -> list[User]:
    """The provider's active staff, kept in the access cache (a change of staff renews it)."""
    rows = access.shared(
        user, f"raci-provider-staff:{provider_id}",
        lambda: [access.as_row(person, _NAME_FIELDS) for person in
                 User.objects.filter(is_active=True, providers__pk=provider_id)
                 .only(*_NAME_FIELDS)],
    )
    return [access.from_row(User, row) for row in rows]


def order_raci(order: Order, user: User) -> OrderRaci:
    """The current step's H, U, K and I with their people, and the order's consultations.

    The step's part follows from the version in force, the roles and the people of the
    group roles alone: it is kept in the access cache (`organisation.access.shared`, renewed
    whenever anyone's rights change) under the version in force and the newest change to
    the roles, activities and cells, so a published version or an edited role shows at
    once. The consultations are the order's own and read on every page.

    Queries: the version in force with its mark (one); the consultations with their roles,
    activities and answerers (one). When the step is not cached: the step's cells with their
    roles, activity and version (one) and the people of the group roles among them (one);
    the provider's staff when the provider has a letter and they are not cached (one); the
    user's roles when an open consultation might be theirs and they are not cached (one).
    """
    code = flow.step_of_status(order.status)
    mark = _in_force_mark() if code else None
    cells: list[Cell] = []
    people: dict[int, list[User]] = {}
    if mark is not None:
        version_id, digest = mark
        cells, people = _step_from_json(access.shared(
            user, f"raci-step:{code}:{digest}", lambda: _step_cells(version_id, code)
        ))
        for cell in cells:
            own = _order_people(order, cell.role,
                                lambda provider_id: _provider_staff(user, provider_id))
            if own is not None:
                people[cell.role.pk] = own
    by_letter = []
    for letter in Letter:
        holders = sorted(
            (StepRole(c.role, c.letter, people.get(c.role.pk, [])) for c in cells
             if c.letter == letter),
            key=lambda item: role_sort_key(item.role),
        )
        by_letter.append((letter.value, letter.label, holders))
    consultations = list(
        order.consultations.select_related("role", "activity", "answered_by", "version")
    )
    for task in consultations:
        task.order = order  # the permission check reads the order's people
    answerable = {task.pk for task in consultations if can_answer(user, task)}
    return OrderRaci(
        step=cells[0].activity if cells else None,
        version=cells[0].version if cells else None,
        by_letter=by_letter,
        consultations=consultations,
        answerable=answerable,
    )
