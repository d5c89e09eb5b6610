"""The reads the board's pages use, with the permission filter and joins already applied.

Who may open a meeting is said once, by `services.board_visible_meetings`: those who see
every order, and the meeting's own members and chair.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.models import Order
from organisation import access
from organisation.models import User
from organisation.predicates import sees_all

from .models import AgendaItem, Meeting, MeetingMember
from .services import MEETING_FLOW, board_visible_meetings

OPEN = [Meeting.Status.PLANNED, Meeting.Status.AGENDA_SENT, Meeting.Status.HELD]
# How far back a person's calendar feed reaches.
FEED_PAST = timedelta(days=90)


def board_access(user: User) -> bool:
    """May `user` use the board's pages at all: sees every order, or is called to a meeting.

    Cached on the user object: the layout's link and the page itself ask the same question;
    whether they are called to a meeting is kept in the access cache too (renewed whenever a
    meeting's chair or members change: organisation.triggers).
    """
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_board_access", None)
    if cached is None:
        cached = sees_all(user) or access.fact(
            user, "board_member",
            lambda: Meeting.objects.filter(Q(members__person=user) | Q(chair=user)).exists(),
        )
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


def meetings_upcoming_and_past(
    user: User, now: datetime | None = None
) -> tuple[QuerySet[Meeting], QuerySet[Meeting]]:
    """The meetings `user` may open in two lists, by the calendar and the state together.

    Upcoming: not started yet, and still to be held (planned or with its agenda sent),
    soonest first. Past: everything else, latest first: started (a meeting under way
    included), held, adjusted, or cancelled.
    """
    now = now or timezone.now()
    meetings = meeting_list(user)
    upcoming = Q(starts_at__gt=now, status__in=MEETING_FLOW["hold"].sources)
    return (
        meetings.filter(upcoming).order_by("starts_at", "pk"),
        meetings.exclude(upcoming).order_by("-starts_at", "-pk"),
    )


def meeting_detail(user: User, pk: int) -> Meeting:
    """One meeting `user` may open; any other is Meeting.DoesNotExist (a 404, as if missing)."""
    return board_visible_meetings(user).select_related("chair", "adjuster").get(pk=pk)


# What an agenda's line shows of its order: not the brief's texts, so a long agenda does not
# read and build every order in full.
ITEM_FIELDS = tuple(f.name for f in AgendaItem._meta.concrete_fields)
ITEM_ORDER_FIELDS = (
    "order__reference", "order__title", "order__kind", "order__status",
    "order__department__name", "order__department__short_name",
)


def agenda_items(
    meeting: Meeting, *, briefs: bool = False, delegations: bool = True
) -> list[AgendaItem]:
    """The items in agenda order, with their orders; with `briefs`, also what a decision brief
    shows (orderer, handler, solution options). Without `delegations`, the delegated decisions
    (reported for information, often hundreds) are left out: see `delegation_summary`."""
    items = meeting.items.select_related("order__department")
    if not delegations:
        items = items.exclude(kind=AgendaItem.Kind.DELEGATION)
    if briefs:
        items = items.select_related("order__orderer", "order__handler").prefetch_related(
            "order__options"
        )
    else:
        items = items.only(*ITEM_FIELDS, *ITEM_ORDER_FIELDS)
    return list(items.order_by("position", "pk"))


def agenda_brief(meeting: Meeting, item_pk: int) -> AgendaItem:
    """An order's item of the meeting with what its decision brief shows; any other item is
    AgendaItem.DoesNotExist."""
    return (
        meeting.items.filter(kind=AgendaItem.Kind.ORDER, order__isnull=False)
        .select_related("order__department", "order__orderer", "order__handler")
        .prefetch_related("order__options")
        .get(pk=item_pk)
    )


@dataclass
class DelegationSummary:
    """The delegated decisions on an agenda, counted: what the board notes at a glance."""

    count: int = 0
    first: int | None = None
    last: int | None = None
    by_department: list[tuple[str, int]] = field(default_factory=list)
    by_kind: list[tuple[str, int]] = field(default_factory=list)

    @property
    def contiguous(self) -> bool:
        """The items follow each other on the agenda (so they are "items first–last")."""
        return self.count > 0 and self.last - self.first + 1 == self.count


def delegation_summary(meeting: Meeting) -> DelegationSummary:
    """The meeting's delegated decisions counted per department and per type of order, in one
    query whatever their number."""
    rows = (
        meeting.items.filter(kind=AgendaItem.Kind.DELEGATION)
        .order_by()
        .values("order__department__name", "order__kind")
        .annotate(n=Count("pk"), first=Min("position"), last=Max("position"))
    )
    summary = DelegationSummary()
    departments: dict[str, int] = {}
    kinds: dict[str, int] = {}
    for row in rows:
        summary.count += row["n"]
        if summary.first is None or row["first"] < summary.first:
            summary.first = row["first"]
        if summary.last is None or row["last"] > summary.last:
            summary.last = row["last"]
        name = row["order__department__name"] or "–"
        departments[name] = departments.get(name, 0) + row["n"]
        kind = row["order__kind"] or ""
        kinds[kind] = kinds.get(kind, 0) + row["n"]
    labels = dict(Order.Kind.choices)
    summary.by_department = sorted(departments.items(), key=lambda pair: (-pair[1], pair[0]))
    summary.by_kind = sorted(
        ((str(labels.get(kind, "–")), n) for kind, n in kinds.items()),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return summary


def delegation_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's delegated decisions in agenda order, with their orders, to be paged."""
    return (
        meeting.items.filter(kind=AgendaItem.Kind.DELEGATION)
        .select_related("order__department")
        .only(*ITEM_FIELDS, *ITEM_ORDER_FIELDS)
        .order_by("position", "pk")
    )


def delegation_page_of(item: AgendaItem, per_page: int) -> int:
    """The page of the delegated decisions on which `item` is listed."""
    before = AgendaItem.objects.filter(
        meeting_id=item.meeting_id, kind=AgendaItem.Kind.DELEGATION
    ).filter(
        Q(position__lt=item.position) | Q(position=item.position, pk__lt=item.pk)
    ).count()
    return before // per_page + 1


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
        Order.objects.filter(pk__in=ids).visible_to(user).values_list("pk", flat=True)
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


def decision_meeting(order: Order) -> Meeting | None:
    """The meeting whose minutes are to decide `order`: the first meeting not yet adjusted
    or cancelled with the order on its agenda for decision and no decision recorded, or None
    while the order is on no such agenda."""
    return (
        Meeting.objects.filter(
            status__in=OPEN,
            items__order=order,
            items__kind=AgendaItem.Kind.ORDER,
            items__outcome="",
        )
        .order_by("starts_at", "pk")
        .first()
    )
