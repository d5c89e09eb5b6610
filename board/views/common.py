"""What the board's pages share: fetching a meeting, the version a form started from,
and showing a refusal beside its form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from tyreso_it.core.views import show_refusal

from .. import selectors, services
from ..models import AgendaItem, Meeting

S = Meeting.Status


class Stale(services.WrongState):
    """The meeting changed after the person loaded the page."""


def stale_message() -> str:
    return _("The meeting was changed meanwhile, by someone else or in another window. "
             "Your input is kept below: check the page and send it again.")


@contextmanager
def at_version(meeting_id: int, version: int) -> Iterator[None]:
    """Hold the meeting's row while the service runs, if it is still at `version`."""
    with transaction.atomic():
        current = (
            Meeting.objects.select_for_update()
            .filter(pk=meeting_id)
            .values_list("version", flat=True)
            .first()
        )
        if current != version:
            raise Stale(stale_message())
        yield


def get_meeting(request: HttpRequest, pk: int) -> Meeting:
    try:
        return selectors.meeting_detail(request.user, pk)
    except Meeting.DoesNotExist as exc:
        raise Http404(_("No such meeting.")) from exc


def get_item(meeting: Meeting, item_pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)


def require_board(request: HttpRequest) -> None:
    if not selectors.board_access(request.user):
        raise Http404


def keep_input(form, version: int) -> None:
    """Show the person's input again, now carrying the version that stands."""
    data = form.data.copy()
    data[form.add_prefix("version")] = version
    form.data = data


def refuse(
    request: HttpRequest, form, exc: services.BoardError, meeting: Meeting | None = None
) -> int:
    """Put a refusal next to its field (or on the form) and return its status code."""
    if isinstance(exc, services.NeedsConfirmation):
        form.ask_to_confirm(exc.warnings, exc.token, exc.message)
        return exc.status_code
    status = show_refusal(request, exc, form)
    if isinstance(exc, services.WrongState) and meeting is not None:
        meeting.refresh_from_db(fields=["version"])
        keep_input(form, meeting.version)
    return status


def tell(request: HttpRequest, form) -> None:
    """A refused form that is not on the page tells its errors as messages."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def pack_filename(meeting: Meeting, ext: str) -> str:
    if meeting.number:
        return f"bit-{meeting.year}-{meeting.number}.{ext}"
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return f"bit-{day}.{ext}"
