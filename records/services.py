"""Every write of records and personal data: the retention schedule, the retention run,
legal holds on orders and pseudonymising a person who has left.

Each service checks the actor's right (`records.permissions`) and runs in one transaction
(the retention run in one per batch, see `records.retention`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from orders.models import Order
from organisation.models import User
from tyreso_it.core.errors import ServiceError

from . import retention
from .models import LegalHold, Pseudonym, RetentionRule
from .permissions import handles_personal_data, holds_orders, keeps_records


class RecordsError(ServiceError):
    """A refused write of this app (see tyreso_it.core.errors)."""


class NotAllowed(RecordsError):
    status_code = 403


class Conflict(RecordsError):
    status_code = 409


# --- the schedule --------------------------------------------------------------------------


def schedule_ensure() -> list[RetentionRule]:
    """Every kind's rule, the missing ones created with the defaults of the data migration
    (a database emptied by hand, or a test's flush, has none)."""
    import importlib

    migration = importlib.import_module("records.migrations.0002_default_schedule")
    for kind, period, unit, action, reason in migration.DEFAULTS:
        RetentionRule.objects.get_or_create(kind=kind, defaults={
            "period": period, "unit": unit, "action": action, "reason": reason})
    return list(RetentionRule.objects.order_by("pk"))


def retention_rule_update(*, rule_id: int, actor: User, period: int, unit: str, action: str,
                          reason: str) -> RetentionRule:
    """Change how long a kind of information is kept and what happens then."""
    if not keeps_records(actor):
        raise NotAllowed(_("The retention schedule is kept by the IT chief and the archive."))
    with transaction.atomic():
        rule = RetentionRule.objects.select_for_update().get(pk=rule_id)
        if action not in RetentionRule.ALLOWED[rule.kind]:
            raise RecordsError(_("This kind of information cannot be handled so: choose "
                                 "one of the actions offered."), field="action")
        if period < 1:
            raise RecordsError(_("The period must be at least one."), field="period")
        if unit not in RetentionRule.Unit.values:
            raise RecordsError(_("Choose months or years."), field="unit")
        rule.period, rule.unit, rule.action = period, unit, action
        rule.reason = reason.strip()
        rule.updated_by = actor
        rule._change_reason = "retention rule changed"
        rule.save()
    return rule


# --- the run -------------------------------------------------------------------------------


def retention_dry_run(*, now: datetime | None = None) -> list[retention.Step]:
    """What the schedule would do now (writes nothing)."""
    return retention.plan(RetentionRule.objects.order_by("pk"), now=now)


def retention_apply(*, actor: User | None = None,
                    now: datetime | None = None) -> list[retention.Outcome]:
    """Apply the schedule: one transaction per batch, each logged in the culling record.
    `actor` is None for the nightly run."""
    if actor is not None and not keeps_records(actor):
        raise NotAllowed(_("The retention schedule is kept by the IT chief and the archive."))
    return retention.apply(RetentionRule.objects.order_by("pk"), actor=actor, now=now)


# --- legal holds ---------------------------------------------------------------------------


def legal_hold_set(*, order_id: int, actor: User, reason: str) -> LegalHold:
    """Stop every retention action on the order until the hold is lifted."""
    if not holds_orders(actor):
        raise NotAllowed(_("Legal holds are set by the ordering function and the IT chief."))
    reason = reason.strip()
    if not reason:
        raise RecordsError(_("Say why the order is held."), field="reason")
    with transaction.atomic():
        # The order's lock is what the retention run waits for (records.retention).
        order = Order.objects.select_for_update().get(pk=order_id)
        if LegalHold.objects.active().filter(order=order).exists():
            raise Conflict(_("The order is already under a legal hold."), field="order")
        hold = LegalHold(order=order, reason=reason, set_by=actor)
        hold._change_reason = "legal hold set"
        hold.save()
    return hold


def legal_hold_lift(*, hold_id: int, actor: User, reason: str) -> LegalHold:
    """Lift a hold: the order is again handled by the schedule. The hold stays on record."""
    if not holds_orders(actor):
        raise NotAllowed(_("Legal holds are set by the ordering function and the IT chief."))
    reason = reason.strip()
    if not reason:
        raise RecordsError(_("Say why the hold is lifted."), field="reason")
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold_id)
        if not hold.is_active:
            raise Conflict(_("The hold has already been lifted."))
        hold.lifted_by, hold.lifted_at, hold.lift_reason = actor, timezone.now(), reason
        hold.save()
        update_change_reason(hold, "legal hold lifted")
    return hold


# --- personal data -------------------------------------------------------------------------


def person_pseudonymise(*, person_id: int, actor: User, reason: str = "") -> Pseudonym:
    """Pseudonymise a person who has left: their name, email and user name become the
    stable pseudonym "Person <number>"; what they did stays, and so do the statistics."""
    if not handles_personal_data(actor):
        raise NotAllowed(_("Personal data is handled by the IT chief and the data "
                           "protection function."))
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person_id)
        if Pseudonym.objects.filter(user=person).exists():
            raise Conflict(_("The person is already pseudonymised."))
        if person.is_active or person.is_superuser:
            raise Conflict(_("Only a person who has left (whose account is closed) can be "
                             "pseudonymised."))
        if retention.held_people().filter(pk=person.pk).exists():
            raise Conflict(_("The person is named on an order under a legal hold: lift the "
                             "hold first."))
        return retention.pseudonymise(person, by=actor, reason=reason.strip())
