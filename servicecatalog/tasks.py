"""Thin Celery tasks of the service catalogue: each calls a scanner, which sends only what is
due and has not been sent (beat runs them often; see tyreso_it/celery.py)."""

from celery import shared_task

from . import reminders


@shared_task(ignore_result=True)
def send_plan_review_reminders() -> int:
    """Remind system managers whose yearly management-plan review is due, each once."""
    return reminders.plan_reminders_send()


@shared_task(ignore_result=True)
def send_contract_notice_reminders() -> int:
    """Remind delivery managers of coming contract notice dates, each step once."""
    return reminders.contract_reminders_send()
