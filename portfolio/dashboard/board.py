"""Beslutsråd IT: the next meeting and the orders waiting for a decision, highest priority
first."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from board.models import AgendaItem, Meeting
from orders.models import Order

from .common import Filters, S


@dataclass
class BoardFigures:
    meeting: Meeting | None
    waiting: list[Order]
    on_agenda: set[int]
    count: int
    href: str


def board_figures(base: QuerySet[Order], filters: Filters, ready_count: int) -> BoardFigures:
    meeting = (
        Meeting.objects.filter(
            status__in=[Meeting.Status.PLANNED, Meeting.Status.AGENDA_SENT],
            starts_at__gte=timezone.now(),
        )
        .select_related("chair")
        .annotate(item_count=Count("items"))
        .order_by("starts_at")
        .first()
    )
    on_agenda: set[int] = set()
    if meeting is not None:
        on_agenda = set(
            AgendaItem.objects.filter(meeting=meeting, order__isnull=False)
            .values_list("order_id", flat=True)
        )
    waiting = list(
        base.filter(status=S.READY_FOR_DECISION)
        .select_related("department")
        # What the table and its export show; not the order's texts.
        .only("reference", "title", "priority_score", "department__name",
              "department__short_name")
        .order_by("-priority_score", "submitted_at")[:10]
    )
    return BoardFigures(
        meeting=meeting, waiting=waiting, on_agenda=on_agenda, count=ready_count,
        href=filters.order_params(status=S.READY_FOR_DECISION, sort="priority"),
    )
