"""The retention schedule at the benchmark's size: a dry run and a run of every rule.

First the dry run of the schedule as it stands (what the nightly run would do tonight).
Then every rule that may act is set to act on what is more than a year old, except the
deletion of whole orders (kept, as the default schedule keeps them), so that the run has
most of the generated history, comments and attachments to work through: a dry run, the
run, and a second run that must find nothing to do. Everything is rolled back at the end,
so the data set stays as it was built and can be reused.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction

SHORT = {
    "closed_orders": (1, "years", "keep"),
    "attachments": (1, "years", "delete"),
    "comments": (1, "years", "delete"),
    "history": (1, "years", "delete"),
    "personal_data": (1, "years", "pseudonymise"),
    "outbox": (1, "months", "delete"),
    "login_records": (1, "months", "delete"),
}


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
        transaction.set_rollback(True)
    log(f"  dry run {result['dry_run_ms']} ms, run {result['run_ms']} ms "
        f"({sum(result['done'].values())} acted on in {result['batches']} batches), "
        f"second run {result['second_run_ms']} ms ({result['second_run_done']} acted on)")
    return result
