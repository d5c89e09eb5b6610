"""Reminders of missing status reports, each sent exactly once.

The report of a month is due when the month has ended. From the first day of the next month
(Europe/Stockholm), every active project that began before the month ended and has no report
for it is reminded: its project manager gets one email, queued in the outbox under the key
`portfolio-status-report:<project>:<YYYY-MM>` in the same transaction as the check, so a
rerun, a retry or two scanners at once queue nothing twice. Only the last month is reminded
of: a scanner that was down for long does not send stale reminders for older months.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tyreso_it.core.services import outbox_enqueue

from .forms import month_name
from .models import Project
from .selectors import report_missing_filter, report_period


def reminder_key(project: Project, period: date) -> str:
    return f"portfolio-status-report:{project.pk}:{period:%Y-%m}"


def status_report_reminders_send(today: date | None = None) -> int:
    """Queue a reminder for each missing report of last month; returns how many were new."""
    today = today or timezone.localdate()
    period = report_period(today)
    projects = (
        Project.objects.filter(report_missing_filter(today))
        .select_related("manager")
        .order_by("pk")
    )
    site = settings.SITE_URL.rstrip("/")
    queued = 0
    for project in projects:
        manager = project.manager
        if not manager.is_active or not manager.email:
            continue
        month = month_name(period).lower()
        with transaction.atomic():
            message = outbox_enqueue(
                recipients=[manager.email],
                subject=_("Status report for %(month)s missing: %(project)s")
                % {"month": month, "project": project.name},
                body=_(
                    "The status report of %(project)s for %(month)s has not been written. "
                    "The IT chief reports the portfolio to the municipal management group "
                    "from these reports.\n\nWrite it here: %(url)s"
                ) % {"project": project.name, "month": month,
                     "url": f"{site}{project.get_absolute_url()}statusrapport/?period="
                            f"{period:%Y-%m}"},
                dedupe_key=reminder_key(project, period),
            )
        queued += message is not None
    return queued
