"""The board's emails: invitations with their calendar file, and every message logged once
under a unique key (reminders, expediering), so nothing is sent twice."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from orders.models import Order
from organisation.models import User
from tyreso_it.core.services import outbox_enqueue

from ..calendar import meeting_ics
from ..models import Meeting, Reminder


def _meeting_when(meeting: Meeting) -> str:
    return date_format(timezone.localtime(meeting.starts_at), "l j F Y \\k\\l. H:i")


def _agenda_text(meeting: Meeting) -> str:
    lines = []
    for item in meeting.items.order_by("position"):
        mark = _(" (late item)") if item.is_late else ""
        lines.append(f"{item.position}. {item.title}{mark}")
    return "\n".join(lines)


def _send_invitations(meeting: Meeting, *, reason: str) -> None:
    """Queue an email with the .ics to every member, once per member and SEQUENCE."""
    with translation.override(settings.LANGUAGE_CODE):
        cancelled = reason == "cancel"
        ics = meeting_ics(meeting, cancelled=cancelled)
        url = settings.SITE_URL.rstrip("/") + meeting.get_absolute_url()
        when = _meeting_when(meeting)
        if cancelled:
            subject = _("Cancelled: Beslutsråd IT %(when)s") % {"when": when}
            body = _(
                "The meeting of Beslutsråd IT on %(when)s is cancelled. Reason: %(reason)s"
            ) % {"when": when, "reason": meeting.cancelled_reason}
        elif reason == "update":
            subject = _("Changed: Beslutsråd IT %(when)s") % {"when": when}
            body = _("The meeting of Beslutsråd IT has been moved or changed. New time: %(when)s, "
                     "place: %(place)s.\n\nAgenda:\n%(agenda)s\n\n%(url)s") % {
                "when": when, "place": meeting.place or meeting.video_link,
                "agenda": _agenda_text(meeting), "url": url}
        else:
            subject = _("Agenda: Beslutsråd IT %(when)s") % {"when": when}
            body = _("Welcome to Beslutsråd IT on %(when)s, place: %(place)s.\n\nAgenda:\n"
                     "%(agenda)s\n\nDecision briefs and the meeting pack: %(url)s") % {
                "when": when, "place": meeting.place or meeting.video_link,
                "agenda": _agenda_text(meeting), "url": url}
        attachment = {
            "filename": "bit.ics",
            "content": ics,
            "mimetype": f"text/calendar; method={'CANCEL' if cancelled else 'REQUEST'}",
        }
        for member in meeting.members.select_related("person"):
            key = f"agenda:{meeting.pk}:{meeting.sequence}:{member.person_id}"
            _log_once(
                key=key, kind=Reminder.Kind.AGENDA, recipient=member.person, meeting=meeting,
                subject=subject, body=body, attachments=[attachment],
            )


def _log_once(
    *, key: str, kind: str, recipient: User, subject: str, body: str,
    meeting: Meeting | None = None, order: Order | None = None,
    attachments: list[dict] | None = None,
) -> Reminder | None:
    """Record a reminder under its unique key and queue its email, or do nothing if taken."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                key=key, kind=kind, recipient=recipient, meeting=meeting, order=order
            )
            reminder.message = outbox_enqueue(
                recipients=[recipient.email], subject=subject, body=body,
                dedupe_key=f"reminder:{key}", attachments=attachments,
            )
            reminder.save(update_fields=["message"])
            return reminder
    except IntegrityError:
        return None
