"""Thin Celery tasks: each loads what it needs and calls a scanner or a service."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import reminders
from .models import MeetingSeries
from .services import agenda_freeze_and_send, series_generate


@shared_task(ignore_result=True)
def scan_agendas() -> dict[str, int]:
    """Build upcoming agendas; freeze and send those past their cut-off."""
    return reminders.agendas_scan()


@shared_task(ignore_result=True)
def send_due_reminders() -> int:
    """Send every reminder that is due, each once."""
    return reminders.reminders_send_due()


@shared_task(ignore_result=True)
def send_agenda(meeting_id: int) -> bool:
    """Freeze and send one meeting's agenda now (the chair's button, queued on commit)."""
    return agenda_freeze_and_send(meeting_id=meeting_id)


@shared_task(ignore_result=True)
def generate_series_meetings(weeks_ahead: int = 26) -> int:
    """Keep every active series planned half a year ahead."""
    until = timezone.localdate() + timedelta(weeks=weeks_ahead)
    return sum(
        len(series_generate(series=series, until=until))
        for series in MeetingSeries.objects.filter(is_active=True)
    )
