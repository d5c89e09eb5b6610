"""Overdue: orders whose latest supplement request is past its answer-by date, and
notifications not sent `PORTFOLIO_OUTBOX_OVERDUE_MINUTES` (default 60) after they were
queued. (Active projects without the status report of the last month are counted with the
projects.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from orders.models import Comment, Order
from organisation.models import User
from tyreso_it.core.models import OutboxMessage

from .common import Filters, S


@dataclass
class Overdue:
    supplements: int
    supplements_href: str
    unsent: int
    unsent_href: str
    threshold_minutes: int


def overdue(user: User, base: QuerySet[Order], filters: Filters, today: date) -> Overdue:
    latest_due = (
        Comment.objects.filter(order=OuterRef("pk"), kind=Comment.Kind.SUPPLEMENT_REQUEST)
        .order_by("-created_at", "-pk")
        .values("due_date")[:1]
    )
    supplements = (
        base.filter(status=S.AWAITING_SUPPLEMENT)
        .annotate(due=Subquery(latest_due))
        .filter(due__lt=today)
        .count()
    )
    minutes = int(getattr(settings, "PORTFOLIO_OUTBOX_OVERDUE_MINUTES", 60))
    unsent = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED],
        created_at__lt=timezone.now() - timedelta(minutes=minutes),
    ).count()
    return Overdue(
        supplements=supplements,
        supplements_href=filters.order_params(status=S.AWAITING_SUPPLEMENT, sort="stale"),
        unsent=unsent,
        unsent_href=reverse("admin:core_outboxmessage_changelist") if user.is_staff else "",
        threshold_minutes=minutes,
    )
