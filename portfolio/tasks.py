"""Thin Celery tasks of the portfolio, scheduled by beat (tyreso_it/celery.py)."""

from celery import shared_task

from . import reminders, snapshots


@shared_task(ignore_result=True)
def take_dashboard_snapshot() -> str:
    """The nightly snapshot of the dashboard's counts: one per day, a rerun replaces it."""
    return snapshots.snapshot_take().day.isoformat()


@shared_task(ignore_result=True)
def send_status_report_reminders() -> int:
    """Remind project managers whose report for last month is missing, each once."""
    return reminders.status_report_reminders_send()
