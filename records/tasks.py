"""Thin Celery tasks of records, scheduled by beat (tyreso_it/celery.py)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def apply_retention() -> int:
    """The nightly retention run: the schedule applied in batches, each logged; a rerun
    finds nothing left to do. The number of things acted on."""
    services.schedule_ensure()
    return sum(outcome.count for outcome in services.retention_apply())
