"""Every write to IT's costs and their sharing: starting a year, editing its draft (keys,
department figures, cost pools) and publishing it.

Each service runs in one transaction with the year's key set locked, refuses anyone who does
not keep the costs (`permissions.keeps_costs`), refuses every write to a published year, and
refuses a form opened from an older revision of the draft. Publishing is the one transition
of a key set (`WORKFLOW`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from simple_history.utils import bulk_create_with_history

from organisation.models import Department, User
from tyreso_it.core.errors import ServiceError
from tyreso_it.core.workflow import Transition, Workflow

from .models import Basis, CostItem, CostKind, CostPool, DepartmentEntry, KeySet
from .permissions import keeps_costs
from .selectors import allocation_of, fixed_share_error
from .sources import COUNTED

HUNDRED = Decimal(100)
KEY_FIELDS = ("contracts_basis", "licences_basis", "projects_basis", "note")
POOL_FIELDS = ("name", "description", "amount", "basis")


class CostError(ServiceError):
    """A refused write of this app (see tyreso_it.core.errors)."""


class NotAllowed(CostError):
    status_code = 403


class InvalidTransition(CostError):
    status_code = 409


class StaleRevision(CostError):
    """Someone saved the draft after the form was opened."""

    status_code = 409


WORKFLOW: Workflow[KeySet] = Workflow(
    [Transition("publish", gettext_lazy("Publish"), frozenset({KeySet.Status.DRAFT}),
                KeySet.Status.PUBLISHED, allowed=lambda actor, key_set: keeps_costs(actor))],
    invalid=lambda transition, key_set: InvalidTransition(
        _("The year %(year)s is published and can no longer be changed.")
        % {"year": key_set.year}),
    not_allowed=lambda transition, key_set: NotAllowed(_(
        "IT's costs and their allocation keys are kept by the IT chief.")),
)


def _require_keeper(actor: User) -> None:
    if not keeps_costs(actor):
        raise NotAllowed(_("IT's costs and their allocation keys are kept by the IT chief."))


def _locked_draft(key_set_id: int, actor: User, revision: int | None) -> KeySet:
    """The key set under a row lock, when `actor` may write it and it is still a draft
    of `revision` (None: any revision)."""
    _require_keeper(actor)
    key_set = KeySet.objects.select_for_update().get(pk=key_set_id)
    if not key_set.is_draft:
        raise WORKFLOW.invalid(WORKFLOW["publish"], key_set)
    if revision is not None and revision != key_set.revision:
        raise StaleRevision(_("Someone saved the year's draft after you opened the form: "
                              "reload the page and make your change again."))
    return key_set


def _save(obj, actor: User, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason[:100]
    try:
        obj.full_clean()
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise CostError(messages[0], None if name == NON_FIELD_ERRORS else name) from exc
    obj.save()


def _touch(key_set: KeySet, actor: User, reason: str) -> None:
    key_set.revision += 1
    _save(key_set, actor, reason)


def _fixed_total(key_set: KeySet) -> Decimal:
    active = DepartmentEntry.objects.filter(key_set=key_set, department__is_active=True)
    return sum((e.fixed_share for e in active), Decimal(0))


def _uses_fixed(key_set: KeySet, *, pools: list[str] | None = None) -> bool:
    bases = [key_set.basis_of(kind) for kind in CostKind.values]
    bases += pools if pools is not None else list(key_set.pools.values_list("basis",
                                                                            flat=True))
    return Basis.FIXED in bases


# --- the year ------------------------------------------------------------------------------


@transaction.atomic
def key_set_create(*, actor: User, year: int) -> KeySet:
    """Start the draft of `year`. The latest earlier year lends it its keys, its cost pools
    (amounts included, to be checked) and the figures entered per department."""
    _require_keeper(actor)
    if KeySet.objects.filter(year=year).exists():
        raise CostError(_("The year %(year)s has been started already.") % {"year": year},
                        "year")
    previous = KeySet.objects.filter(year__lt=year).order_by("-year").first()
    key_set = KeySet(year=year, created_by=actor, based_on=previous)
    if previous is not None:
        for name in KEY_FIELDS[:-1]:
            setattr(key_set, name, getattr(previous, name))
    _save(key_set, actor, _("Year started"))
    if previous is not None:
        for pool in previous.pools.all():
            _save(CostPool(key_set=key_set, name=pool.name, description=pool.description,
                           amount=pool.amount, basis=pool.basis), actor,
                  _("Taken over from %(year)s") % {"year": previous.year})
        for entry in previous.entries.filter(department__is_active=True):
            _save(DepartmentEntry(key_set=key_set, department_id=entry.department_id,
                                  users=entry.users, fixed_share=entry.fixed_share), actor,
                  _("Taken over from %(year)s") % {"year": previous.year})
    return key_set


@transaction.atomic
def key_set_update(*, key_set_id: int, actor: User, revision: int, data: Mapping[str, Any],
                   entries: Mapping[int, tuple[int, Decimal]]) -> KeySet:
    """Save the draft's keys (`data`: the key of each kind, a note) and the figures entered
    per department (`entries`: department id → (users, fixed share in per cent)).

    The fixed shares add up to 100 % when any cost is shared by them, and to 0 or 100 %
    otherwise."""
    key_set = _locked_draft(key_set_id, actor, revision)
    active = set(Department.objects.filter(is_active=True, pk__in=list(entries))
                 .values_list("pk", flat=True))
    if unknown := set(entries) - active:
        raise CostError(_("A department is not active: %(ids)s.") % {
            "ids": ", ".join(str(i) for i in sorted(unknown))})
    for name in KEY_FIELDS:
        if name in data:
            setattr(key_set, name, data[name])
    fixed_total = sum((share for _users, share in entries.values()), Decimal(0))
    others = DepartmentEntry.objects.filter(key_set=key_set, department__is_active=True) \
        .exclude(department_id__in=list(entries))
    fixed_total += sum((e.fixed_share for e in others), Decimal(0))
    if fixed_total != HUNDRED and (fixed_total or _uses_fixed(key_set)):
        raise CostError(fixed_share_error(fixed_total), "fixed_share")
    existing = {e.department_id: e for e in key_set.entries.all()}
    for department_id, (users, share) in entries.items():
        entry = existing.get(department_id) or DepartmentEntry(key_set=key_set,
                                                               department_id=department_id)
        if entry.pk is not None and (entry.users, entry.fixed_share) == (users, share):
            continue
        entry.users, entry.fixed_share = users, share
        _save(entry, actor, _("Figures entered"))
    _touch(key_set, actor, _("Keys saved"))
    return key_set


def _check_pool_basis(key_set: KeySet, basis: str) -> None:
    if basis == Basis.FIXED and _fixed_total(key_set) != HUNDRED:
        raise CostError(_("Enter the departments' fixed shares, adding up to 100 %, before "
                          "sharing a cost by them."), "basis")


@transaction.atomic
def cost_pool_create(*, key_set_id: int, actor: User, revision: int,
                     data: Mapping[str, Any]) -> CostPool:
    """Add a cost pool (a cost the product does not know of) to the year's draft."""
    key_set = _locked_draft(key_set_id, actor, revision)
    pool = CostPool(key_set=key_set, **{name: data[name] for name in POOL_FIELDS
                                        if name in data})
    _check_pool_basis(key_set, pool.basis)
    _save(pool, actor, _("Cost pool added"))
    _touch(key_set, actor, _("Cost pool added"))
    return pool


