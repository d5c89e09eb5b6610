"""The retention schedule at the benchmark's size: a dry run and a run of every rule.

First the dry run of the schedule as it stands (what the nightly run would do tonight).
Then every rule that may act is set to act on what is more than a year old, except the
deletion of whole orders (kept, as the default schedule keeps them), so that the run has
most of the generated history, comments and attachments to work through: a dry run, the
run, and a second run that must find nothing to do. Before them, `HELD` of the orders the
run would reach first are put under a legal hold, and what belongs to them (the order, its
comments, attachments and every history record of it) is counted before and after: the run
must leave it all as it was. The generated accounts are all open, so the people who neither
ordered nor handled anything in the last two years, and the orderers of the held orders, are
made to have left two years ago: the run pseudonymises the former and must leave the
latter. Everything is rolled back at the end, so the data set stays as
it was built and can be reused.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from orders.models import Attachment, Comment, Order

SHORT = {
    "closed_orders": (1, "years", "keep"),
    "attachments": (1, "years", "delete"),
    "comments": (1, "years", "delete"),
    "history": (1, "years", "delete"),
    "personal_data": (1, "years", "pseudonymise"),
    "outbox": (1, "months", "delete"),
    "login_records": (1, "months", "delete"),
}


#: Orders put under a legal hold for the run (those the run would act on first).
HELD = 50
#: At most this many people made to have left, besides the held orders' orderers.
LEAVERS = 300


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def measure_retention(*, log=print) -> dict[str, Any]:
    """The times (ms) of the dry runs, the run and the second run, and what each rule
    planned and did."""
    from records import services
    from records.models import RetentionRule

    result: dict[str, Any] = {}
    with transaction.atomic():
        services.schedule_ensure()
        started = time.perf_counter()
        services.retention_dry_run()
        result["dry_run_schedule_ms"] = _ms(started)
        for kind, (period, unit, action) in SHORT.items():
            RetentionRule.objects.filter(kind=kind).update(period=period, unit=unit,
                                                           action=action)
        held = _hold_orders()
        result["people_left"] = _people_leave(held)
        before = _held_fingerprint(held)
        started = time.perf_counter()
        planned = {step.rule.kind: step.count for step in services.retention_dry_run()}
        result["dry_run_ms"] = _ms(started)
        started = time.perf_counter()
        outcomes = services.retention_apply()
        result["run_ms"] = _ms(started)
        started = time.perf_counter()
        again = services.retention_apply()
        result["second_run_ms"] = _ms(started)
        result["planned"] = planned
        result["done"] = {o.rule.kind: o.count for o in outcomes}
        result["rule_ms"] = {o.rule.kind: round(o.seconds * 1000, 1) for o in outcomes}
        result["batches"] = sum(o.batches for o in outcomes)
        result["second_run_done"] = sum(o.count for o in again)
        after = _held_fingerprint(held)
        result["held_orders"] = len(held)
        result["held_rows"] = sum(before.values())
        result["held_untouched"] = bool(held) and after == before
        transaction.set_rollback(True)
    log(f"  dry run {result['dry_run_ms']} ms, run {result['run_ms']} ms "
        f"({sum(result['done'].values())} acted on in {result['batches']} batches), "
        f"second run {result['second_run_ms']} ms ({result['second_run_done']} acted on); "
        f"{result['held_orders']} orders under a legal hold ({result['held_rows']} rows) "
        + ("untouched" if result["held_untouched"] else "TOUCHED"))
    return result


def _hold_orders() -> list[int]:
    """Put `HELD` orders under a legal hold: finished orders with comments whose history the
    short schedule would delete, those the run's first batches would take."""
    from records.models import LegalHold, RetentionRule
    from records.retention import _order_query

    rule = RetentionRule.objects.get(kind=RetentionRule.Kind.COMMENTS)
    ids = list(_order_query(rule.kind, rule.cutoff(timezone.now()))
               .order_by("status_changed_at", "pk").values_list("pk", flat=True)[:HELD])
    orders = Order.objects.filter(pk__in=ids).values_list("pk", "orderer_id")
    LegalHold.objects.bulk_create(
        LegalHold(order_id=pk, set_by_id=orderer, reason="Benchmark: held during the run")
        for pk, orderer in orders)
    return ids


def _held_fingerprint(ids: list[int]) -> dict[str, int]:
    """What belongs to the orders `ids`, counted per table: the orders, their comments and
    attachments, and every history record of them or of those."""
    from records.models import Pseudonym
    from records.retention import held_people, order_histories

    counts = {
        "orders": Order.objects.filter(pk__in=ids).count(),
        "comments": Comment.objects.filter(order__in=ids).count(),
        "attachments": Attachment.objects.filter(order__in=ids).count(),
    }
    for model, column in order_histories():
        counts[model._meta.label] = model.objects.filter(**{f"{column}__in": ids}).count()
    counts["people on them pseudonymised"] = Pseudonym.objects.filter(
        user__in=held_people()).count()
    return counts


def _people_leave(held: list[int]) -> int:
    """Close the accounts of up to `LEAVERS` people idle for two years, and of the held
    orders' orderers, as of two years ago; how many."""
    from organisation.models import User

    since = timezone.now() - timedelta(days=730)
    recent = Order.objects.filter(created_at__gte=since)
    idle = (User.objects.filter(is_superuser=False, is_staff=False)
            .exclude(pk__in=recent.values("orderer"))
            .exclude(pk__in=recent.filter(handler__isnull=False).values("handler"))
            .order_by("pk").values_list("pk", flat=True)[:LEAVERS])
    ids = {*idle, *Order.objects.filter(pk__in=held).values_list("orderer_id", flat=True)}
    return User.objects.filter(pk__in=ids).update(is_active=False, last_login=since)
