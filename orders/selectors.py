"""The reads the order pages use, with the permission filter and joins already applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, CharField, Count, F, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from organisation.models import User

from . import tallies
from .models import Comment, Order, PriorityFactor
from .querysets import Visibility
from .secrecy import PLACEHOLDER, readable_q

LIST_SORTS = {
    "created": "-created_at",
    "-created": "created_at",
    "reference": "reference",
    "-reference": "-reference",
    "title": "title",
    "-title": "-title",
    "status": "status",
    "-status": "-status",
    "changed": "-status_changed_at",
    "stale": "status_changed_at",
    "priority": "-priority_score",
}


#: What a row of an order list shows besides the order itself.
LIST_RELATED = ("department", "handler")

#: The columns a row of an order list shows (jinja2/orders/order_table.jinja): the long texts
#: (need, requirements, benefit, preparation) and the other people are not read for a list.
LIST_FIELDS = (
    "reference", "title", "status", "status_changed_at", "department_id", "handler_id",
    "department__short_name",
    "handler__username", "handler__first_name", "handler__last_name",
)


def _list_rows(queryset: QuerySet[Order]) -> QuerySet[Order]:
    return queryset.select_related(*LIST_RELATED).only(*LIST_FIELDS)


class ListDepartment(NamedTuple):
    short_name: str


@dataclass(slots=True)
class OrderRow:
    """A row of an order list: what `jinja2/orders/order_table.jinja` shows of an order, read
    as plain values. Building a model instance for the order, its department and its handler
    cost twice what reading the row does."""

    pk: int
    reference: str | None
    title: str
    status: str
    status_changed_at: datetime
    department: ListDepartment
    handler: str | None  # the handler's name, as str(user) gives it
    url: str  # the order page's address

    @property
    def status_label(self) -> str:
        return str(Order.Status(self.status).label)

    def get_absolute_url(self) -> str:
        return self.url


#: A number no order has, standing for the id in the order page's address.
_PK = 987654321


ROW_FIELDS = (
    "pk", "reference", "title", "status", "status_changed_at", "department__short_name",
    "handler__username", "handler__first_name", "handler__last_name",
)


def order_rows(queryset: QuerySet[Order], limit: int | None = None) -> list[OrderRow]:
    """The rows of `queryset` (at most `limit`) as an order list shows them, in one query."""
    values = queryset.values_list(*ROW_FIELDS)
    if limit is not None:
        values = values[:limit]
    departments: dict[str, ListDepartment] = {}
    # The order page's address reversed once for the list, not once per row.
    prefix, suffix = reverse("orders:detail", args=[_PK]).split(str(_PK))
    rows = []
    for pk, reference, title, status, changed, short_name, username, first, last in values:
        department = departments.get(short_name)
        if department is None:
            department = departments[short_name] = ListDepartment(short_name)
        # User.__str__: the full name, or the username when there is none.
        handler = None if username is None else (f"{first} {last}".strip() or username)
        rows.append(OrderRow(pk, reference, title, status, changed, department, handler,
                             f"{prefix}{pk}{suffix}"))
    return rows


def order_list(user: User, filters: dict[str, Any] | None = None) -> QuerySet[Order]:
    """Orders `user` may see, filtered, searched and sorted, with what each row shows."""
    queryset = _filtered(_list_rows(Order.objects.visible_to(user)), filters or {}, user=user)
    sort = LIST_SORTS.get((filters or {}).get("sort") or "created", "-created_at")
    return queryset.order_by(sort, "-pk")


def order_count(user: User, filters: dict[str, Any] | None = None) -> int:
    """How many orders `order_list(user, filters)` holds, in one query.

    For someone who sees their departments' orders and sees orders in other ways too (a
    provider's staff, a HUKI role), the permission filter is an OR that no index answers, so
    counting a large department's orders read every entry of the list index. Counted as the
    two halves of `Visibility` instead — the departments' orders, and the others not among
    them — each half reads an index of its own (`order_visible_idx` for the first). On
    PostgreSQL, with no filter but the states, the count is summed from the tallies the
    database keeps (`orders.tallies`) where the branches allow.
    """
    filters = filters or {}
    counted = tallies.visible_count(user, filters)
    if counted is not None:
        return counted
    visibility = Visibility.of(user)
    departments = None if visibility.everything else visibility.departments_q()
    others = [] if visibility.everything else visibility.others()
    if departments is None or not others:
        return _filtered(Order.objects.visible_to(user), filters, user=user).count()
    base = _filtered(Order.objects.all(), filters, user=user).order_by()
    # The second half as a union (which drops the orders seen in more than one way) of
    # one index lookup per way, each without the departments' orders.
    ways = [base.filter(way).exclude(departments).values("pk") for way in others]
    first, first_params = base.filter(departments).values("pk").query.sql_with_params()
    second, second_params = ways[0].union(*ways[1:]).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM ({first}) AS first_half)"  # noqa: S608 - the ORM's
            f" + (SELECT COUNT(*) FROM ({second}) AS second_half)",  # SQL, its own params
            (*first_params, *second_params),
        )
        return cursor.fetchone()[0]


def _filtered(queryset: QuerySet[Order], filters: dict[str, Any], *,
              user: User | None = None) -> QuerySet[Order]:
    """The list's filters and search (not its order) applied to `queryset`. The search
    reads the need text only of the orders `user` may read it of (orders.secrecy): a
    secrecy-marked need is not found by those who may not read it."""
    if filters.get("status"):
        queryset = queryset.filter(status__in=filters["status"])
    if filters.get("department"):
        queryset = queryset.filter(department=filters["department"])
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("handler"):
        queryset = queryset.filter(handler=filters["handler"])
    if filters.get("year"):
        year = int(filters["year"])
        tz = timezone.get_current_timezone()
        start = datetime(year, 1, 1, tzinfo=tz)
        queryset = queryset.filter(
            created_at__gte=start, created_at__lt=datetime(year + 1, 1, 1, tzinfo=tz)
        )
    for name in ("submitted", "decided", "delivered"):
        queryset = _in_period(queryset, f"{name}_at", filters.get(f"{name}_from"),
                              filters.get(f"{name}_to"))
    if filters.get("q"):
        term = filters["q"].strip()
        in_need = Q(need__icontains=term)
        readable = readable_q(user) if user is not None else Q(secrecy_provision="")
        if readable is not None:
            in_need &= readable
        queryset = queryset.filter(Q(reference__iexact=term) | Q(title__icontains=term) | in_need)
    return queryset


class OrderPaginator(Paginator):
    """Pages of an `order_list` whose rows are fetched by their ids (and counted by
    `order_count` when given as `count`).

    One query still gives the page: its ids are chosen in a subquery that needs only the
    filter's and the order's columns, which `order_list_idx` holds, so the rows before a deep
    page are skipped in the index instead of being read from the table with their joins and
    thrown away (OFFSET); then only those rows are read, with what each row shows. Page 200
    costs about what page 1 does.
    """

    def __init__(self, object_list, per_page, *, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._counter = count

    @cached_property
    def count(self) -> int:
        return self._counter() if self._counter is not None else super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.object_list.values("pk")[bottom:top]
        # The permission filter is in `ids`; repeating it here would only make the database
        # test it again on every row instead of fetching the page's rows by key.
        rows = (
            _list_rows(Order.objects.filter(pk__in=ids))
            .order_by(*(self.object_list.query.order_by or Order._meta.ordering))
        )
        return self._get_page(order_rows(rows), number, self)


def _in_period(
    queryset: QuerySet[Order], field: str, first: date | None, last: date | None
) -> QuerySet[Order]:
    """Orders whose timestamp `field` falls on the days `first` to `last` (inclusive, local
    time); either end may be open."""
    tz = timezone.get_current_timezone()
    if first:
        queryset = queryset.filter(**{f"{field}__gte": datetime.combine(first, time.min, tz)})
    if last:
        queryset = queryset.filter(
            **{f"{field}__lt": datetime.combine(last + timedelta(days=1), time.min, tz)}
        )
    return queryset


def order_detail(user: User, pk: int, *, recent_comments: int | None = None) -> Order:
    """One order `user` may see; any other is Order.DoesNotExist (a 404, as if missing).

    With `recent_comments`, the comments loaded are the supplement rounds and only the latest
    `recent_comments` + 1 plain comments: what the page's recent history can show.
    """
    comments = Comment.objects.select_related("author")
    if recent_comments is not None:
        latest = (
            Comment.objects.filter(order_id=pk, kind=Comment.Kind.COMMENT)
            .order_by("-created_at", "-pk").values("pk")[: recent_comments + 1]
        )
        comments = comments.filter(~Q(kind=Comment.Kind.COMMENT) | Q(pk__in=latest))
    order = (
        Order.objects.visible_to(user)
        # Not the priority model: an eighth table in the join made PostgreSQL spend 1–2 ms
        # choosing the order of the joins, more than the query takes; it comes with its
        # factors below.
        .select_related(
            "department", "department__it_lead", "orderer", "handler", "provider", "service",
        )
        .prefetch_related(
            "options", "attachments",
            # One query for the timeline and the supplement call-out alike.
            Prefetch("comments", queryset=comments),
        )
        .get(pk=pk)
    )
    if order.priority_model_id is not None:
        _load_priority_model(order)
    return order


def _load_priority_model(order: Order) -> None:
    """The order's priority model with its factors, from one query of the factors with their
    model: what select_related("priority_model") and prefetching its factors gave."""
    factors = list(
        PriorityFactor.objects.filter(model_id=order.priority_model_id).select_related("model")
    )
    if not factors:
        return  # a model without factors: read when asked for, as any relation
    model = factors[0].model
    for factor in factors:
        PriorityFactor.model.field.set_cached_value(factor, model)
    queryset = model.factors.all()
    queryset._result_cache = factors
    queryset._prefetch_done = True
    model._prefetched_objects_cache = {"factors": queryset}
    Order.priority_model.field.set_cached_value(order, model)


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "event", "comment" or "change"
    actor: Any
    title: str = ""
    text: str = ""
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    event: Any = None
    comment: Any = None


TIMELINE_SKIP = {
    "status", "status_changed_at", "priority_values", "reference", "submitted_at", "decided_at",
    "delivered_at", "closed_at", "delegated_decision", "created_at",
}
# A field change saved by a transition is shown with that transition, not on its own.
SAME_STEP = timedelta(seconds=2)


def _display(field, value, names: dict) -> Any:
    if value in (None, ""):
        return None
    if field.is_relation:
        return names.get((field.related_model, value), value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        whole = value == value.to_integral_value()
        return number_format(value.quantize(Decimal(1)) if whole else value, force_grouping=True)
    if isinstance(value, date):
        return date_format(value, "j F Y")
    return value


@cache
def _timeline_fields() -> list:
    """The order's fields whose changes the timeline shows, by name (diff_against's order).
    The model's fields, worked out once."""
    return sorted(
        (f for f in Order.history.model.tracked_fields
         if f.editable and f.name not in TIMELINE_SKIP),
        key=lambda f: f.name,
    )


