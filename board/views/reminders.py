"""The reminders sent and due, for the change manager."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from organisation.predicates import is_change_manager

from .. import reminders
from ..models import Reminder
from .common import require_board

DUE_HORIZON = timedelta(days=14)


@require_GET
def reminder_list(request: HttpRequest) -> HttpResponse:
    require_board(request)
    if not is_change_manager(request.user):
        raise PermissionDenied
    sent = Paginator(
        Reminder.objects.select_related("recipient", "meeting", "order").order_by(
            "-sent_at", "-pk"),
        50,
    ).get_page(request.GET.get("page"))
    due = reminders.due(horizon=DUE_HORIZON)
    for item in due:
        item.kind_label = Reminder.Kind(item.kind).label
    return render(request, "board/reminder_list.html", {
        "sent": sent, "due": due,
        "horizon_days": DUE_HORIZON.days, "now": timezone.now(),
    })
