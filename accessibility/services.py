"""Reporting a barrier: stored, throttled, and told to the accessibility contact."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tyreso_it.core.errors import ServiceError
from tyreso_it.core.services import outbox_enqueue

from .models import BarrierReport


class AccessibilityError(ServiceError):
    """A refused write of this app (see tyreso_it.core.errors)."""


class TooManyReports(AccessibilityError):
    status_code = 429


def sender_key(address: str | None) -> str:
    """A keyed hash of the sender's network address: the same address gives the same key,
    and the key does not give the address back."""
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, (address or "").encode(), hashlib.sha256).hexdigest()


def barrier_report_create(*, name: str, email: str, page_url: str, description: str,
                          address: str | None) -> BarrierReport:
    """Keep a reported barrier and queue an email about it to the accessibility contact, in
    one transaction.

    What it protects: the form is public, so one address may send only
    ACCESSIBILITY_REPORTS_PER_ADDRESS_HOUR reports an hour and everyone together
    ACCESSIBILITY_REPORTS_PER_HOUR, counted in the database (every process sees them).
    """
    key = sender_key(address)
    since = timezone.now() - timedelta(hours=1)
    with transaction.atomic():
        recent = BarrierReport.objects.filter(created_at__gte=since)
        if (recent.filter(sender_key=key).count()
                >= settings.ACCESSIBILITY_REPORTS_PER_ADDRESS_HOUR
                or recent.count() >= settings.ACCESSIBILITY_REPORTS_PER_HOUR):
            raise TooManyReports(_(
                "Many reports have been sent in the last hour, so this one was not received. "
                "Try again in an hour, or write to %(email)s."
            ) % {"email": settings.ACCESSIBILITY_CONTACT_EMAIL})
        report = BarrierReport(name=name.strip(), email=email.strip(),
                               page_url=page_url.strip(), description=description.strip(),
                               sender_key=key)
        report._change_reason = _("Reported from the accessibility statement")
        report.save()
        with translation.override(settings.LANGUAGE_CODE):
            outbox_enqueue(
                recipients=[settings.ACCESSIBILITY_CONTACT_EMAIL],
                subject=_("Accessibility barrier reported: %(page)s") % {
                    "page": report.page_url[:120]},
                body="\n".join([
                    _("A barrier was reported from the accessibility statement."),
                    "",
                    _("Name: %(name)s") % {"name": report.name or "–"},
                    _("Email: %(email)s") % {"email": report.email},
                    _("Page: %(page)s") % {"page": report.page_url},
                    "",
                    report.description,
                ]),
                dedupe_key=f"barrier-report-{report.pk}",
            )
    return report