def _known_names(order: Order, events, comments, records) -> dict[tuple[Any, Any], str]:
    """Names of the people and things already loaded with the page: a changed foreign key
    that points to one of them (the handler taken on, the priority model scored with, the
    provider planned) needs no query to be named."""
    known = [e.actor for e in events] + [c.author for c in comments] + [
        r.history_user for r in records]
    for name in ("orderer", "handler", "provider", "service", "priority_model"):
        field = Order._meta.get_field(name)
        if field.is_cached(order):
            known.append(getattr(order, name))
    return {
        (obj._meta.concrete_model, obj.pk): str(obj) for obj in known if obj is not None
    }


#: Entries of an order's history shown at first; the rest on request ("Show the whole history").
TIMELINE_RECENT = 30


@dataclass
class Timeline:
    """An order's history, oldest first: all of it, or its most recent entries."""

    entries: list[TimelineEntry]
    complete: bool  # False: older entries exist and are shown on request


#: The fields of a secrecy-marked order whose changes only its readers see (orders.secrecy).
SECRET_FIELDS = frozenset({"need", "secrecy_reason"})


def order_timeline(order: Order, *, recent: int | None = TIMELINE_RECENT,
                   secret_readable: bool = True) -> Timeline:
    """Transitions, comments and field changes of an order as one list, oldest first.

    With `recent`, only the most recent entries: the latest `recent` transitions, history
    records (one more, to tell what the oldest of them changed) and comments hold every one
    of them, so an order with a long history costs the page what a short one does.

    A fixed number of queries whatever the length of the history: events, comments and
    history records once each, and the names behind changed foreign keys that are not
    already on the page (see `_known_names`) in one query per related model.
    """
    complete = True
    cutoff = None  # with sources cut short: entries before this may be missing, so not shown
    event_rows = order.events.select_related("actor")
    record_rows = order.history.select_related("history_user")
    if recent is None:
        event_rows = list(event_rows.order_by("at", "pk"))
        records = list(record_rows.order_by("history_date"))
    else:
        event_rows = list(event_rows.order_by("-at", "-pk")[: recent + 1])
        if len(event_rows) > recent:
            complete = False
            event_rows = event_rows[:recent]
            cutoff = event_rows[-1].at
        event_rows.reverse()
        records = list(record_rows.order_by("-history_date")[: recent + 2])
        if len(records) > recent + 1:
            complete = False
            records = records[: recent + 1]
            # The oldest record is only what the next one is compared with.
            cutoff = max(filter(None, (cutoff, records[-2].history_date)))
        records.reverse()
    events = [
        TimelineEntry(at=e.at, kind="event", actor=e.actor, event=e, text=e.reason)
        for e in event_rows
    ]
    entries: list[TimelineEntry] = list(events)
    if "comments" in getattr(order, "_prefetched_objects_cache", {}):
        comments = order.comments.all()  # prefetched with their authors by order_detail
    else:
        comments = order.comments.select_related("author")
    # Supplement requests and answers are told by their transition.
    plain = sorted((c for c in comments if c.kind == c.Kind.COMMENT),
                   key=lambda c: (c.created_at, c.pk))
    if recent is not None and len(plain) > recent:
        # Only the latest are needed (and order_detail may have loaded no more).
        complete = False
        plain = plain[-recent:]
        cutoff = max(filter(None, (cutoff, plain[0].created_at)))
    for comment in plain:
        entries.append(TimelineEntry(at=comment.created_at, kind="comment", actor=comment.author,
                                     text=comment.body, comment=comment))
    if records and complete:
        first = records[0]
        entries.append(TimelineEntry(at=first.history_date, kind="created",
                                     actor=first.history_user))
    tracked = _timeline_fields()
    deltas = []
    wanted: dict[Any, set] = {}
    for previous, record in zip(records, records[1:], strict=False):
        # What simple-history's diff_against finds for these fields, without building a
        # dictionary of every field of both records for every pair.
        changes = []
        for tracked_field in tracked:
            old = getattr(previous, tracked_field.attname)
            new = getattr(record, tracked_field.attname)
            if old != new:
                changes.append((tracked_field, old, new))
        for changed, old, new in changes:
            if changed.is_relation:
                wanted.setdefault(changed.related_model, set()).update(
                    v for v in (old, new) if v is not None
                )
        if changes:
            deltas.append((record, changes))
    names = _known_names(order, events, comments, records)
    for model, ids in wanted.items():
        missing = {pk for pk in ids if (model, pk) not in names}
        if missing:
            names.update(
                ((model, obj.pk), str(obj))
                for obj in model._default_manager.filter(pk__in=missing)
            )
    steps_by: dict[Any, list[TimelineEntry]] = {}
    for step in events:
        if step.actor is not None:
            steps_by.setdefault(step.actor.pk, []).append(step)
    for record, changes in deltas:
        hidden = not secret_readable and order.is_secret
        shown = [
            (str(changed.verbose_name), str(PLACEHOLDER), str(PLACEHOLDER))
            if hidden and changed.name in SECRET_FIELDS else
            (str(changed.verbose_name), _display(changed, old, names),
             _display(changed, new, names))
            for changed, old, new in changes
        ]
        step = next(
            (
                e for e in steps_by.get(record.history_user_id, ())
                if abs(e.at - record.history_date) < SAME_STEP
            ),
            None,
        )
        if step is not None:
            step.changes.extend(shown)
        else:
            entries.append(TimelineEntry(at=record.history_date, kind="change",
                                         actor=record.history_user, changes=shown,
                                         text=record.history_change_reason or ""))
    entries.sort(key=lambda entry: entry.at)
    if cutoff is not None:
        entries = [entry for entry in entries if entry.at >= cutoff]
    if recent is not None and len(entries) > recent:
        complete = False
        entries = entries[-recent:]
    return Timeline(entries=entries, complete=complete)


