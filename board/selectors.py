"""The reads the board's pages use, with the permission filter and joins already applied.

Who may open a meeting is said once, by `services.board_visible_meetings`: those who see
every order, and the meeting's own members and chair.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.models import Order
from orders.permissions import orders_visible_to, sees_all
from organisation.models import User

from .models import AgendaItem, Meeting, MeetingMember
from .services import board_visible_meetings

OPEN = [Meeting.Status.PLANNED, Meeting.Status.AGENDA_SENT, Meeting.Status.HELD]
# How far back a person's calendar feed reaches.
FEED_PAST = timedelta(days=90)


def board_access(user: User) -> bool:
    """May `user` use the board's pages at all: sees every order, or is called to a meeting.

    Cached on the user object: the layout's link and the page itself ask the same question.
    """
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_board_access", None)
    if cached is None:
        cached = sees_all(user) or Meeting.objects.filter(
            Q(members__person=user) | Q(chair=user)
        ).exists()
        user._board_access = cached
    return cached


def meeting_list(user: User) -> QuerySet[Meeting]:
    """Meetings `user` may open, each with its chair and its number of items."""
    items = (
        AgendaItem.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        board_visible_meetings(user)
        .select_related("chair")
        .annotate(item_count=Coalesce(Subquery(items), Value(0)))
    )


def meeting_detail(user: User, pk: int) -> Meeting:
    """One meeting `user` may open; any other is Meeting.DoesNotExist (a 404, as if missing)."""
    return board_visible_meetings(user).select_related("chair", "adjuster").get(pk=pk)


def agenda_items(meeting: Meeting, *, briefs: bool = False) -> list[AgendaItem]:
    """The items in agenda order, with their orders; with `briefs`, also what a decision brief
    shows (orderer, handler, solution options)."""
    items = meeting.items.select_related("order__department")
    if briefs:
        items = items.select_related("order__orderer", "order__handler").prefetch_related(
            "order__options"
        )
    return list(items.order_by("position", "pk"))


def members(meeting: Meeting) -> list[MeetingMember]:
    return list(
        meeting.members.select_related("person", "role", "deputy_for").order_by(
            "person__first_name", "person__last_name", "pk"
        )
    )


def linkable_orders(user: User, items: list[AgendaItem]) -> set[int]:
    """Ids of the items' orders `user` may open: the members of the board see every brief on
    the agenda, but an order's own page stays with those who may see the order."""
    ids = {item.order_id for item in items if item.order_id}
    if not ids or sees_all(user):
        return ids
    return set(
        orders_visible_to(user, Order.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )


def addable_orders(meeting: Meeting) -> QuerySet[Order]:
    """Orders the chair may put on the agenda: ready for decision and on no open agenda."""
    return (
        Order.objects.filter(status=Order.Status.READY_FOR_DECISION)
        .exclude(
            pk__in=AgendaItem.objects.filter(
                kind=AgendaItem.Kind.ORDER, order__isnull=False, meeting__status__in=OPEN
            ).values("order_id")
        )
        .exclude(
            pk__in=meeting.items.filter(order__isnull=False).values("order_id")
        )
        .select_related("department")
        .order_by("-priority_score", "reference")
    )


def feed_meetings(person: User, now: datetime | None = None) -> QuerySet[Meeting]:
    """A person's meetings for their calendar feed: upcoming and of the last months."""
    now = now or timezone.now()
    mine = Meeting.objects.filter(Q(members__person=person) | Q(chair=person)).values("pk")
    return (
        Meeting.objects.filter(pk__in=mine, ends_at__gte=now - FEED_PAST)
        .select_related("chair")
        .prefetch_related(
            Prefetch("members", queryset=MeetingMember.objects.select_related("person"))
        )
        .order_by("starts_at")
    )
