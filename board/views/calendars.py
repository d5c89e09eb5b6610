"""The calendars: a meeting's .ics, the personal feed and the page that gives its address."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import selectors
from ..calendar import feed_ics, meeting_ics
from ..models import CalendarFeed
from .common import S, get_meeting, pack_filename, require_board

ICS = "text/calendar; charset=utf-8"


@require_GET
def meeting_ics_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
    body = meeting_ics(meeting, cancelled=meeting.status == S.CANCELLED)
    response = HttpResponse(body, content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="{pack_filename(meeting, "ics")}"'
    return response


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's meetings for a calendar program, found by the secret in its address."""
    calendar_feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token=token, person__is_active=True)
        .first()
    )
    if calendar_feed is None:
        raise Http404
    body = feed_ics(selectors.feed_meetings(calendar_feed.person), name=_("Beslutsråd IT"))
    # Cache-Control: private, no-store, as every response (PrivateNoStoreMiddleware): the
    # feed names meetings and people; a calendar program asks again on its own schedule.
    return HttpResponse(body, content_type=ICS)


def _feed_url(calendar_feed: CalendarFeed | None) -> str:
    if calendar_feed is None:
        return ""
    return settings.SITE_URL.rstrip("/") + reverse("board:feed", args=[calendar_feed.token])


@transaction.atomic
def _feed_renew(user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    CalendarFeed.objects.filter(person=user).delete()
    return CalendarFeed.objects.create(person=user)


def my_calendar(request: HttpRequest) -> HttpResponse:
    require_board(request)
    calendar_feed = CalendarFeed.objects.filter(person=request.user).first()
    if request.method == "POST":
        renewed = calendar_feed is not None
        calendar_feed = _feed_renew(request.user)
        messages.success(
            request,
            _("You have a new calendar address. The old one no longer works: change it in "
              "your calendar program.") if renewed
            else _("Your calendar address is ready."),
        )
        return redirect("board:my_calendar")
    return render(request, "board/my_calendar.html", {
        "calendar_feed": calendar_feed, "feed_url": _feed_url(calendar_feed),
    })
