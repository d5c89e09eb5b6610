"""The agenda: built from the orders ready for decision, frozen at the cut-off, sent once.

Orders ready for decision come first (deferred ones before the rest, then by priority
score), then delegated decisions for information, then the portfolio status. Building again
changes nothing; after the cut-off the agenda is frozen and only the chair's late items are
added to it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from board import services
from board import tasks as board_tasks
from board.models import AgendaItem, Meeting, Reminder
from board.reminders import agendas_scan
from board.services import NotAllowed, WrongState
from orders import services as order_services
from orders.models import Order
from tests.board.conftest import at
from tests.concurrency import run_together
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

K = AgendaItem.Kind


def agenda(meeting: Meeting) -> list[tuple[str, int | None]]:
    """(kind, order id) of each item in agenda order; positions are 1…n."""
    items = list(meeting.items.order_by("position"))
    assert [item.position for item in items] == list(range(1, len(items) + 1))
    return [(item.kind, item.order_id) for item in items]


def history_rows(meeting: Meeting) -> int:
    return meeting.history.count() + AgendaItem.history.filter(meeting_id=meeting.pk).count()


def invitations() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(dedupe_key__startswith="reminder:agenda:"))


# --- building -------------------------------------------------------------------------------


def test_the_agenda_lists_orders_by_priority_then_delegations_then_portfolio_status(
    make_meeting, ready_order, delegated_order
):
    low, high, middle = ready_order(1), ready_order(5), ready_order(3)
    delegated = delegated_order(title="Ny skrivare")
    meeting = make_meeting(at(2026, 3, 10, 13))

    assert services.agenda_build(meeting_id=meeting.pk) is True

    assert agenda(meeting) == [
        (K.ORDER, high.pk), (K.ORDER, middle.pk), (K.ORDER, low.pk),
        (K.DELEGATION, delegated.pk), (K.PORTFOLIO, None),
    ]
    item = meeting.items.get(order=high)
    assert item.title == f"{high.reference} {high.title} (BUF)"
    assert not item.is_late and not item.is_deferred
    delegation = meeting.items.get(kind=K.DELEGATION)
    assert "Ny skrivare" in delegation.title
    assert delegation.note == "Under beloppsgränsen."
    assert Meeting.objects.get(pk=meeting.pk).agenda_built_at is not None


def test_orders_not_ready_for_decision_are_not_on_the_agenda(make_meeting, make_order):
    for state in ("submitted", "in_preparation", "awaiting_supplement", "approved"):
        make_order(state)
    meeting = make_meeting(at(2026, 3, 10, 13))

    services.agenda_build(meeting_id=meeting.pk)

    assert agenda(meeting) == [(K.PORTFOLIO, None)]


def test_an_order_deferred_at_an_earlier_meeting_comes_first(
    sent_meeting, make_meeting, ready_order, decide, chair, coordinator
):
    deferred, other = ready_order(1), ready_order(2)
    earlier = sent_meeting(at(2026, 3, 10, 13))
    decide(earlier, {deferred: ("defer", "Invänta budgeten.")}, adjuster=coordinator)
    services.minutes_sign(meeting_id=earlier.pk, actor=chair)
    services.minutes_sign(meeting_id=earlier.pk, actor=coordinator)
    assert Order.objects.get(pk=deferred.pk).status == Order.Status.READY_FOR_DECISION
    high = ready_order(5)
    later = make_meeting(at(2026, 3, 24, 13))

    services.agenda_build(meeting_id=later.pk)

    assert agenda(later)[:2] == [(K.ORDER, deferred.pk), (K.ORDER, high.pk)]
    assert later.items.get(order=deferred).is_deferred
    assert not later.items.filter(order=other).exists()  # approved at the earlier meeting
    assert not later.items.get(order=high).is_deferred


def test_building_twice_changes_nothing(make_meeting, ready_order, delegated_order):
    ready_order(2), ready_order(4)
    delegated_order()
    meeting = make_meeting(at(2026, 3, 10, 13))
    services.agenda_build(meeting_id=meeting.pk)
    items = list(meeting.items.values_list("pk", "kind", "order_id", "position"))
    built_at = Meeting.objects.get(pk=meeting.pk).agenda_built_at
    rows = history_rows(meeting)

    assert services.agenda_build(meeting_id=meeting.pk) is False

    assert list(meeting.items.values_list("pk", "kind", "order_id", "position")) == items
    assert Meeting.objects.get(pk=meeting.pk).agenda_built_at == built_at
    assert history_rows(meeting) == rows


def test_an_order_on_another_open_agenda_is_not_added(make_meeting, ready_order):
    order = ready_order()
    first = make_meeting(at(2026, 3, 10, 13))
    second = make_meeting(at(2026, 3, 24, 13))
    services.agenda_build(meeting_id=first.pk)

    services.agenda_build(meeting_id=second.pk)

    assert agenda(first) == [(K.ORDER, order.pk), (K.PORTFOLIO, None)]
    assert agenda(second) == [(K.PORTFOLIO, None)]


def test_an_order_withdrawn_meanwhile_leaves_the_agenda_at_the_next_build(
    make_meeting, ready_order, orderer
):
    stays, goes = ready_order(), ready_order()
    meeting = make_meeting(at(2026, 3, 10, 13))
    services.agenda_build(meeting_id=meeting.pk)

    order_services.order_withdraw(order_id=goes.pk, actor=orderer, reason="Behovet är borta.")
    assert services.agenda_build(meeting_id=meeting.pk) is True

    assert agenda(meeting) == [(K.ORDER, stays.pk), (K.PORTFOLIO, None)]


# --- the chair arranges the agenda before the cut-off -----------------------------------------


def test_the_chair_reorders_time_boxes_and_adds_items_and_later_builds_keep_the_order(
    make_meeting, ready_order, chair
):
    first, second = ready_order(5), ready_order(1)
    meeting = make_meeting(at(2026, 3, 10, 13))
    services.agenda_build(meeting_id=meeting.pk)
    services.agenda_move_item(item_id=meeting.items.get(order=second).pk, actor=chair, offset=-1)
    other = services.agenda_add_item(meeting_id=meeting.pk, actor=chair, title="Årsplanering",
                                     time_minutes=20)
    services.agenda_update_item(item_id=meeting.items.get(order=first).pk, actor=chair,
                                time_minutes=15, note="Ta upp kostnaden.")
    late_comer = ready_order(5)

    services.agenda_build(meeting_id=meeting.pk)

    assert agenda(meeting) == [
        (K.ORDER, second.pk), (K.ORDER, first.pk), (K.PORTFOLIO, None), (K.OTHER, None),
        (K.ORDER, late_comer.pk),
    ]
    assert (other.added_by_chair, other.is_late, other.time_minutes) == (True, False, 20)
    item = meeting.items.get(order=first)
    assert (item.time_minutes, item.note) == (15, "Ta upp kostnaden.")
    assert not meeting.items.get(order=late_comer).is_late


def test_an_order_the_chair_removed_is_not_put_back_by_the_next_build(
    make_meeting, ready_order, chair
):
    kept, removed = ready_order(), ready_order()
    meeting = make_meeting(at(2026, 3, 10, 13))
    services.agenda_build(meeting_id=meeting.pk)

    services.agenda_remove_item(item_id=meeting.items.get(order=removed).pk, actor=chair)
    services.agenda_build(meeting_id=meeting.pk)

    assert agenda(meeting) == [(K.ORDER, kept.pk), (K.PORTFOLIO, None)]
    # It waits for the next meeting instead.
    later = make_meeting(at(2026, 3, 24, 13))
    services.agenda_build(meeting_id=later.pk)
    assert (K.ORDER, removed.pk) in agenda(later)


def test_the_chair_can_put_a_removed_order_back(make_meeting, ready_order, chair):
    order = ready_order()
    meeting = make_meeting(at(2026, 3, 10, 13))
    services.agenda_build(meeting_id=meeting.pk)
    services.agenda_remove_item(item_id=meeting.items.get(order=order).pk, actor=chair)

    services.agenda_add_item(meeting_id=meeting.pk, actor=chair, order=order)
    services.agenda_build(meeting_id=meeting.pk)

    assert meeting.items.filter(order=order, kind=K.ORDER).count() == 1


def test_only_an_order_ready_for_decision_can_be_added(make_meeting, make_order, chair):
    meeting = make_meeting(at(2026, 3, 10, 13))

    with pytest.raises(services.BoardError, match="redo för beslut"):
        services.agenda_add_item(meeting_id=meeting.pk, actor=chair,
                                 order=make_order("in_preparation"))


@pytest.mark.parametrize("who", ["coordinator", "it_chief", "orderer"])
def test_only_the_chair_arranges_the_agenda(who, request, make_meeting, ready_order):
    person = request.getfixturevalue(who)
    order = ready_order()
    meeting = make_meeting(at(2026, 3, 10, 13))
    services.agenda_build(meeting_id=meeting.pk)
    item = meeting.items.get(order=order)
    attempts = [
        lambda: services.agenda_add_item(meeting_id=meeting.pk, actor=person, title="Övrigt"),
        lambda: services.agenda_remove_item(item_id=item.pk, actor=person),
        lambda: services.agenda_move_item(item_id=item.pk, actor=person, offset=1),
        lambda: services.agenda_update_item(item_id=item.pk, actor=person, time_minutes=5,
                                            note=""),
        lambda: services.agenda_freeze_and_send(meeting_id=meeting.pk, actor=person),
    ]
    before = agenda(meeting)

    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()

    assert agenda(meeting) == before
    assert Meeting.objects.get(pk=meeting.pk).agenda_frozen_at is None
    assert invitations() == []


# --- the cut-off --------------------------------------------------------------------------------


def test_freezing_sends_the_agenda_with_an_invitation_to_every_member_once(
    make_meeting, ready_order, members
):
    order = ready_order()
    meeting = make_meeting(at(2026, 3, 10, 13))

    assert services.agenda_freeze_and_send(meeting_id=meeting.pk) is True
    assert services.agenda_freeze_and_send(meeting_id=meeting.pk) is False

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_SENT
    assert meeting.agenda_frozen_at is not None
    assert agenda(meeting) == [(K.ORDER, order.pk), (K.PORTFOLIO, None)]
    messages = invitations()
    assert sorted(m.recipients[0] for m in messages) == sorted(p.email for p in members)
    assert all(len(m.recipients) == 1 for m in messages)
    for message in messages:
        assert order.reference in message.body
        [attachment] = message.attachments
        assert attachment["mimetype"] == "text/calendar; method=REQUEST"
        calendar = Calendar.from_ical(attachment["content"])
        assert calendar["METHOD"] == "REQUEST"
        assert str(calendar.walk("VEVENT")[0]["UID"]) == meeting.uid
    assert Reminder.objects.filter(kind=Reminder.Kind.AGENDA, meeting=meeting).count() == 3


def test_an_order_ready_after_the_freeze_goes_to_the_next_meeting(
    make_meeting, ready_order
):
    early = ready_order()
    frozen = make_meeting(at(2026, 3, 10, 13))
    services.agenda_freeze_and_send(meeting_id=frozen.pk)
    following = make_meeting(at(2026, 3, 24, 13))

    late = ready_order(5)
    assert services.agenda_build(meeting_id=frozen.pk) is False
    services.agenda_build(meeting_id=following.pk)

    assert agenda(frozen) == [(K.ORDER, early.pk), (K.PORTFOLIO, None)]
    assert agenda(following) == [(K.ORDER, late.pk), (K.PORTFOLIO, None)]


def test_the_chair_adds_an_order_ready_after_the_freeze_as_a_late_item(
    make_meeting, ready_order, chair
):
    frozen = make_meeting(at(2026, 3, 10, 13))
    services.agenda_freeze_and_send(meeting_id=frozen.pk)
    following = make_meeting(at(2026, 3, 24, 13))
    late = ready_order()
    services.agenda_build(meeting_id=following.pk)

    item = services.agenda_add_item(meeting_id=frozen.pk, actor=chair, order=late)

    assert (item.is_late, item.added_by_chair, item.kind) == (True, True, K.ORDER)
    assert agenda(frozen) == [(K.PORTFOLIO, None), (K.ORDER, late.pk)]
    # Decided at this meeting, so no longer waiting for the next one.
    assert agenda(following) == [(K.PORTFOLIO, None)]
    # A plain late item too.
    other = services.agenda_add_item(meeting_id=frozen.pk, actor=chair, title="Driftstörning")
    assert other.is_late


def test_after_the_freeze_items_cannot_be_removed_or_moved_but_late_items_can_be_added(
    sent_meeting, ready_order, chair
):
    order = ready_order()
    meeting = sent_meeting()
    item = meeting.items.get(order=order)
    before = agenda(meeting)

    with pytest.raises(WrongState):
        services.agenda_remove_item(item_id=item.pk, actor=chair)
    with pytest.raises(WrongState):
        services.agenda_move_item(item_id=item.pk, actor=chair, offset=1)
    assert agenda(meeting) == before

    late = services.agenda_add_item(meeting_id=meeting.pk, actor=chair, title="Sent ärende")
    assert late.is_late
    # A late item added by mistake can be taken off again.
    services.agenda_remove_item(item_id=late.pk, actor=chair)
    assert agenda(meeting) == before


def test_a_second_freeze_sends_nothing_more_even_after_late_items(
    sent_meeting, ready_order, chair
):
    meeting = sent_meeting()
    sent = len(invitations())
    services.agenda_add_item(meeting_id=meeting.pk, actor=chair, order=ready_order())

    assert services.agenda_freeze_and_send(meeting_id=meeting.pk, actor=chair) is False
    assert len(invitations()) == sent


# --- the scanner ----------------------------------------------------------------------------


def test_the_scanner_freezes_meetings_past_their_cut_off_and_builds_the_next_one(
    make_meeting, ready_order
):
    order = ready_order()
    now = at(2026, 3, 8, 12)
    past_cutoff = make_meeting(now + timedelta(hours=48))  # cut-off 72 h before
    next_open = make_meeting(now + timedelta(days=10))
    after_that = make_meeting(now + timedelta(days=12))
    far_away = make_meeting(now + timedelta(days=30))

    # The next open meeting gets its portfolio status item.
    assert agendas_scan(now) == {"built": 1, "frozen": 1, "held": 0}
    newly_ready = ready_order()
    assert agendas_scan(now) == {"built": 1, "frozen": 0, "held": 0}
    assert agendas_scan(now) == {"built": 0, "frozen": 0, "held": 0}

    statuses = dict(Meeting.objects.values_list("pk", "status"))
    assert statuses[past_cutoff.pk] == Meeting.Status.AGENDA_SENT
    assert agenda(past_cutoff) == [(K.ORDER, order.pk), (K.PORTFOLIO, None)]
    assert agenda(next_open) == [(K.ORDER, newly_ready.pk), (K.PORTFOLIO, None)]
    assert Meeting.objects.get(pk=next_open.pk).status == Meeting.Status.PLANNED
    for later in (after_that, far_away):
        assert not later.items.exists()
        assert Meeting.objects.get(pk=later.pk).agenda_built_at is None
    assert len(invitations()) == 3


def test_the_scanner_freezes_a_meeting_when_its_cut_off_comes(make_meeting, ready_order):
    ready_order()
    meeting = make_meeting(at(2026, 3, 10, 13))

    agendas_scan(at(2026, 3, 7, 12, 59))
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED
    assert meeting.items.exists()

    agendas_scan(at(2026, 3, 7, 13, 0))
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.AGENDA_SENT


def test_the_scanner_leaves_cancelled_meetings_alone(make_meeting, ready_order, chair):
    ready_order()
    now = at(2026, 3, 8, 12)
    cancelled = make_meeting(now + timedelta(hours=48))
    services.meeting_cancel(meeting_id=cancelled.pk, actor=chair, reason="Ingen är beslutsför.")

    agendas_scan(now)

    assert not cancelled.items.exists()
    assert Meeting.objects.get(pk=cancelled.pk).status == Meeting.Status.CANCELLED
    assert invitations() == []


# --- delegated decisions ----------------------------------------------------------------------


def test_each_delegated_decision_is_reported_at_one_meeting(
    make_meeting, delegated_order
):
    first_delegation = delegated_order()
    now = timezone.now()
    first = make_meeting(now + timedelta(days=4))
    services.agenda_freeze_and_send(meeting_id=first.pk)
    # Decided after the first meeting's agenda was sent, before it met: reported at the next.
    second_delegation = delegated_order()
    second = make_meeting(now + timedelta(days=16))

    services.agenda_build(meeting_id=second.pk)

    assert [o for k, o in agenda(first) if k == K.DELEGATION] == [first_delegation.pk]
    assert [o for k, o in agenda(second) if k == K.DELEGATION] == [second_delegation.pk]


def test_a_delegated_decision_before_the_previous_meeting_is_not_reported_again(
    make_meeting, delegated_order, sent_meeting
):
    delegated_order()
    sent_meeting(at(2026, 3, 10, 13))
    later = make_meeting(at(2026, 3, 24, 13))

    services.agenda_build(meeting_id=later.pk)

    assert not later.items.filter(kind=K.DELEGATION).exists()


def test_an_order_on_another_sent_agenda_cannot_be_added_to_a_second_one(
    sent_meeting, make_meeting, ready_order, chair
):
    order = ready_order()
    sent = sent_meeting(at(2026, 3, 10, 13))
    later = make_meeting(at(2026, 3, 24, 13))

    with pytest.raises(services.BoardError, match="redan på dagordningen"):
        services.agenda_add_item(meeting_id=later.pk, actor=chair, order=order)

    assert sent.items.filter(order=order).exists()
    assert not later.items.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agendas_built_at_the_same_time_do_not_share_an_order(make_meeting, ready_order):
    orders = {ready_order().pk for _ in range(3)}
    meetings = [make_meeting(at(2026, 3, 10, 13)).pk, make_meeting(at(2026, 3, 24, 13)).pk]

    results = run_together(2, lambda i: services.agenda_build(meeting_id=meetings[i]))

    assert results == [True, True]
    on_agendas = list(AgendaItem.objects.filter(kind=K.ORDER).values_list("order_id", flat=True))
    assert sorted(on_agendas) == sorted(orders)


def test_the_send_agenda_task_run_twice_sends_the_agenda_once(make_meeting, ready_order):
    ready_order()
    meeting = make_meeting(at(2026, 3, 10, 13))

    assert board_tasks.send_agenda(meeting.pk) is True
    assert board_tasks.send_agenda(meeting.pk) is False

    assert len(invitations()) == 3