@transaction.atomic
def cost_pool_update(*, pool_id: int, actor: User, revision: int,
                     data: Mapping[str, Any]) -> CostPool:
    """Change a cost pool of the year's draft: its name, description, amount or key."""
    pool = CostPool.objects.get(pk=pool_id)
    key_set = _locked_draft(pool.key_set_id, actor, revision)
    for name in POOL_FIELDS:
        if name in data:
            setattr(pool, name, data[name])
    _check_pool_basis(key_set, pool.basis)
    _save(pool, actor, _("Cost pool edited"))
    _touch(key_set, actor, _("Cost pool edited"))
    return pool


@transaction.atomic
def cost_pool_delete(*, pool_id: int, actor: User, revision: int) -> None:
    """Remove a cost pool from the year's draft (its history keeps what it was)."""
    pool = CostPool.objects.get(pk=pool_id)
    key_set = _locked_draft(pool.key_set_id, actor, revision)
    pool._history_user = actor
    pool._change_reason = _("Cost pool removed")
    pool.delete()
    _touch(key_set, actor, _("Cost pool removed"))


# --- publishing ----------------------------------------------------------------------------


@transaction.atomic
def key_set_publish(*, key_set_id: int, actor: User, revision: int) -> KeySet:
    """Fix the year: every kind of cost must be shareable by its key. The costs drawn from
    the product and the counted weights of every active department are written down with
    the year, which is never changed again."""
    key_set = KeySet.objects.select_for_update().get(pk=key_set_id)
    WORKFLOW.check("publish", key_set, actor)
    if revision != key_set.revision:
        raise StaleRevision(_("Someone saved the year's draft after you opened the page: "
                              "look at it again before you publish."))
    if _uses_fixed(key_set) and _fixed_total(key_set) != HUNDRED:
        raise CostError(fixed_share_error(_fixed_total(key_set)))
    allocation = allocation_of(key_set, with_items=True)
    if allocation.errors:
        raise CostError(" ".join(allocation.errors))
    # What is written down is exactly what `allocation` shared: its items, and the weights
    # each department was counted with.
    reason = pgettext("cost allocation", "Published")
    existing = {e.department_id: e for e in key_set.entries.all()}
    for row in allocation.departments:
        entry = existing.pop(row.id, None) or DepartmentEntry(key_set=key_set,
                                                              department_id=row.id)
        for basis, name in COUNTED.items():
            setattr(entry, name, int(row.weights[basis]))
        _save(entry, actor, reason)
    # Entries of departments no longer active take no part in the published year.
    for entry in existing.values():
        entry._history_user = actor
        entry._change_reason = reason
        entry.delete()
    bulk_create_with_history(
        [CostItem(key_set=key_set, kind=item.kind, label=item.label[:255],
                  detail=item.detail[:255], amount=item.amount, source_id=item.source_id)
         for item in allocation.items],
        CostItem, default_user=actor, default_change_reason=reason)
    WORKFLOW.advance("publish", key_set, actor)
    key_set.published_at = timezone.now()
    key_set.published_by = actor
    key_set.total = allocation.total
    key_set.department_count = allocation.sharing_departments
    _touch(key_set, actor, reason)
    return key_set


def next_year_to_start() -> int:
    """The year a new draft is offered for: the year after the latest, or this year."""
    latest = KeySet.objects.aggregate(latest=Max("year"))["latest"]
    this_year = timezone.localdate().year
    return this_year if latest is None or latest < this_year else latest + 1
