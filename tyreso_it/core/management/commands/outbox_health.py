"""`manage.py outbox_health`: exit 1 when email is stuck or was given up, for monitoring."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tyreso_it.core.selectors import outbox_health


class Command(BaseCommand):
    help = ("Check the notification outbox: fails when the oldest pending email has waited "
            "longer than OUTBOX_ALERT_AFTER seconds, or an email was given up in the last "
            "day (OUTBOX_ALERT_FAILED_FOR).")

    def handle(self, *args, **options) -> None:
        health = outbox_health()
        if not health.healthy:
            raise CommandError("outbox: " + "; ".join(health.problems()))
        if health.oldest_pending_at is None:
            self.stdout.write("outbox: nothing pending")
        else:
            since = timezone.localtime(health.oldest_pending_at)
            self.stdout.write(f"outbox: {health.pending} pending, the oldest since {since:%H:%M}")
