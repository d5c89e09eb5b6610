"""The meeting pack: the print page and the PDF."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors
from ..models import BoardSettings
from ..pdf import meeting_pdf
from .common import get_meeting, pack_filename


def _pack(request: HttpRequest, pk: int) -> dict:
    meeting = get_meeting(request, pk)
    items = selectors.agenda_items(meeting, briefs=not meeting.is_adjusted)
    members = selectors.members(meeting)
    return {
        "meeting": meeting,
        "items": items,
        "members": members,
        "absent": [m for m in members if m.attended is False],
        "corrections": list(meeting.corrections.select_related("created_by"))
        if meeting.is_adjusted else [],
        "cutoff_at": meeting.cutoff_at(BoardSettings.load()),
    }


@require_GET
def meeting_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "board/meeting_print.html", _pack(request, pk))


@require_GET
def meeting_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack(request, pk)
    response = HttpResponse(meeting_pdf(**pack), content_type="application/pdf")
    name = pack_filename(pack["meeting"], "pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
