"""Applying the retention schedule: what each rule would do (the dry run) and doing it.

Each rule acts in batches of `BATCH`: a batch is chosen, locked (rows another run holds are
skipped), acted on and logged in one `CullingRecord`, all in one transaction, so a run
stopped half way leaves a record that agrees with the data, and the next run carries on.
What a rule has acted on no longer matches it (deleted, or pseudonymised), so a second run
finds nothing to do: the run is idempotent by construction.

An order under an active legal hold is left alone by every rule: itself, its attachments,
comments and history, and the people on it (their pseudonymisation waits). The hold is
checked again once the batch is locked: setting a hold locks the order, so no hold can slip
in between the choice and the action.

Finished orders are those closed, rejected or withdrawn; their anchor is the moment they
reached that state (`status_changed_at`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.models import Attachment, Comment, Order
from organisation.models import User
from tyreso_it.core.models import OutboxMessage

from .models import CullingRecord, LegalHold, Pseudonym, RetentionRule, pseudonym_of

Kind = RetentionRule.Kind
BATCH = 500
SAMPLE = 10
FINISHED = (Order.Status.CLOSED, Order.Status.REJECTED, Order.Status.WITHDRAWN)
LOGIN_MODELS = (AccessLog, AccessFailureLog, AccessAttempt)
#: The order rules are applied (and planned) in: history before the comments and
#: attachments, so that what the dry run counts for each is what the run then does (the
#: history of a deleted comment goes with it). Only deleting whole orders overlaps the rest.
APPLY_ORDER = (Kind.CLOSED_ORDERS, Kind.HISTORY, Kind.ATTACHMENTS, Kind.COMMENTS,
               Kind.PERSONAL_DATA, Kind.OUTBOX, Kind.LOGIN_RECORDS)


def in_order(rules: Iterable[RetentionRule]) -> list[RetentionRule]:
    return sorted(rules, key=lambda rule: APPLY_ORDER.index(rule.kind))


# --- what is due -------------------------------------------------------------------------


def active_hold(order_ref: str = "pk") -> Exists:
    return Exists(LegalHold.objects.active().filter(order=OuterRef(order_ref)))


def finished_before(cutoff: datetime) -> models.QuerySet[Order]:
    """Finished orders whose anchor lies before `cutoff`, none under a legal hold."""
    return (Order.objects.filter(status__in=FINISHED, status_changed_at__lt=cutoff)
            .exclude(active_hold()))


def order_histories() -> list[tuple[type[models.Model], str]]:
    """Every history table that records an order or something of it, with the column that
    names the order: the order's own history, and that of every tracked model with a foreign
    key to the order (comments, attachments, options, and whatever another app adds)."""
    found: list[tuple[type[models.Model], str]] = []
    for model in apps.get_models():
        original = getattr(model, "instance_type", None)
        # A model's own history (a many-to-many field's history belongs to the model that
        # holds the field), and never that of the records kept here.
        if (original is None or not hasattr(model, "history_date")
                or original._meta.app_label == "records"):
            continue
        if original is Order:
            found.append((model, "id"))
            continue
        for fk in original._meta.concrete_fields:
            if fk.is_relation and fk.related_model is Order:
                found.append((model, fk.attname))
    return sorted(found, key=lambda pair: pair[0]._meta.label)


def protecting_relations() -> list:
    """The relations that refuse to let an order be deleted (on_delete=PROTECT)."""
    return [relation for relation in Order._meta.related_objects
            if getattr(relation, "on_delete", None) is models.PROTECT]


def _order_query(kind: str, cutoff: datetime) -> models.QuerySet[Order]:
    orders = finished_before(cutoff)
    if kind == Kind.CLOSED_ORDERS:
        # Whatever protects an order from deletion keeps it: an order in a meeting's
        # minutes is part of them, a project's order belongs to the project, and an order
        # once held keeps its hold's record beside it (and so for any protecting relation
        # an app adds).
        for relation in protecting_relations():
            orders = orders.exclude(Exists(relation.related_model.objects.filter(
                **{relation.field.name: OuterRef("pk")})))
        return orders
    if kind == Kind.ATTACHMENTS:
        return orders.filter(Exists(Attachment.objects.filter(order=OuterRef("pk"))))
    if kind == Kind.COMMENTS:
        return orders.filter(Exists(Comment.objects.filter(order=OuterRef("pk"))))
    if kind == Kind.HISTORY:
        return orders.filter(Exists(Order.history.model.objects.filter(id=OuterRef("pk"))))
    raise ValueError(kind)


def held_people() -> models.QuerySet[User]:
    """The people on an order under a legal hold: its orderer and handler, and whoever
    commented or attached a file to it."""
    held = LegalHold.objects.active().values("order")
    return User.objects.filter(
        Q(orders__in=held) | Q(handled_orders__in=held)
        | Q(pk__in=Comment.objects.filter(order__in=held).values("author"))
        | Q(pk__in=Attachment.objects.filter(order__in=held).values("uploaded_by")))


def people_who_left(cutoff: datetime) -> models.QuerySet[User]:
    """Closed accounts whose last login (or creation, for one never used) lies before
    `cutoff`, not yet pseudonymised, on no held order."""
    return (User.objects.filter(is_active=False, is_superuser=False)
            .annotate(last_seen=Coalesce("last_login", "date_joined"))
            .filter(last_seen__lt=cutoff)
            .exclude(Exists(Pseudonym.objects.filter(user=OuterRef("pk"))))
            .exclude(pk__in=held_people().values("pk")))


def sent_before(cutoff: datetime) -> models.QuerySet[OutboxMessage]:
    return (OutboxMessage.objects
            .filter(status__in=(OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED))
            .annotate(done_at=Coalesce("sent_at", "failed_at"))
            .filter(done_at__lt=cutoff))


# --- the dry run -------------------------------------------------------------------------


@dataclass
class Step:
    """What one rule would do (a dry run): how many, of how many orders, and a few of them."""

    rule: RetentionRule
    cutoff: datetime | None
    count: int = 0
    orders: int | None = None
    sample: list[str] = field(default_factory=list)

    @property
    def acts(self) -> bool:
        return not self.rule.is_kept and self.count > 0


def _references(orders: models.QuerySet[Order]) -> list[str]:
    return [reference or f"#{pk}" for pk, reference in
            orders.order_by("status_changed_at", "pk").values_list("pk", "reference")[:SAMPLE]]


def plan(rules: Iterable[RetentionRule], now: datetime | None = None) -> list[Step]:
    """What the rules would do now, touching nothing."""
    now = now or timezone.now()
    steps = []
    for rule in in_order(rules):
        if rule.is_kept:
            steps.append(Step(rule, None))
            continue
        cutoff = rule.cutoff(now)
        step = Step(rule, cutoff)
        if rule.kind in RetentionRule.ORDER_KINDS:
            orders = _order_query(rule.kind, cutoff)
            step.orders = orders.count()
            step.sample = _references(orders)
            ids = orders.values("pk")
            if rule.kind == Kind.CLOSED_ORDERS:
                step.count = step.orders
            elif rule.kind == Kind.ATTACHMENTS:
                step.count = Attachment.objects.filter(order__in=ids).count()
            elif rule.kind == Kind.COMMENTS:
                step.count = Comment.objects.filter(order__in=ids).count()
            else:
                step.count = sum(model.objects.filter(**{f"{column}__in": ids}).count()
                                 for model, column in order_histories())
        elif rule.kind == Kind.PERSONAL_DATA:
            people = people_who_left(cutoff)
            step.count = people.count()
            step.sample = [pseudonym_of(pk) for pk in
                           people.order_by("pk").values_list("pk", flat=True)[:SAMPLE]]
        elif rule.kind == Kind.OUTBOX:
            step.count = sent_before(cutoff).count()
        elif rule.kind == Kind.LOGIN_RECORDS:
            step.count = sum(model.objects.filter(attempt_time__lt=cutoff).count()
                             for model in LOGIN_MODELS)
        steps.append(step)
    return steps


# --- the run -----------------------------------------------------------------------------


def _locked_orders(kind: str, cutoff: datetime) -> list[int]:
    ids = list(_order_query(kind, cutoff).order_by("status_changed_at", "pk")
               .select_for_update(skip_locked=True, of=("self",))
               .values_list("pk", flat=True)[:BATCH])
    # Checked again under the lock: a hold set since the choice was made is seen now.
    held = set(LegalHold.objects.active().filter(order__in=ids)
               .values_list("order_id", flat=True))
    return [pk for pk in ids if pk not in held]


def _order_refs(ids: list[int]) -> list[str]:
    return [reference or f"#{pk}" for pk, reference in
            Order.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "reference")]


def _delete_histories(ids: list[int], only: type[models.Model] | None = None) -> int:
    deleted = 0
    for model, column in order_histories():
        if only is not None and model.instance_type is not only:
            continue
        deleted += model.objects.filter(**{f"{column}__in": ids}).delete()[0]
    return deleted


def _delete_rows(rows: models.QuerySet) -> int:
    """Delete `rows` in one statement when nothing refers to them: Django would otherwise
    load each row to write its last copy into history, which the culling deletes again
    (the row's history goes with it, `_delete_histories`)."""
    if rows.model._meta.related_objects:
        return rows.delete()[0]
    return rows._raw_delete(rows.db)


def _delete_files(names: list[str]) -> None:
    storage = Attachment._meta.get_field("file").storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def _act_on_orders(kind: str, ids: list[int]) -> int:
    """Do what a rule of `kind` does to the orders `ids` (locked); the count acted on."""
    if kind == Kind.HISTORY:
        return _delete_histories(ids)
    if kind == Kind.COMMENTS:
        count = _delete_rows(Comment.objects.filter(order__in=ids))
        _delete_histories(ids, only=Comment)  # deleting leaves a last copy in history
        return count
    files = list(Attachment.objects.filter(order__in=ids).values_list("file", flat=True))
    if kind == Kind.ATTACHMENTS:
        count = _delete_rows(Attachment.objects.filter(order__in=ids))
        _delete_histories(ids, only=Attachment)
    else:  # the orders themselves, with everything that is theirs
        count = len(ids)
        Order.objects.filter(pk__in=ids).delete()
        _delete_histories(ids)
    _delete_files([name for name in files if name])
    return count


def _locked_people(cutoff: datetime) -> list[User]:
    people = list(people_who_left(cutoff).order_by("pk")
                  .select_for_update(skip_locked=True, of=("self",))[:BATCH])
    held = set(held_people().filter(pk__in=[p.pk for p in people])
               .values_list("pk", flat=True))
    return [person for person in people if person.pk not in held]


def pseudonymise(person: User, *, by: User | None, reason: str = "") -> Pseudonym:
    """Replace what identifies `person` (locked) by the stable pseudonym "Person <pk>".

    The account row stays, so every order, comment, minutes and history record still points
    to it (and reads the pseudonym); free text others wrote about the person is left as it
    is. Their login records go, and copies of emails addressed to them lose their address
    (a copy addressed to them alone goes).
    """
    old_username, old_email = person.username, person.email
    person.first_name = "Person"
    person.last_name = str(person.pk)
    person.username = f"person-{person.pk}"
    person.email = ""
    person.title = ""
    person.phone = ""
    person.is_active = False
    person.set_unusable_password()
    person.save()
    for model in LOGIN_MODELS:
        model.objects.filter(username=old_username).delete()
    if old_email:
        for message in OutboxMessage.objects.filter(recipients__contains=[old_email]):
            left = [address for address in message.recipients if address != old_email]
            if left:
                message.recipients = left
                message.save(update_fields=["recipients"])
            else:
                message.delete()
    return Pseudonym.objects.create(user=person, by=by, reason=reason)


@dataclass
class Outcome:
    rule: RetentionRule
    count: int = 0
    batches: int = 0
    seconds: float = 0.0


def _batches(rule: RetentionRule, cutoff: datetime, run: uuid.UUID, actor: User | None,
             batch: Callable[[], tuple[int, list]]) -> Outcome:
    outcome = Outcome(rule)
    started = time.perf_counter()
    while True:
        with transaction.atomic():
            count, items = batch()
            if not count:
                break
            CullingRecord.objects.create(
                run=run, rule=rule, kind=rule.kind, action=rule.action,
                period=rule.period, unit=rule.unit, cutoff=cutoff, count=count,
                items=items, started_by=actor)
        outcome.count += count
        outcome.batches += 1
    outcome.seconds = time.perf_counter() - started
    return outcome


def apply(rules: Iterable[RetentionRule], *, actor: User | None = None,
          now: datetime | None = None) -> list[Outcome]:
    """Apply every rule that does not keep, batch by batch; what each did."""
    now = now or timezone.now()
    run = uuid.uuid4()
    outcomes = []
    for rule in in_order(rules):
        if rule.is_kept:
            continue
        cutoff = rule.cutoff(now)
        kind = rule.kind

        if kind in RetentionRule.ORDER_KINDS:
            def batch(kind=kind, cutoff=cutoff) -> tuple[int, list]:
                ids = _locked_orders(kind, cutoff)
                if not ids:
                    return 0, []
                references = _order_refs(ids)
                return _act_on_orders(kind, ids), references
        elif kind == Kind.PERSONAL_DATA:
            def batch(cutoff=cutoff) -> tuple[int, list]:
                people = _locked_people(cutoff)
                for person in people:
                    pseudonymise(person, by=actor)
                return len(people), [pseudonym_of(p.pk) for p in people]
        elif kind == Kind.OUTBOX:
            def batch(cutoff=cutoff) -> tuple[int, list]:
                ids = list(sent_before(cutoff).order_by("pk")
                           .select_for_update(skip_locked=True)
                           .values_list("pk", flat=True)[:BATCH])
                return OutboxMessage.objects.filter(pk__in=ids).delete()[0], []
        else:
            def batch(cutoff=cutoff) -> tuple[int, list]:
                count = 0
                for model in LOGIN_MODELS:
                    ids = list(model.objects.filter(attempt_time__lt=cutoff).order_by("pk")
                               .values_list("pk", flat=True)[:BATCH])
                    count += model.objects.filter(pk__in=ids).delete()[0]
                return count, []
        outcomes.append(_batches(rule, cutoff, run, actor, batch))
    return outcomes
