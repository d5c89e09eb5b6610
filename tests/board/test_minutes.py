"""Minutes: attendance, decisions, justering by the chair and the adjuster, expediering.

Only when both have signed are the decisions applied to their orders, all in one
transaction: if one cannot be applied none is, and the chair is told which. Adjusted
minutes are numbered (BIT 2026:1, paragraphs §1 …) and never change again; a correction is
a new record linked to them.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from board import services
from board.models import AgendaItem, Meeting, MinutesCorrection, MinutesCounter, Reminder
from board.services import BoardError, MinutesNotApplied, NotAllowed, WrongState
from orders import services as order_services
from orders.models import Order, OrderEvent
from orders.services import OrderError
from tests.board.conftest import at
from tests.concurrency import as_user, run_together
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

S = Order.Status
M = Meeting.Status


def sign_both(meeting: Meeting, chair, adjuster) -> Meeting:
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    services.minutes_sign(meeting_id=meeting.pk, actor=adjuster)
    return Meeting.objects.get(pk=meeting.pk)


def expeditions() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(dedupe_key__startswith="reminder:expedition:"))


def board_events() -> list[tuple[int, str]]:
    return sorted(
        OrderEvent.objects.filter(action__startswith="board_").values_list("order_id", "action")
    )


def snapshot(meeting: Meeting):
    """Everything the minutes consist of, to compare before and after a refused write."""
    meeting = Meeting.objects.get(pk=meeting.pk)
    fields = ("status", "starts_at", "ends_at", "place", "video_link", "adjuster_id",
              "number", "year", "chair_signed_at", "adjuster_signed_at", "adjusted_at",
              "sequence", "version", "agenda_frozen_at")
    return (
        {f: getattr(meeting, f) for f in fields},
        list(meeting.items.order_by("pk").values()),
        list(meeting.members.order_by("pk").values()),
        meeting.history.count(),
    )


@pytest.fixture
def held(sent_meeting, ready_order, decide, coordinator):
    """A meeting with three orders (approve, reject, return) and the portfolio status, all
    decided, everyone present, the coordinator adjuster; not yet signed."""

    def make(starts_at=None):
        approve, reject, back = ready_order(5), ready_order(3), ready_order(1)
        meeting = sent_meeting(starts_at)
        meeting = decide(meeting, {
            reject: ("reject", "Ryms inte i budgeten."),
            back: ("return", "Komplettera med en riskanalys."),
        }, adjuster=coordinator)
        return meeting, (approve, reject, back)

    return make


# --- attendance and the adjuster ------------------------------------------------------------


def test_the_chair_records_who_was_present(sent_meeting, meet, chair, coordinator, it_chief):
    meeting = meet(sent_meeting())
    member = {m.person_id: m.pk for m in meeting.members.all()}

    services.meeting_record_attendance(
        meeting_id=meeting.pk, actor=chair,
        present={member[chair.pk]: True, member[coordinator.pk]: True,
                 member[it_chief.pk]: False},
    )

    assert dict(meeting.members.values_list("person_id", "attended")) == {
        chair.pk: True, coordinator.pk: True, it_chief.pk: False,
    }


def test_the_adjuster_is_a_member_present_at_the_meeting_other_than_the_chair(
    sent_meeting, meet, chair, coordinator, it_chief, outsider
):
    meeting = meet(sent_meeting())
    member = {m.person_id: m.pk for m in meeting.members.all()}
    services.meeting_record_attendance(
        meeting_id=meeting.pk, actor=chair,
        present={member[chair.pk]: True, member[coordinator.pk]: True,
                 member[it_chief.pk]: False},
    )

    for person, message in [(chair, "kan inte vara ordförande"), (it_chief, "närvarande"),
                            (outsider, "närvarande")]:
        with pytest.raises(BoardError, match=message):
            services.meeting_set_adjuster(meeting_id=meeting.pk, actor=chair, adjuster=person)
    assert Meeting.objects.get(pk=meeting.pk).adjuster is None

    services.meeting_set_adjuster(meeting_id=meeting.pk, actor=chair, adjuster=coordinator)
    assert Meeting.objects.get(pk=meeting.pk).adjuster == coordinator


def test_an_adjuster_recorded_as_absent_afterwards_cannot_sign(
    held, chair, coordinator
):
    meeting, _orders = held()
    adjuster_member = meeting.members.get(person=coordinator)
    services.meeting_record_attendance(meeting_id=meeting.pk, actor=chair,
                                       present={adjuster_member.pk: False})

    with pytest.raises(WrongState, match="en justerare som är närvarande"):
        services.minutes_sign(meeting_id=meeting.pk, actor=coordinator)


# --- decisions --------------------------------------------------------------------------------


def test_a_rejection_needs_a_reason_and_so_does_a_return(sent_meeting, meet, ready_order,
                                                         chair):
    order = ready_order()
    meeting = meet(sent_meeting())
    item = meeting.items.get(order=order)

    for outcome in ("reject", "return"):
        with pytest.raises(BoardError) as refused:
            services.item_record_decision(item_id=item.pk, actor=chair, outcome=outcome,
                                          reason="  ")
        assert refused.value.field == "reason"
    assert AgendaItem.objects.get(pk=item.pk).outcome == ""

    services.item_record_decision(item_id=item.pk, actor=chair, outcome="reject",
                                  reason="För dyrt.", note="Kan tas upp igen nästa år.")
    item.refresh_from_db()
    assert (item.outcome, item.decision_reason, item.decision_note) == (
        "reject", "För dyrt.", "Kan tas upp igen nästa år.")
    assert Meeting.objects.get(pk=meeting.pk).status == M.HELD


def test_an_order_item_needs_a_decision_and_other_items_can_only_be_noted(
    sent_meeting, meet, ready_order, chair
):
    order = ready_order()
    meeting = meet(sent_meeting())
    order_item = meeting.items.get(order=order)
    portfolio = meeting.items.get(kind=AgendaItem.Kind.PORTFOLIO)

    with pytest.raises(BoardError, match="Välj ett beslut"):
        services.item_record_decision(item_id=order_item.pk, actor=chair, outcome="noted")
    for outcome in ("approve", "reject", "defer", "return"):
        with pytest.raises(BoardError, match="kan bara läggas till handlingarna"):
            services.item_record_decision(item_id=portfolio.pk, actor=chair, outcome=outcome,
                                          reason="Skäl")

    services.item_record_decision(item_id=portfolio.pk, actor=chair, outcome="noted")
    assert AgendaItem.objects.get(pk=portfolio.pk).outcome == "noted"


def test_decisions_wait_until_the_meeting_starts(sent_meeting, ready_order, chair, clock):
    order = ready_order()
    meeting = sent_meeting(at(2026, 3, 10, 13))
    item = meeting.items.get(order=order)
    before = snapshot(meeting)

    for now in (at(2026, 3, 9, 13), at(2026, 3, 10, 12, 59)):
        clock.set(now)
        with pytest.raises(WrongState, match="Protokollet öppnas när mötet börjar, tisdag 10 "
                                             "mars 2026 kl. 13:00"):
            services.item_record_decision(item_id=item.pk, actor=chair, outcome="approve")
    assert snapshot(meeting) == before

    clock.set(at(2026, 3, 10, 13))
    services.item_record_decision(item_id=item.pk, actor=chair, outcome="approve")
    assert AgendaItem.objects.get(pk=item.pk).outcome == "approve"
    assert Meeting.objects.get(pk=meeting.pk).status == M.HELD


@pytest.mark.parametrize("who", ["coordinator", "it_chief", "orderer"])
def test_only_the_chair_records_the_minutes(who, request, sent_meeting, meet, ready_order):
    person = request.getfixturevalue(who)
    order = ready_order()
    meeting = meet(sent_meeting())
    before = snapshot(meeting)

    with pytest.raises(NotAllowed):
        services.item_record_decision(item_id=meeting.items.get(order=order).pk,
                                      actor=person, outcome="approve")
    with pytest.raises(NotAllowed):
        services.meeting_record_attendance(meeting_id=meeting.pk, actor=person,
                                           present={m.pk: True for m in meeting.members.all()})
    with pytest.raises(NotAllowed):
        services.meeting_set_adjuster(meeting_id=meeting.pk, actor=person, adjuster=person)

    assert snapshot(meeting) == before


# --- signing ----------------------------------------------------------------------------------


def test_signing_is_refused_while_something_is_missing_and_the_message_lists_it(
    sent_meeting, meet, ready_order, chair
):
    ready_order()
    meeting = meet(sent_meeting())

    with pytest.raises(WrongState) as refused:
        services.minutes_sign(meeting_id=meeting.pk, actor=chair)

    message = refused.value.message
    assert "en justerare" in message
    assert "närvaro" in message
    assert "beslut för punkt 1, 2" in message
    assert Meeting.objects.get(pk=meeting.pk).chair_signed_at is None


def test_minutes_are_not_signed_before_the_meeting_starts(make_meeting, chair):
    meeting = make_meeting(at(2026, 3, 10, 13))

    with pytest.raises(WrongState, match="Protokollet öppnas när mötet börjar"):
        services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    assert Meeting.objects.get(pk=meeting.pk).chair_signed_at is None


def test_only_the_chair_and_the_adjuster_sign(held, it_chief, orderer):
    meeting, _orders = held()

    for person in (it_chief, orderer):
        with pytest.raises(NotAllowed):
            services.minutes_sign(meeting_id=meeting.pk, actor=person)


def test_one_signature_does_not_adjust_the_minutes(held, chair):
    meeting, (approve, _reject, _back) = held()

    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)

    meeting.refresh_from_db()
    assert meeting.chair_signed_at is not None
    assert (meeting.adjuster_signed_at, meeting.status, meeting.number) == (None, M.HELD, None)
    assert Order.objects.get(pk=approve.pk).status == S.READY_FOR_DECISION
    assert board_events() == []


def test_both_signatures_adjust_the_minutes_and_apply_every_decision(
    held, chair, coordinator
):
    meeting, (approve, reject, back) = held()
    services.minutes_sign(meeting_id=meeting.pk, actor=coordinator)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.status == M.HELD

    services.minutes_sign(meeting_id=meeting.pk, actor=chair)

    meeting.refresh_from_db()
    assert meeting.status == M.ADJUSTED
    assert (meeting.year, meeting.number, meeting.title) == (2026, 1, "BIT 2026:1")
    assert meeting.adjusted_at is not None
    assert list(meeting.items.order_by("position").values_list("paragraph", "kind")) == [
        (1, "order"), (2, "order"), (3, "order"), (4, "portfolio"),
    ]
    orders = {o.pk: o for o in Order.objects.filter(pk__in=[approve.pk, reject.pk, back.pk])}
    assert orders[approve.pk].status == S.APPROVED
    assert orders[approve.pk].decided_at is not None
    assert orders[reject.pk].status == S.REJECTED
    assert orders[reject.pk].rejection_reason == "Ryms inte i budgeten."
    assert orders[back.pk].status == S.IN_PREPARATION
    assert "§1" in orders[approve.pk].decision_note
    assert "§3" in orders[back.pk].decision_note
    assert board_events() == sorted([
        (approve.pk, "board_approve"), (reject.pk, "board_reject"), (back.pk, "board_return"),
    ])
    event = OrderEvent.objects.get(order=back, action="board_return")
    assert (event.actor, event.reason) == (chair, "Komplettera med en riskanalys.")


def test_a_deferred_order_stays_ready_for_decision(
    sent_meeting, ready_order, decide, chair, coordinator
):
    order = ready_order()
    meeting = decide(sent_meeting(), {order: ("defer", "")}, adjuster=coordinator)

    sign_both(meeting, chair, coordinator)

    assert Order.objects.get(pk=order.pk).status == S.READY_FOR_DECISION
    assert board_events() == [(order.pk, "board_defer")]


def test_minutes_are_numbered_without_gaps_per_year_of_the_meeting(
    sent_meeting, decide, chair, coordinator
):
    numbers = []
    # New Year's Eve 23:30 UTC is already 2027 in Stockholm.
    meetings = [sent_meeting(starts_at) for starts_at in (
        at(2026, 3, 10, 13), at(2026, 3, 24, 13), at(2027, 1, 1, 0, 30), at(2026, 4, 7, 13))]
    for meeting in meetings:
        meeting = decide(meeting, adjuster=coordinator)
        numbers.append(sign_both(meeting, chair, coordinator).title)

    assert numbers == ["BIT 2026:1", "BIT 2026:2", "BIT 2027:1", "BIT 2026:3"]
    assert dict(MinutesCounter.objects.values_list("year", "last")) == {2026: 3, 2027: 1}


def test_the_decisions_are_sent_out_once_to_each_orderer_and_department_it_lead(
    held, chair, coordinator, it_lead, orderer
):
    meeting, (approve, reject, back) = held()

    sign_both(meeting, chair, coordinator)

    messages = expeditions()
    sent = sorted((m.recipients[0], m.subject.split(":")[0]) for m in messages)
    references = [approve.reference, reject.reference, back.reference]
    assert len(messages) == 6
    for reference in references:
        on_order = [m for m in messages if reference in m.subject]
        assert sorted(m.recipients[0] for m in on_order) == sorted([orderer.email,
                                                                    it_lead.email])
    assert all("BIT 2026:1" in m.body for m in messages)
    assert sent == sorted(set(sent))
    assert Reminder.objects.filter(kind=Reminder.Kind.EXPEDITION, meeting=meeting).count() == 6


def test_an_orderer_of_a_department_without_an_it_lead_gets_the_decision_alone(
    sent_meeting, ready_order, decide, chair, coordinator, other_orderer
):
    order = ready_order(orderer=other_orderer)
    meeting = decide(sent_meeting(), adjuster=coordinator)

    sign_both(meeting, chair, coordinator)

    [message] = expeditions()
    assert message.recipients == [other_orderer.email]
    assert order.reference in message.subject


# --- all or none ------------------------------------------------------------------------------


def assert_nothing_applied(meeting: Meeting) -> None:
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.status == M.HELD
    assert (meeting.number, meeting.year, meeting.adjusted_at) == (None, None, None)
    # The chair's earlier signature stands; the failed one was not recorded.
    assert meeting.chair_signed_at is not None
    assert meeting.adjuster_signed_at is None
    assert not meeting.items.filter(paragraph__isnull=False).exists()
    assert not MinutesCounter.objects.filter(last__gt=0).exists()
    assert board_events() == []
    assert expeditions() == []


def test_a_withdrawn_order_stops_the_justering_and_no_decision_is_applied(
    held, chair, coordinator, orderer
):
    meeting, (approve, reject, back) = held()
    order_services.order_withdraw(order_id=reject.pk, actor=orderer, reason="Inte längre.")
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)

    with pytest.raises(MinutesNotApplied) as refused:
        services.minutes_sign(meeting_id=meeting.pk, actor=coordinator)

    item = meeting.items.get(order=reject)
    assert refused.value.item == item
    assert f"§2 {item.title} kunde inte genomföras" in refused.value.message
    assert "Inget beslut har genomförts" in refused.value.message
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {approve.pk: S.READY_FOR_DECISION, reject.pk: S.WITHDRAWN,
                        back.pk: S.READY_FOR_DECISION}
    assert_nothing_applied(meeting)


def test_an_error_applying_the_last_decision_undoes_the_ones_before(
    held, chair, coordinator, monkeypatch
):
    meeting, (approve, reject, back) = held()
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    # Justering applies the decisions through the minutes' module.
    real_apply = services.minutes.order_apply_board_decision

    def apply(*, order_id, **kwargs):
        if order_id == back.pk:
            raise OrderError("Beställningen är låst.")
        return real_apply(order_id=order_id, **kwargs)

    monkeypatch.setattr(services.minutes, "order_apply_board_decision", apply)

    with pytest.raises(MinutesNotApplied) as refused:
        services.minutes_sign(meeting_id=meeting.pk, actor=coordinator)

    assert refused.value.item.order_id == back.pk
    assert "Beställningen är låst." in refused.value.message
    assert set(Order.objects.values_list("status", flat=True)) == {S.READY_FOR_DECISION}
    assert_nothing_applied(meeting)


def test_after_a_failed_justering_the_withdrawn_order_is_noted_and_the_minutes_adjusted(
    held, chair, coordinator, orderer
):
    meeting, (approve, reject, back) = held()
    order_services.order_withdraw(order_id=reject.pk, actor=orderer, reason="Inte längre.")
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    with pytest.raises(MinutesNotApplied):
        services.minutes_sign(meeting_id=meeting.pk, actor=coordinator)
    item = meeting.items.get(order=reject)

    with pytest.raises(BoardError, match="kan bara läggas till handlingarna"):
        services.item_record_decision(item_id=item.pk, actor=chair, outcome="approve")
    services.item_record_decision(item_id=item.pk, actor=chair, outcome="noted",
                                  note="Återkallad av beställaren.")
    meeting = sign_both(meeting, chair, coordinator)

    assert meeting.title == "BIT 2026:1"
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {approve.pk: S.APPROVED, reject.pk: S.WITHDRAWN,
                        back.pk: S.IN_PREPARATION}
    assert [m for m in expeditions() if reject.reference in m.subject] == []


# --- changes void signatures; adjusted minutes never change ----------------------------------


def test_changing_a_decision_after_one_signature_clears_the_signatures(
    held, chair, coordinator
):
    meeting, (approve, _reject, _back) = held()
    services.minutes_sign(meeting_id=meeting.pk, actor=coordinator)

    services.item_record_decision(item_id=meeting.items.get(order=approve).pk, actor=chair,
                                  outcome="defer")

    meeting.refresh_from_db()
    assert (meeting.chair_signed_at, meeting.adjuster_signed_at) == (None, None)
    # So the chair's signature alone does not adjust the changed minutes.
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    assert Meeting.objects.get(pk=meeting.pk).status == M.HELD


def test_changing_attendance_or_the_adjuster_after_a_signature_clears_it(
    held, chair, coordinator, it_chief
):
    meeting, _orders = held()
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    services.meeting_record_attendance(
        meeting_id=meeting.pk, actor=chair,
        present={meeting.members.get(person=it_chief).pk: False},
    )
    assert Meeting.objects.get(pk=meeting.pk).chair_signed_at is None

    services.minutes_sign(meeting_id=meeting.pk, actor=coordinator)
    services.meeting_record_attendance(
        meeting_id=meeting.pk, actor=chair,
        present={meeting.members.get(person=it_chief).pk: True},
    )
    services.meeting_set_adjuster(meeting_id=meeting.pk, actor=chair, adjuster=it_chief)
    meeting.refresh_from_db()
    assert (meeting.chair_signed_at, meeting.adjuster_signed_at) == (None, None)


@pytest.fixture
def adjusted(sent_meeting, ready_order, decide, chair, coordinator):
    """Adjusted minutes of a meeting that approved one order."""
    order = ready_order()
    meeting = decide(sent_meeting(), adjuster=coordinator)
    return sign_both(meeting, chair, coordinator), order


WRITES = {
    "meeting_update": lambda m, chair, person, order: services.meeting_update(
        meeting_id=m.pk, actor=chair, data={"place": "Annat rum"}, expected_version=m.version),
    "meeting_cancel": lambda m, chair, person, order: services.meeting_cancel(
        meeting_id=m.pk, actor=chair, reason="Fel"),
    "meeting_set_members": lambda m, chair, person, order: services.meeting_set_members(
        meeting_id=m.pk, actor=chair, members=[(chair, None, None)]),
    "meeting_record_attendance": lambda m, chair, person, order: (
        services.meeting_record_attendance(
            meeting_id=m.pk, actor=chair, present={x.pk: False for x in m.members.all()})),
    "meeting_set_adjuster": lambda m, chair, person, order: services.meeting_set_adjuster(
        meeting_id=m.pk, actor=chair, adjuster=person),
    "item_record_decision": lambda m, chair, person, order: services.item_record_decision(
        item_id=m.items.get(order=order).pk, actor=chair, outcome="defer"),
    "agenda_add_item": lambda m, chair, person, order: services.agenda_add_item(
        meeting_id=m.pk, actor=chair, title="Tillägg"),
    "agenda_remove_item": lambda m, chair, person, order: services.agenda_remove_item(
        item_id=m.items.get(order=order).pk, actor=chair),
    "agenda_move_item": lambda m, chair, person, order: services.agenda_move_item(
        item_id=m.items.get(order=order).pk, actor=chair, offset=1),
    "agenda_update_item": lambda m, chair, person, order: services.agenda_update_item(
        item_id=m.items.get(order=order).pk, actor=chair, time_minutes=5, note="Ändrad"),
    "minutes_sign (chair)": lambda m, chair, person, order: services.minutes_sign(
        meeting_id=m.pk, actor=chair),
    "minutes_sign (adjuster)": lambda m, chair, person, order: services.minutes_sign(
        meeting_id=m.pk, actor=m.adjuster),
}


@pytest.mark.parametrize("write", WRITES)
def test_adjusted_minutes_cannot_be_changed(write, adjusted, chair, it_chief):
    meeting, approve = adjusted
    before = snapshot(meeting)
    statuses = dict(Order.objects.values_list("pk", "status"))
    messages = OutboxMessage.objects.count()

    with pytest.raises(WrongState):
        WRITES[write](Meeting.objects.get(pk=meeting.pk), chair, it_chief, approve)

    assert snapshot(meeting) == before
    assert dict(Order.objects.values_list("pk", "status")) == statuses
    assert OutboxMessage.objects.count() == messages


def test_the_agenda_scanner_leaves_adjusted_minutes_alone(adjusted, ready_order, chair):
    meeting, _order = adjusted
    ready_order()
    before = snapshot(meeting)

    assert services.agenda_build(meeting_id=meeting.pk) is False
    assert services.agenda_freeze_and_send(meeting_id=meeting.pk) is False
    assert services.agenda_freeze_and_send(meeting_id=meeting.pk, actor=chair) is False

    assert snapshot(meeting) == before


def test_a_correction_is_a_linked_record_and_changes_nothing_else(adjusted, chair):
    meeting, _order = adjusted
    before = snapshot(meeting)

    correction = services.minutes_correct(
        meeting_id=meeting.pk, actor=chair, paragraph=2,
        text="  Beloppet i § 2 ska vara 48 000 kr.  ",
    )

    assert MinutesCorrection.objects.get() == correction
    assert (correction.meeting, correction.paragraph, correction.text, correction.created_by) == (
        meeting, 2, "Beloppet i § 2 ska vara 48 000 kr.", chair)
    assert list(meeting.corrections.all()) == [correction]
    assert snapshot(meeting) == before


def test_only_the_chair_corrects_only_adjusted_minutes_and_only_with_a_text(
    held, adjusted, chair, coordinator
):
    meeting, _order = adjusted
    draft, _ = held(at(2026, 4, 7, 13))

    with pytest.raises(NotAllowed):
        services.minutes_correct(meeting_id=meeting.pk, actor=coordinator, text="Rättelse")
    with pytest.raises(WrongState):
        services.minutes_correct(meeting_id=draft.pk, actor=chair, text="Rättelse")
    with pytest.raises(BoardError):
        services.minutes_correct(meeting_id=meeting.pk, actor=chair, text="  ")
    assert not MinutesCorrection.objects.exists()


# --- two justeringar at once ------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_minutes_adjusted_at_the_same_moment_get_consecutive_numbers(
    sent_meeting, decide, chair, coordinator
):
    meetings = [sent_meeting(at(2026, 3, day, 13)) for day in (3, 10, 17, 24)]
    for meeting in meetings:
        decide(meeting, adjuster=coordinator)
        services.minutes_sign(meeting_id=meeting.pk, actor=chair)

    results = run_together(
        len(meetings),
        lambda i: services.minutes_sign(meeting_id=meetings[i].pk,
                                        actor=as_user(coordinator)).number,
    )

    assert sorted(results) == [1, 2, 3, 4], results
    assert MinutesCounter.objects.get(year=2026).last == 4
    assert set(Meeting.objects.values_list("status", flat=True)) == {M.ADJUSTED}


def test_signing_times_are_recorded(held, chair, coordinator):
    meeting, _orders = held()
    before = timezone.now()

    meeting = sign_both(meeting, chair, coordinator)

    assert before <= meeting.chair_signed_at <= meeting.adjuster_signed_at
    assert meeting.adjuster_signed_at <= meeting.adjusted_at


def test_changing_the_members_after_a_signature_clears_it(held, chair, coordinator, it_chief):
    meeting, _orders = held()
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)

    services.meeting_set_members(meeting_id=meeting.pk, actor=chair,
                                 members=[(chair, None, None), (coordinator, None, None)])

    assert Meeting.objects.get(pk=meeting.pk).chair_signed_at is None



def test_changing_an_items_note_voids_the_signatures(held, chair):
    meeting, _orders = held()
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    item = meeting.items.order_by("position").first()

    services.agenda_update_item(item_id=item.pk, actor=chair, time_minutes=item.time_minutes,
                                note="Ordföranden lade till en anteckning.")

    meeting.refresh_from_db()
    assert (meeting.chair_signed_at, meeting.adjuster_signed_at) == (None, None)


def test_moving_the_meeting_voids_the_signatures(held, chair):
    meeting, _orders = held()
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    meeting.refresh_from_db()

    services.meeting_update(
        meeting_id=meeting.pk, actor=chair, expected_version=meeting.version,
        data={"place": "Sammanträdesrum Tyresö slott"},
    )

    meeting.refresh_from_db()
    assert meeting.chair_signed_at is None


def test_the_orderer_hears_of_a_board_decision_once(held, chair, members):
    from tyreso_it.core.models import OutboxMessage

    meeting, (approve, _reject, _back) = held()
    adjuster = Meeting.objects.get(pk=meeting.pk).adjuster
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    services.minutes_sign(meeting_id=meeting.pk, actor=adjuster)

    orderer_email = Order.objects.get(pk=approve.pk).orderer.email
    about_it = [m for m in OutboxMessage.objects.exclude(pk__in=before)
                if orderer_email in m.recipients and approve.reference in m.subject]
    assert len(about_it) == 1
