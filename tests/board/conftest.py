"""Fixtures for Beslutsråd IT.

Times are written as local Stockholm wall-clock times with `at(2026, 3, 10, 13)`; the
services store them in UTC, and the scanners take an explicit `now`.

The board follows the calendar (meetings are planned in the future, the minutes open at the
start), so every test here runs on a clock of its own: `clock` starts on Monday 5 January
2026 at 09:00, before every meeting the tests plan, and moves only when a test moves it.

    clock            `clock.set(at(...))` moves the application's time; `clock.now()` reads it
    meet             `meet(meeting)` moves the clock to five minutes into the meeting
    chair            the change manager (`change_manager`), who chairs every meeting here
    members          the chair, the IT coordinator (`coordinator`) and the IT chief: the people
                     holding a member role, so `meeting_create` calls exactly these three
    make_meeting     `make_meeting(at(...))` plans a meeting chaired by `chair`
    past_meeting     `past_meeting(at(...))` a meeting that was planned a month before its
                     start, which has passed (the clock goes back to where it was)
    ready_order      `ready_order(level)` an order ready for decision whose priority factors
                     are all scored `level` (0–5), so a higher level is a higher score
    sent_meeting     `sent_meeting(*orders)` a meeting whose agenda (with those orders) is
                     frozen and sent
    delegated_order  `delegated_order(**fields)` an order the change manager decided under
                     delegation (reported to the next meeting for information)
    decide           `decide(meeting, {order: ("approve", reason)}, adjuster=...)` records
                     attendance, the adjuster and a decision on every item
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from board import services
from board.calendar import STOCKHOLM
from board.models import AgendaItem, Meeting
from orders import services as order_services
from orders.models import Order
from tests.factories import COMPLETE_BRIEF, ensure_priority_model


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local time in Stockholm (CET in winter, CEST in summer)."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


class Clock:
    """The time the application reads (`django.utils.timezone.now`), set by the test.

    From the time set it runs on at the real pace, so what is written in a row keeps its
    order; every `timezone.now()`, `timezone.localdate()` and `auto_now` reads it.
    """

    def __init__(self, real) -> None:
        self._real = real
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return self._real() + self._offset

    def set(self, when: datetime) -> None:
        self._offset = when - self._real()

    def at_least(self, when: datetime) -> None:
        """Move the clock to `when` unless it is there already."""
        if self.now() < when:
            self.set(when)


#: Where the clock of every test starts: before every meeting the tests plan.
START = at(2026, 1, 5, 9)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    clock = Clock(timezone.now)
    clock.set(START)
    # A patch of its own: a test's `monkeypatch.undo()` leaves the clock in place.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", clock.now)
        yield clock


@pytest.fixture(autouse=True)
def _logins_outlast_the_clock(settings) -> None:
    """The clock here jumps weeks between requests; a login would end at the first jump
    (after an idle hour, or a working day). Sessions are not what these tests are about."""
    settings.SESSION_IDLE_SECONDS = settings.SESSION_MAX_SECONDS = 10 * 365 * 24 * 3600


@pytest.fixture
def chair(change_manager):
    return change_manager


@pytest.fixture
def members(chair, coordinator, it_chief):
    return [chair, coordinator, it_chief]


@pytest.fixture
def make_meeting(chair, members):
    def make(starts_at: datetime, **kwargs: Any) -> Meeting:
        return services.meeting_create(actor=chair, starts_at=starts_at, **kwargs)

    return make


@pytest.fixture
def ready_order(make_order, coordinator):
    """An order ready for decision, its priority factors all scored `level`."""

    def make(level: int = 3, **fields: Any) -> Order:
        ensure_priority_model()
        order = make_order("in_preparation", **fields)
        order_services.order_update_preparation(
            order_id=order.pk, actor=coordinator,
            data={**COMPLETE_BRIEF, "priority_values": dict.fromkeys(
                ["legal", "citizen_benefit", "efficiency", "risk_reduction", "strategy",
                 "cost_benefit"], level)},
            expected_version=order.version,
        )
        order_services.order_mark_ready(order_id=order.pk, actor=coordinator)
        return Order.objects.select_related("department", "orderer").get(pk=order.pk)

    return make


@pytest.fixture
def past_meeting(make_meeting, clock):
    def make(starts_at: datetime, **kwargs: Any) -> Meeting:
        now = clock.now()
        assert starts_at < now, "a past meeting starts before the clock"
        clock.set(starts_at - timedelta(days=30))
        meeting = make_meeting(starts_at, **kwargs)
        clock.set(now)
        return meeting

    return make


@pytest.fixture
def meet(clock):
    """The clock moves to the meeting (five minutes in) unless it is past that already."""

    def move(meeting: Meeting) -> Meeting:
        clock.at_least(meeting.starts_at + timedelta(minutes=5))
        return meeting

    return move


@pytest.fixture
def sent_meeting(make_meeting, chair):
    """A meeting (by default 10 March 2026, 13:00) whose agenda is frozen and sent."""

    def make(starts_at: datetime | None = None) -> Meeting:
        meeting = make_meeting(starts_at or at(2026, 3, 10, 13))
        assert services.agenda_freeze_and_send(meeting_id=meeting.pk, actor=chair)
        return Meeting.objects.get(pk=meeting.pk)

    return make


@pytest.fixture
def decide(chair, meet):
    """Record attendance (everyone present), the adjuster and the decisions of a meeting, at
    the meeting: the clock moves to its start if it is not there yet.

    `outcomes` maps an order to (outcome, reason); items without an entry are approved
    (orders) or noted (the other items).
    """

    def record(meeting: Meeting, outcomes: dict[Order, tuple[str, str]] | None = None, *,
               adjuster) -> Meeting:
        meet(meeting)
        outcomes = {order.pk: value for order, value in (outcomes or {}).items()}
        services.meeting_record_attendance(
            meeting_id=meeting.pk, actor=chair,
            present={member.pk: True for member in meeting.members.all()},
        )
        services.meeting_set_adjuster(meeting_id=meeting.pk, actor=chair, adjuster=adjuster)
        for item in meeting.items.order_by("position"):
            if item.kind == AgendaItem.Kind.ORDER:
                outcome, reason = outcomes.get(item.order_id, ("approve", ""))
            else:
                outcome, reason = "noted", ""
            services.item_record_decision(item_id=item.pk, actor=chair, outcome=outcome,
                                          reason=reason)
        return Meeting.objects.get(pk=meeting.pk)

    return record


@pytest.fixture
def delegated_order(make_order, coordinator, chair):
    """An order approved by the change manager's delegation, below the board's threshold."""

    def make(**fields) -> Order:
        order = make_order("in_preparation", **fields)
        order_services.order_update_preparation(
            order_id=order.pk, actor=coordinator, data={"estimated_cost": 20000},
            expected_version=order.version,
        )
        return order_services.order_decide_delegated(
            order_id=order.pk, actor=chair, reason="Under beloppsgränsen."
        )

    return make
