"""Meetings: planning, members, changes and cancellation, and who may see them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from board import services
from board.models import AgendaItem, BoardSettings, Meeting
from board.services import BoardError, NotAllowed, WrongState
from organisation.models import Role
from tests.board.conftest import at
from tests.factories import make_role_user
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_the_change_manager_plans_a_meeting_with_every_member_role_called(
    chair, coordinator, it_chief
):
    architect = make_role_user(Role.Code.IT_ARCHITECT)
    deputy_chief = make_role_user(Role.Code.DEPUTY_IT_CHIEF)
    make_role_user(Role.Code.SERVICE_DESK)  # not a member role

    meeting = services.meeting_create(actor=chair, starts_at=at(2026, 3, 10, 13))

    assert meeting.chair == chair
    assert meeting.status == Meeting.Status.PLANNED
    assert meeting.ends_at == meeting.starts_at + timedelta(minutes=90)
    assert meeting.place == BoardSettings.load().default_place
    assert meeting.uid.startswith("bit-") and meeting.uid.endswith("@tyreso-it")
    roles = dict(meeting.members.values_list("person_id", "role__code"))
    assert roles == {
        chair.pk: Role.Code.CHANGE_MANAGER, coordinator.pk: Role.Code.IT_COORDINATOR,
        it_chief.pk: Role.Code.IT_CHIEF, architect.pk: Role.Code.IT_ARCHITECT,
        deputy_chief.pk: Role.Code.DEPUTY_IT_CHIEF,
    }


def test_a_person_with_two_member_roles_is_called_once(chair):
    person = make_role_user(Role.Code.IT_ARCHITECT)
    Role.objects.get(code=Role.Code.IT_OPERATIONS_MANAGER).group.user_set.add(person)

    meeting = services.meeting_create(actor=chair, starts_at=at(2026, 3, 10, 13))

    assert meeting.members.filter(person=person).count() == 1


@pytest.mark.parametrize("who", ["coordinator", "it_chief", "orderer", "outsider"])
def test_only_the_change_manager_plans_meetings(who, request):
    with pytest.raises(NotAllowed):
        services.meeting_create(actor=request.getfixturevalue(who),
                                starts_at=at(2026, 3, 10, 13))

    assert not Meeting.objects.exists()


def test_a_meeting_must_end_after_it_starts(chair):
    with pytest.raises(BoardError) as refused:
        services.meeting_create(actor=chair, starts_at=at(2026, 3, 10, 13),
                                ends_at=at(2026, 3, 10, 13))

    assert refused.value.field == "ends_at"
    assert not Meeting.objects.exists()


def test_the_chair_changes_time_and_place_and_a_stale_form_is_refused(make_meeting, chair):
    meeting = make_meeting(at(2026, 3, 10, 13))
    version = meeting.version

    services.meeting_update(meeting_id=meeting.pk, actor=chair, expected_version=version,
                            data={"place": "Stora salen"})

    with pytest.raises(WrongState, match="Ladda om sidan"):
        services.meeting_update(meeting_id=meeting.pk, actor=chair, expected_version=version,
                                data={"place": "Lilla salen"})
    with pytest.raises(BoardError):
        services.meeting_update(meeting_id=meeting.pk, actor=chair,
                                expected_version=version + 1,
                                data={"ends_at": at(2026, 3, 10, 12)})
    assert Meeting.objects.get(pk=meeting.pk).place == "Stora salen"


def test_only_the_chair_changes_or_cancels_a_meeting(make_meeting, coordinator):
    meeting = make_meeting(at(2026, 3, 10, 13))

    with pytest.raises(NotAllowed):
        services.meeting_update(meeting_id=meeting.pk, actor=coordinator,
                                expected_version=meeting.version, data={"place": "X"})
    with pytest.raises(NotAllowed):
        services.meeting_cancel(meeting_id=meeting.pk, actor=coordinator, reason="X")
    with pytest.raises(NotAllowed):
        services.meeting_set_members(meeting_id=meeting.pk, actor=coordinator, members=[])

    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED


def test_cancelling_needs_a_reason_and_sends_the_orders_to_the_next_meeting(
    make_meeting, ready_order, chair
):
    order = ready_order()
    meeting = make_meeting(at(2026, 3, 10, 13))
    services.agenda_build(meeting_id=meeting.pk)

    with pytest.raises(BoardError):
        services.meeting_cancel(meeting_id=meeting.pk, actor=chair, reason=" ")
    services.meeting_cancel(meeting_id=meeting.pk, actor=chair, reason="Få ärenden.")

    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancelled_reason) == (Meeting.Status.CANCELLED,
                                                          "Få ärenden.")
    assert not meeting.items.exists()
    following = make_meeting(at(2026, 3, 24, 13))
    services.agenda_build(meeting_id=following.pk)
    assert following.items.filter(order=order, kind=AgendaItem.Kind.ORDER).exists()
    with pytest.raises(WrongState):
        services.meeting_cancel(meeting_id=meeting.pk, actor=chair, reason="Igen.")


def test_a_held_meeting_cannot_be_cancelled(sent_meeting, meet, ready_order, chair):
    order = ready_order()
    meeting = meet(sent_meeting())
    services.item_record_decision(item_id=meeting.items.get(order=order).pk, actor=chair,
                                  outcome="approve")

    with pytest.raises(WrongState):
        services.meeting_cancel(meeting_id=meeting.pk, actor=chair, reason="För sent.")


def test_the_chair_replaces_the_members_with_a_deputy_who_can_adjust(
    sent_meeting, ready_order, chair, coordinator, it_chief, decide
):
    ready_order()
    deputy = make_role_user(Role.Code.DEPUTY_IT_CHIEF)
    meeting = sent_meeting()

    services.meeting_set_members(
        meeting_id=meeting.pk, actor=chair,
        members=[(chair, None, None), (coordinator, None, None),
                 (deputy, Role.objects.get(code=Role.Code.DEPUTY_IT_CHIEF), it_chief)],
    )

    members = {m.person_id: m for m in meeting.members.all()}
    assert set(members) == {chair.pk, coordinator.pk, deputy.pk}
    assert members[deputy.pk].deputy_for == it_chief
    decide(meeting, adjuster=deputy)
    services.minutes_sign(meeting_id=meeting.pk, actor=deputy)
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.ADJUSTED


def test_members_and_those_who_see_every_order_see_the_meetings(
    make_meeting, chair, coordinator, it_chief, orderer, outsider
):
    meeting = make_meeting(at(2026, 3, 10, 13))

    assert list(services.board_visible_meetings(chair)) == [meeting]
    assert list(services.board_visible_meetings(it_chief)) == [meeting]
    assert list(services.board_visible_meetings(coordinator)) == [meeting]
    assert list(services.board_visible_meetings(orderer)) == []
    assert list(services.board_visible_meetings(outsider)) == []


def test_the_board_settings_are_one_row_with_defaults(db):
    board = BoardSettings.load()

    assert BoardSettings.load().pk == board.pk == 1
    assert (board.cutoff_hours, board.member_reminder_hours, board.minutes_due_days) == (
        72, 24, 7)
    assert BoardSettings.objects.count() == 1


def test_the_cut_off_follows_the_setting(make_meeting):
    meeting = make_meeting(at(2026, 3, 10, 13))
    board = BoardSettings.load()
    board.cutoff_hours = 24

    assert meeting.cutoff_at(board) == at(2026, 3, 9, 13)


def test_a_member_added_after_the_agenda_was_sent_gets_the_invitation_once(
    sent_meeting, chair, coordinator, it_chief
):
    meeting = sent_meeting()
    deputy = make_role_user(Role.Code.DEPUTY_IT_CHIEF)
    invitations = OutboxMessage.objects.filter(dedupe_key__startswith="reminder:agenda:")
    assert invitations.count() == 3

    for _ in range(2):
        services.meeting_set_members(
            meeting_id=meeting.pk, actor=chair,
            members=[(chair, None, None), (coordinator, None, None), (deputy, None, it_chief)],
        )

    assert invitations.count() == 4
    [message] = invitations.filter(recipients=[deputy.email])
    assert message.attachments[0]["mimetype"] == "text/calendar; method=REQUEST"