QUEUE_COLUMNS = ("submitted", "awaiting_supplement", "ready_for_decision", "ageing")


def queue_counts(user: User) -> dict[str, int]:
    """How many orders each queue tile stands for, in one query."""
    S = Order.Status
    ageing_before = timezone.now() - timedelta(days=settings.ORDER_AGEING_DAYS)
    # Only the queue's states are counted: the filter lets the state index find them instead
    # of the whole table being read for a few hundred rows.
    queue = [S.SUBMITTED, S.IN_PREPARATION, S.AWAITING_SUPPLEMENT, S.READY_FOR_DECISION]
    return Order.objects.visible_to(user).filter(status__in=queue).aggregate(
        submitted=Count("pk", filter=Q(status=S.SUBMITTED)),
        in_preparation=Count("pk", filter=Q(status=S.IN_PREPARATION)),
        awaiting_supplement=Count("pk", filter=Q(status=S.AWAITING_SUPPLEMENT)),
        ready_for_decision=Count("pk", filter=Q(status=S.READY_FOR_DECISION)),
        ageing=Count("pk", filter=Q(
            status__in=[S.SUBMITTED, S.IN_PREPARATION, S.AWAITING_SUPPLEMENT],
            status_changed_at__lt=ageing_before,
        )),
    )


def queue_for_ordering_function(user: User) -> dict[str, QuerySet[Order]]:
    """The ordering function's queue, one list per column of its start page."""
    base = _list_rows(Order.objects.visible_to(user))
    ageing_before = timezone.now() - timedelta(days=settings.ORDER_AGEING_DAYS)
    S = Order.Status
    return {
        "submitted": base.filter(status=S.SUBMITTED).order_by("submitted_at"),
        "in_preparation": base.filter(status=S.IN_PREPARATION).order_by("status_changed_at"),
        "awaiting_supplement": base.filter(status=S.AWAITING_SUPPLEMENT).order_by(
            "status_changed_at"
        ),
        "ready_for_decision": base.filter(status=S.READY_FOR_DECISION).order_by(
            "-priority_score"
        ),
        "ageing": base.filter(
            status__in=[S.SUBMITTED, S.IN_PREPARATION, S.AWAITING_SUPPLEMENT],
            status_changed_at__lt=ageing_before,
        ).order_by("status_changed_at"),
    }


#: The orders a handler follows on the start page, by where each stands: still in
#: preparation, prepared and waiting for a decision or a plan, or decided and being carried out.
#: Each state belongs to one group only, so no order shows under the wrong heading.
HANDLED_GROUPS: dict[str, tuple[str, ...]] = {
    "preparing": (Order.Status.SUBMITTED, Order.Status.IN_PREPARATION,
                  Order.Status.AWAITING_SUPPLEMENT),
    "deciding": (Order.Status.READY_FOR_DECISION, Order.Status.APPROVED),
    "delivering": (Order.Status.PLANNED, Order.Status.IN_PROGRESS, Order.Status.DELIVERED),
}


def handled_by(user: User, limit: int = 10) -> dict[str, list[OrderRow]]:
    """The open orders `user` handles, grouped as HANDLED_GROUPS says, the newest `limit` of
    each group, in one query: each row is numbered within its group and only the first
    `limit` of every group are read."""
    group = Case(
        *[When(status__in=states, then=Value(key)) for key, states in HANDLED_GROUPS.items()],
        output_field=CharField(),
    )
    queryset = (
        order_list(user)
        .filter(handler=user, status__in=[s for states in HANDLED_GROUPS.values() for s in states])
        .annotate(place=Window(RowNumber(), partition_by=[group],
                               order_by=[F("created_at").desc(), F("pk").desc()]))
        .filter(place__lte=limit)
    )
    group_of = {state: key for key, states in HANDLED_GROUPS.items() for state in states}
    grouped: dict[str, list[OrderRow]] = {key: [] for key in HANDLED_GROUPS}
    for row in order_rows(queryset):
        grouped[group_of[row.status]].append(row)
    return grouped
