"""The order flow's transition table, enforced by the services.

Every transition is tried by the right person in the right state (it happens, and leaves an
OrderEvent, a history record and a queued notification), in every state outside its row of
the table (InvalidTransition), by every other kind of person (NotAllowed) and by the people
of another department (NotAllowed). The rules particular to single transitions follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation
from guardian.models import UserObjectPermission

from orders import services
from orders.models import Comment, Order, OrderEvent
from orders.permissions import is_provider_staff
from orders.services import (
    TRANSITIONS,
    InvalidTransition,
    NotAllowed,
    OrderError,
)
from organisation.models import OrdererRegistration
from organisation.services import provider_remove_member
from tests.factories import (
    ALL_STATES,
    COMPLETE_BRIEF,
    PRIORITY_VALUES,
    DepartmentFactory,
    OrderFactory,
    ProviderFactory,
    UserFactory,
    ensure_priority_model,
    fresh,
    make_change_manager,
    make_coordinator,
    make_it_chief,
    make_it_lead,
    make_order,
    make_orderer,
    make_outsider,
    make_provider_user,
)
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

S = Order.Status
REASON = "Så blir det bäst för verksamheten."


# --- the people around one order -------------------------------------------------------------


@pytest.fixture(scope="module")
def cast(module_transaction):
    """Everyone who might try a transition, by the name the cases below use.

    Made once for the module (the cases only use the people's rights, which no case changes);
    each test makes its own orders, undone after it.
    """
    department = DepartmentFactory(name="Kultur- och fritidsförvaltningen", short_name="KFF")
    other_department = DepartmentFactory(name="Samhällsbyggnadsförvaltningen", short_name="SBF")
    provider = ProviderFactory()
    return SimpleNamespace(
        department=department,
        orderer=make_orderer(department),
        colleague=make_orderer(department),
        it_lead=make_it_lead(department),
        coordinator=make_coordinator(),  # the handler of every order made here
        other_coordinator=make_coordinator(),
        change_manager=make_change_manager(),
        it_chief=make_it_chief(),
        provider=provider,
        provider_user=make_provider_user(provider),
        other_provider_user=make_provider_user(),
        other_orderer=make_orderer(other_department),
        other_it_lead=make_it_lead(other_department),
        outsider=make_outsider(),
    )


def order_in(state: str, cast, **fields) -> Order:
    """An order of `cast.department` in `state`, with `cast`'s people as its handler,
    decision-maker and provider."""
    return make_order(
        state,
        department=cast.department,
        orderer=cast.orderer,
        handler=cast.coordinator,
        change_manager=cast.change_manager,
        provider=cast.provider,
        provider_user=cast.provider_user,
        **fields,
    )


def complete_brief(order: Order, cast) -> Order:
    """Fill in the decision brief and the priority score, as the handler does."""
    ensure_priority_model()
    return services.order_update_preparation(
        order_id=order.pk,
        actor=cast.coordinator,
        data={**COMPLETE_BRIEF, "priority_values": dict(PRIORITY_VALUES)},
        expected_version=order.version,
    )


def perform(action: str, order: Order, actor, cast, reason: str = REASON) -> Order:
    """Call the service of `action` the way a view would."""
    today = timezone.localdate()
    match action:
        case "submit":
            return services.order_submit(order_id=order.pk, actor=actor)
        case "take_on":
            return services.order_take_on(order_id=order.pk, actor=actor)
        case "request_supplement":
            return services.order_request_supplement(
                order_id=order.pk, actor=actor, question=reason
            )
        case "supplement":
            return services.order_supplement(order_id=order.pk, actor=actor, answer=reason)
        case "mark_ready":
            return services.order_mark_ready(order_id=order.pk, actor=actor, note=reason)
        case "decide_delegated":
            return services.order_decide_delegated(order_id=order.pk, actor=actor, reason=reason)
        case "board_approve" | "board_reject" | "board_defer" | "board_return":
            return services.order_apply_board_decision(
                order_id=order.pk,
                actor=actor,
                outcome=action.removeprefix("board_"),
                reason=reason,
            )
        case "plan":
            return services.order_plan(
                order_id=order.pk,
                actor=actor,
                provider=cast.provider,
                planned_start=today,
                planned_end=today + timedelta(days=30),
                note=reason,
            )
        case "start":
            return services.order_start(order_id=order.pk, actor=actor, note=reason)
        case "deliver":
            return services.order_deliver(order_id=order.pk, actor=actor, note=reason)
        case "accept":
            return services.order_accept(order_id=order.pk, actor=actor, note=reason)
        case "report_deviation":
            return services.order_report_deviation(order_id=order.pk, actor=actor, reason=reason)
        case "withdraw":
            return services.order_withdraw(order_id=order.pk, actor=actor, reason=reason)
    raise AssertionError(f"no service for {action}")


# --- the table, as cases -------------------------------------------------------------------

ORDERER_SIDE_OUTSIDERS = ("coordinator", "change_manager", "it_chief", "provider_user",
                          "outsider")
NOT_ORDERING_FUNCTION = ("orderer", "it_lead", "it_chief", "provider_user", "outsider")
NOT_PROVIDER = ("other_provider_user", "orderer", "it_lead", "coordinator", "change_manager",
                "outsider")
BOARD_OUTSIDERS = ("coordinator", "orderer", "it_lead", "it_chief", "provider_user", "outsider")


@dataclass(frozen=True)
class Case:
    action: str
    source: str  # the state the case starts from
    actor: str  # who may do it (a name in `cast`)
    wrong_roles: tuple[str, ...]  # people of the order's world who may not
    notified: tuple[str, ...]  # who is told (by name in `cast`); the actor never is
    wrong_department: tuple[str, ...] = ("other_orderer",)
    needs_brief: bool = False
    takes_reason: bool = True  # submit and take on are done without a reason

    def __str__(self) -> str:
        return self.action


CASES = [
    Case("submit", S.DRAFT, "orderer",
         wrong_roles=("colleague", *ORDERER_SIDE_OUTSIDERS),
         notified=("coordinator", "change_manager", "it_lead"),
         wrong_department=("other_orderer", "other_it_lead"), takes_reason=False),
    Case("take_on", S.SUBMITTED, "coordinator",
         wrong_roles=NOT_ORDERING_FUNCTION,
         notified=("orderer", "it_lead"), takes_reason=False),
    Case("request_supplement", S.IN_PREPARATION, "coordinator",
         wrong_roles=("other_coordinator", "change_manager", *NOT_ORDERING_FUNCTION),
         notified=("orderer", "it_lead")),
    Case("supplement", S.AWAITING_SUPPLEMENT, "orderer",
         wrong_roles=("colleague", *ORDERER_SIDE_OUTSIDERS),
         notified=("coordinator", "it_lead"),
         wrong_department=("other_orderer", "other_it_lead")),
    Case("mark_ready", S.IN_PREPARATION, "coordinator",
         wrong_roles=("other_coordinator", "change_manager", *NOT_ORDERING_FUNCTION),
         notified=("orderer", "it_lead"),
         needs_brief=True),
    Case("decide_delegated", S.IN_PREPARATION, "change_manager",
         wrong_roles=("coordinator", *NOT_ORDERING_FUNCTION),
         notified=("orderer", "it_lead", "coordinator"),
         needs_brief=True),
    *[
        Case(f"board_{outcome}", S.READY_FOR_DECISION, "change_manager",
             wrong_roles=BOARD_OUTSIDERS,
             # The orderer's side is told by the minutes' expediering, not twice.
             notified=("coordinator",))
        for outcome in ("approve", "reject", "defer", "return")
    ],
    Case("plan", S.APPROVED, "coordinator",
         wrong_roles=NOT_ORDERING_FUNCTION,
         notified=("orderer", "it_lead", "provider", "provider_user")),
    Case("start", S.PLANNED, "provider_user",
         wrong_roles=NOT_PROVIDER,
         notified=("orderer", "it_lead", "coordinator")),
    Case("deliver", S.IN_PROGRESS, "provider_user",
         wrong_roles=NOT_PROVIDER,
         notified=("orderer", "it_lead", "coordinator")),
    Case("accept", S.DELIVERED, "orderer",
         wrong_roles=("colleague", *ORDERER_SIDE_OUTSIDERS),
         notified=("it_lead", "coordinator"),
         wrong_department=("other_orderer", "other_it_lead")),
    Case("report_deviation", S.DELIVERED, "orderer",
         wrong_roles=("colleague", *ORDERER_SIDE_OUTSIDERS),
         notified=("it_lead", "coordinator", "provider", "provider_user"),
         wrong_department=("other_orderer", "other_it_lead")),
    Case("withdraw", S.SUBMITTED, "orderer",
         wrong_roles=("colleague", *ORDERER_SIDE_OUTSIDERS),
         notified=("it_lead", "coordinator", "change_manager"),
         wrong_department=("other_orderer", "other_it_lead")),
]
CASE_BY_ACTION = {case.action: case for case in CASES}


def case_order(case: Case, cast) -> Order:
    order = order_in(case.source, cast)
    if case.needs_brief:
        order = complete_brief(order, cast)
    return order


# The table of SPEC.md ("orders: the order flow"), written out here on its own so that a change
# to the code's table shows up as a failing test: action -> (from states, to state).
BEFORE_APPROVAL = frozenset({S.DRAFT, S.SUBMITTED, S.IN_PREPARATION, S.AWAITING_SUPPLEMENT,
                             S.READY_FOR_DECISION})
SPEC_TABLE: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED),
    "take_on": (frozenset({S.SUBMITTED}), S.IN_PREPARATION),
    "request_supplement": (frozenset({S.IN_PREPARATION}), S.AWAITING_SUPPLEMENT),
    "supplement": (frozenset({S.AWAITING_SUPPLEMENT}), S.IN_PREPARATION),
    "mark_ready": (frozenset({S.IN_PREPARATION}), S.READY_FOR_DECISION),
    "decide_delegated": (frozenset({S.IN_PREPARATION}), S.APPROVED),
    "board_approve": (frozenset({S.READY_FOR_DECISION}), S.APPROVED),
    "board_reject": (frozenset({S.READY_FOR_DECISION}), S.REJECTED),
    "board_defer": (frozenset({S.READY_FOR_DECISION}), S.READY_FOR_DECISION),
    "board_return": (frozenset({S.READY_FOR_DECISION}), S.IN_PREPARATION),
    "plan": (frozenset({S.APPROVED}), S.PLANNED),
    "start": (frozenset({S.PLANNED}), S.IN_PROGRESS),
    "deliver": (frozenset({S.IN_PROGRESS}), S.DELIVERED),
    "accept": (frozenset({S.DELIVERED}), S.CLOSED),
    "report_deviation": (frozenset({S.DELIVERED}), S.IN_PROGRESS),
    "withdraw": (BEFORE_APPROVAL, S.WITHDRAWN),
}


def test_the_transition_table_is_the_one_of_the_specification():
    assert {
        action: (frozenset(t.sources), t.target) for action, t in TRANSITIONS.items()
    } == SPEC_TABLE


def test_every_transition_of_the_table_has_a_case():
    assert set(CASE_BY_ACTION) == set(TRANSITIONS)
    for case in CASES:
        assert case.source in SPEC_TABLE[case.action][0]


# --- allowed ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_transition_is_done_by_the_right_person(case, cast):
    order = case_order(case, cast)
    actor = getattr(cast, case.actor)
    version = order.version
    history_before = order.history.count()

    result = perform(case.action, order, actor, cast)

    order.refresh_from_db()
    assert result.status == order.status == SPEC_TABLE[case.action][1]
    assert order.version > version
    reason = REASON if case.takes_reason else ""
    event = order.events.get(action=case.action)
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        actor, case.source, order.status, reason,
    )
    assert order.history.count() == history_before + 1
    record = order.history.first()
    assert record.history_user == actor
    # The change reason is the person's own reason, or else the name of the transition.
    assert record.history_change_reason == (reason or str(TRANSITIONS[case.action].label))
    assert record.status == order.status


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_transition_queues_a_notification_for_those_concerned_but_not_the_actor(
    case, cast
):
    order = case_order(case, cast)
    actor = getattr(cast, case.actor)

    perform(case.action, order, actor, cast)

    event = OrderEvent.objects.get(order=order, action=case.action)
    message = OutboxMessage.objects.get(dedupe_key=f"order-event-{event.pk}")
    assert message.status == OutboxMessage.Status.PENDING
    expected = {getattr(cast, name).email for name in case.notified}
    assert expected <= set(message.recipients)
    assert actor.email not in message.recipients
    strangers = {cast.outsider.email, cast.other_orderer.email, cast.other_it_lead.email}
    assert not strangers & set(message.recipients)
    assert order.title in message.subject


# --- refused: wrong state, wrong role, wrong department ---------------------------------------


def test_every_transition_is_refused_in_every_state_outside_its_row_of_the_table(cast):
    orders = {state: order_in(state, cast) for state in ALL_STATES}
    events = OrderEvent.objects.count()
    wrongly_allowed = []

    for case in CASES:
        for state, order in orders.items():
            if state in SPEC_TABLE[case.action][0]:
                continue
            try:
                perform(case.action, order, getattr(cast, case.actor), cast)
            except InvalidTransition as refused:
                assert refused.status_code == 409
                assert str(TRANSITIONS[case.action].label) in refused.message
            else:
                wrongly_allowed.append(f"{case.action} from {state}")

    assert wrongly_allowed == []
    assert OrderEvent.objects.count() == events
    assert {o.status for o in Order.objects.all()} == set(ALL_STATES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_transition_is_refused_for_everyone_without_the_role(case, cast):
    order = case_order(case, cast)
    version = order.version
    outbox = OutboxMessage.objects.count()
    wrongly_allowed = []

    for role in case.wrong_roles:
        try:
            perform(case.action, order, getattr(cast, role), cast)
        except NotAllowed as refused:
            assert refused.status_code == 403
        else:
            wrongly_allowed.append(role)

    assert wrongly_allowed == []
    order.refresh_from_db()
    assert (order.status, order.version) == (case.source, version)
    assert not order.events.filter(action=case.action).exists()
    assert OutboxMessage.objects.count() == outbox


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_transition_is_refused_for_the_people_of_another_department(case, cast):
    order = case_order(case, cast)
    wrongly_allowed = []

    for who in case.wrong_department:
        try:
            perform(case.action, order, getattr(cast, who), cast)
        except NotAllowed:
            pass
        else:
            wrongly_allowed.append(who)

    assert wrongly_allowed == []
    order.refresh_from_db()
    assert order.status == case.source


# --- submit -------------------------------------------------------------------------------


def test_submitting_gives_the_order_the_first_reference_of_the_year(orderer, make_order):
    order = make_order("submitted")

    assert order.reference == f"B-{timezone.localdate().year}-0001"
    assert order.submitted_at is not None


def test_references_follow_each_other_within_the_year(make_order):
    year = timezone.localdate().year

    references = [make_order("submitted").reference for _ in range(3)]

    assert references == [f"B-{year}-0001", f"B-{year}-0002", f"B-{year}-0003"]


def test_references_start_again_at_one_in_a_new_year(make_order, orderer, monkeypatch):
    this_year = timezone.localdate().year
    assert make_order("submitted").reference == f"B-{this_year}-0001"
    draft = make_order("draft")
    new_year = datetime(this_year + 1, 1, 1, 0, 30, tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "now", lambda: new_year)

    order = services.order_submit(order_id=draft.pk, actor=orderer)

    assert order.reference == f"B-{this_year + 1}-0001"


def test_a_draft_has_no_reference_until_it_is_submitted(make_order):
    assert make_order("draft").reference is None


def test_an_orderer_whose_registration_has_ended_cannot_submit(department):
    # The draft was written while on the register; then the registration ended.
    former = make_orderer(department)
    draft = make_order("draft", department=department, orderer=former)
    OrdererRegistration.objects.filter(person=former).update(
        valid_from=timezone.localdate() - timedelta(days=30),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    former = fresh(former)

    with pytest.raises(NotAllowed):
        services.order_submit(order_id=draft.pk, actor=former)

    draft.refresh_from_db()
    assert (draft.status, draft.reference) == (S.DRAFT, None)


def test_an_orderer_whose_registration_starts_tomorrow_cannot_submit_yet(department):
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = make_orderer(department, valid_from=tomorrow)
    # Not a member before the first day, so the draft is put in place directly.
    draft = OrderFactory(department=department, orderer=future)

    with pytest.raises(NotAllowed):
        services.order_submit(order_id=draft.pk, actor=future)


def test_an_orderer_may_submit_on_the_last_day_of_the_registration(department):
    today = timezone.localdate()
    leaving = make_orderer(department, valid_from=today - timedelta(days=10), valid_until=today)
    draft = make_order("draft", department=department, orderer=leaving)

    assert services.order_submit(order_id=draft.pk, actor=leaving).status == S.SUBMITTED


def test_a_deputy_may_submit_for_the_department(department):
    deputy = UserFactory(username="deputy")
    make_orderer(department, deputy=deputy)
    deputy = fresh(deputy)
    draft = services.order_create(
        actor=deputy, department=department, data={"title": "Ny skrivare", "need": "Skriva ut",
                                                   "kind": Order.Kind.NEW_FUNCTION},
    )

    order = services.order_submit(order_id=draft.pk, actor=deputy)

    assert order.status == S.SUBMITTED


def test_the_deputy_of_an_ended_registration_cannot_submit(department):
    deputy = UserFactory(username="deputy")
    today = timezone.localdate()
    make_orderer(department, deputy=deputy, valid_from=today - timedelta(days=9))
    draft = services.order_create(
        actor=fresh(deputy), department=department,
        data={"title": "Ny skrivare", "need": "Skriva ut", "kind": Order.Kind.NEW_FUNCTION},
    )
    # Then the registration ends, and with it the deputy's membership.
    OrdererRegistration.objects.filter(deputy=deputy).update(
        valid_until=today - timedelta(days=1)
    )
    deputy = fresh(deputy)

    with pytest.raises(NotAllowed):
        services.order_submit(order_id=draft.pk, actor=deputy)


def test_the_it_lead_may_submit_an_orderers_draft(make_order, it_lead):
    draft = make_order("draft")

    order = services.order_submit(order_id=draft.pk, actor=it_lead)

    assert order.status == S.SUBMITTED
    assert order.events.get().actor == it_lead


def test_an_order_without_a_need_cannot_be_submitted(make_order, orderer):
    draft = make_order("draft", need="   ")

    with translation.override("en"), pytest.raises(OrderError) as refused:
        services.order_submit(order_id=draft.pk, actor=orderer)

    assert "need" in refused.value.message
    draft.refresh_from_db()
    assert (draft.status, draft.reference) == (S.DRAFT, None)


def test_a_refused_submission_uses_up_no_reference_number(make_order, orderer):
    year = timezone.localdate().year
    with pytest.raises(OrderError):
        services.order_submit(order_id=make_order("draft", need="").pk, actor=orderer)

    assert make_order("submitted").reference == f"B-{year}-0001"


# --- take on --------------------------------------------------------------------------------


def test_taking_on_makes_the_taker_the_handler_who_may_then_see_the_order(
    make_order, coordinator
):
    order = make_order("submitted")

    order = services.order_take_on(order_id=order.pk, actor=coordinator)

    assert order.handler == coordinator
    # Through the ordering function's "see every order", not a permission of their own.
    assert Order.objects.visible_to(fresh(coordinator)).filter(pk=order.pk).exists()
    assert not UserObjectPermission.objects.exists()


def test_the_ordering_function_may_take_on_an_order_for_a_colleague(make_order, coordinator):
    other = make_coordinator()
    order = make_order("submitted")

    order = services.order_take_on(order_id=order.pk, actor=coordinator, handler=other)

    assert order.handler == other


def test_the_handler_must_belong_to_the_ordering_function(make_order, coordinator, orderer):
    order = make_order("submitted")

    with pytest.raises(OrderError) as refused:
        services.order_take_on(order_id=order.pk, actor=coordinator, handler=orderer)

    assert refused.value.field == "handler"
    order.refresh_from_db()
    assert (order.status, order.handler) == (S.SUBMITTED, None)


# --- supplement ---------------------------------------------------------------------------


def test_only_the_handler_may_request_a_supplement(make_order):
    order = make_order("in_preparation")
    someone_else = make_coordinator()

    with pytest.raises(NotAllowed):
        services.order_request_supplement(order_id=order.pk, actor=someone_else, question="?")


def test_a_supplement_request_needs_a_question(make_order, coordinator):
    order = make_order("in_preparation")

    with pytest.raises(OrderError) as refused:
        services.order_request_supplement(order_id=order.pk, actor=coordinator, question="  ")

    assert refused.value.field == "reason"
    order.refresh_from_db()
    assert order.status == S.IN_PREPARATION
    assert not order.comments.exists()


def test_a_supplement_request_is_a_comment_with_its_due_date(make_order, coordinator):
    order = make_order("in_preparation")
    due = timezone.localdate() + timedelta(days=7)

    services.order_request_supplement(
        order_id=order.pk, actor=coordinator, question="Hur många användare?", due_date=due
    )

    comment = order.comments.get()
    assert (comment.kind, comment.body, comment.due_date, comment.author) == (
        Comment.Kind.SUPPLEMENT_REQUEST, "Hur många användare?", due, coordinator,
    )


def test_the_orderers_answer_is_kept_and_the_order_goes_back_to_preparation(
    make_order, orderer
):
    order = make_order("awaiting_supplement")

    order = services.order_supplement(order_id=order.pk, actor=orderer, answer="Tolv lokaler.")

    assert order.status == S.IN_PREPARATION
    assert order.comments.filter(kind=Comment.Kind.SUPPLEMENT, body="Tolv lokaler.").exists()


def test_a_supplement_needs_an_answer(make_order, orderer):
    order = make_order("awaiting_supplement")

    with pytest.raises(OrderError):
        services.order_supplement(order_id=order.pk, actor=orderer, answer="")


def test_the_it_lead_may_answer_a_supplement_request(make_order, it_lead):
    order = make_order("awaiting_supplement")

    assert services.order_supplement(order_id=order.pk, actor=it_lead, answer="Ja.").status == (
        S.IN_PREPARATION
    )


# --- mark ready -----------------------------------------------------------------------------


def test_an_order_is_not_ready_for_decision_while_the_brief_is_empty(make_order, coordinator):
    order = make_order("in_preparation")

    with translation.override("en"), pytest.raises(OrderError) as refused:
        services.order_mark_ready(order_id=order.pk, actor=coordinator)

    assert refused.value.message == (
        "The decision brief is not complete. Missing: IT requirements, estimated cost, "
        "risk level, recommendation, priority score."
    )
    order.refresh_from_db()
    assert order.status == S.IN_PREPARATION
    assert not order.events.filter(action="mark_ready").exists()


def test_the_refusal_lists_only_what_the_brief_still_lacks(make_order, coordinator):
    order = make_order("in_preparation")
    services.order_update_preparation(
        order_id=order.pk,
        actor=coordinator,
        data={"it_requirements": "Krav", "estimated_cost": Decimal("1000"), "risk_level": "low"},
        expected_version=order.version,
    )

    with translation.override("en"), pytest.raises(OrderError) as refused:
        services.order_mark_ready(order_id=order.pk, actor=coordinator)

    assert refused.value.message.endswith("Missing: recommendation, priority score.")


def test_an_order_with_a_complete_brief_is_ready_for_decision(make_order, coordinator):
    order = make_order("in_preparation")
    ensure_priority_model()
    services.order_update_preparation(
        order_id=order.pk,
        actor=coordinator,
        data={**COMPLETE_BRIEF, "priority_values": dict(PRIORITY_VALUES)},
        expected_version=order.version,
    )

    order = services.order_mark_ready(order_id=order.pk, actor=coordinator)

    assert order.status == S.READY_FOR_DECISION
    assert order.priority_score == Decimal("31.50")


# --- delegated decision --------------------------------------------------------------------


@pytest.fixture
def prepared(make_order, coordinator):
    """Return an order in preparation whose brief estimates `cost`."""

    def make(cost: Decimal | None) -> Order:
        order = make_order("in_preparation")
        ensure_priority_model()
        return services.order_update_preparation(
            order_id=order.pk,
            actor=coordinator,
            data={**COMPLETE_BRIEF, "estimated_cost": cost,
                  "priority_values": dict(PRIORITY_VALUES)},
            expected_version=order.version,
        )

    return make


def test_the_change_manager_may_approve_up_to_the_delegation_threshold(
    prepared, change_manager, settings
):
    order = prepared(Decimal(settings.DELEGATION_THRESHOLD_SEK))

    order = services.order_decide_delegated(order_id=order.pk, actor=change_manager,
                                            reason="Liten ändring.")

    assert order.status == S.APPROVED
    assert order.delegated_decision is True
    assert order.decided_at is not None
    assert order.decision_note == "Liten ändring."


def test_a_delegated_decision_is_refused_above_the_threshold(prepared, change_manager, settings):
    order = prepared(Decimal(settings.DELEGATION_THRESHOLD_SEK) + Decimal("0.01"))

    with pytest.raises(OrderError) as refused:
        services.order_decide_delegated(order_id=order.pk, actor=change_manager, reason="Ok")

    assert "BIT" in refused.value.message
    order.refresh_from_db()
    assert (order.status, order.delegated_decision) == (S.IN_PREPARATION, False)


def test_the_delegation_threshold_is_read_from_the_settings(prepared, change_manager, settings):
    settings.DELEGATION_THRESHOLD_SEK = 10_000
    order = prepared(Decimal("20000"))

    with pytest.raises(OrderError):
        services.order_decide_delegated(order_id=order.pk, actor=change_manager, reason="Ok")


def test_a_delegated_decision_needs_a_cost_estimate(prepared, change_manager):
    order = prepared(None)

    with pytest.raises(OrderError):
        services.order_decide_delegated(order_id=order.pk, actor=change_manager, reason="Ok")


def test_a_delegated_decision_needs_a_reason(prepared, change_manager):
    order = prepared(Decimal("100"))

    with pytest.raises(OrderError):
        services.order_decide_delegated(order_id=order.pk, actor=change_manager, reason="")


def test_only_the_change_manager_decides_by_delegation(prepared, coordinator):
    order = prepared(Decimal("100"))

    with pytest.raises(NotAllowed):
        services.order_decide_delegated(order_id=order.pk, actor=coordinator, reason="Ok")


# --- board decisions -------------------------------------------------------------------------


def decide(order: Order, actor, outcome: str, reason: str = "", note: str = "") -> Order:
    return services.order_apply_board_decision(
        order_id=order.pk, actor=actor, outcome=outcome, reason=reason, note=note
    )


def test_the_board_approves(make_order, change_manager):
    order = decide(make_order("ready_for_decision"), change_manager, "approve",
                   note="Beslut enligt förslag.")

    assert order.status == S.APPROVED
    assert order.decided_at is not None
    assert order.decision_note == "Beslut enligt förslag."
    assert order.delegated_decision is False


def test_the_board_rejects_with_a_reason(make_order, change_manager):
    order = decide(make_order("ready_for_decision"), change_manager, "reject",
                   reason="Finns redan i ett annat system.")

    assert order.status == S.REJECTED
    assert order.rejection_reason == "Finns redan i ett annat system."
    assert order.events.get(action="board_reject").reason == "Finns redan i ett annat system."


@pytest.mark.parametrize("note", ["", "Diskuterades länge."])
def test_a_rejection_without_a_reason_is_refused(make_order, change_manager, note):
    order = make_order("ready_for_decision")

    with pytest.raises(OrderError) as refused:
        decide(order, change_manager, "reject", reason="", note=note)

    assert refused.value.field == "reason"
    order.refresh_from_db()
    assert order.status == S.READY_FOR_DECISION


def test_a_deferred_order_stays_ready_for_the_next_meeting(make_order, change_manager):
    order = make_order("ready_for_decision")
    changed_at = order.status_changed_at

    order = decide(order, change_manager, "defer", note="Tas upp nästa möte.")

    assert order.status == S.READY_FOR_DECISION
    assert order.status_changed_at == changed_at
    event = order.events.get(action="board_defer")
    assert (event.from_status, event.to_status) == (S.READY_FOR_DECISION, S.READY_FOR_DECISION)


def test_a_returned_order_goes_back_to_preparation(make_order, change_manager):
    order = decide(make_order("ready_for_decision"), change_manager, "return",
                   reason="Utred alternativ B.")

    assert order.status == S.IN_PREPARATION
    assert order.decided_at is None


def test_a_return_needs_a_reason(make_order, change_manager):
    with pytest.raises(OrderError):
        decide(make_order("ready_for_decision"), change_manager, "return")


def test_an_unknown_board_outcome_is_refused(make_order, change_manager):
    order = make_order("ready_for_decision")

    with pytest.raises(OrderError):
        decide(order, change_manager, "approve_quickly")

    order.refresh_from_db()
    assert order.status == S.READY_FOR_DECISION


def test_board_decisions_are_not_offered_on_the_order_page(make_order, change_manager):
    order = make_order("ready_for_decision")

    assert not [t for t in services.available_actions(change_manager, order)
                if t.action.startswith("board_")]


# --- plan, start, deliver -------------------------------------------------------------------


def test_planning_lets_the_providers_staff_see_and_carry_out_the_order(
    make_order, coordinator, provider, provider_user
):
    order = make_order("approved")
    assert not Order.objects.visible_to(provider_user).filter(pk=order.pk).exists()
    today = timezone.localdate()

    order = services.order_plan(
        order_id=order.pk, actor=coordinator, provider=provider, planned_start=today,
        planned_end=today + timedelta(days=10), planning_priority=2,
    )

    staff = fresh(provider_user)
    assert list(Order.objects.visible_to(staff)) == [order]
    assert is_provider_staff(staff, order)
    assert (order.provider, order.planning_priority) == (provider, 2)
    # Sight comes from the order's provider: no permission row per person and order.
    assert not UserObjectPermission.objects.exists()


def test_staff_leaving_the_provider_no_longer_see_or_carry_out_its_orders(
    make_order, provider, provider_user
):
    order = make_order("planned", provider=provider)
    assert Order.objects.visible_to(fresh(provider_user)).filter(pk=order.pk).exists()

    provider_remove_member(provider=provider, user=provider_user)

    former = fresh(provider_user)
    assert not Order.objects.visible_to(former).filter(pk=order.pk).exists()
    assert not is_provider_staff(former, order)
    with pytest.raises(OrderError):
        services.order_start(order_id=order.pk, actor=former)


def test_staff_of_another_provider_do_not_see_a_planned_order(make_order, provider):
    order = make_order("planned", provider=provider, provider_user=make_provider_user(provider))
    stranger = make_provider_user()

    assert not Order.objects.visible_to(stranger).filter(pk=order.pk).exists()


def test_staff_joining_the_provider_later_see_its_orders_and_may_start_them(
    make_order, provider, provider_user
):
    order = make_order("planned", provider=provider)
    newcomer = make_provider_user(provider)

    assert list(Order.objects.visible_to(newcomer)) == [order]
    assert services.order_start(order_id=order.pk, actor=newcomer).status == S.IN_PROGRESS


def test_a_plan_cannot_end_before_it_starts(make_order, coordinator, provider):
    order = make_order("approved")
    today = timezone.localdate()

    with pytest.raises(OrderError) as refused:
        services.order_plan(order_id=order.pk, actor=coordinator, provider=provider,
                            planned_start=today, planned_end=today - timedelta(days=1))

    assert refused.value.field == "planned_end"


def test_delivering_records_when(make_order, provider, provider_user):
    order = make_order("in_progress", provider=provider)

    order = services.order_deliver(order_id=order.pk, actor=provider_user)

    assert order.delivered_at is not None


# --- accept, deviation ----------------------------------------------------------------------


def test_accepting_the_delivery_closes_the_order(make_order, orderer, provider, provider_user):
    order = make_order("delivered", provider=provider)

    order = services.order_accept(order_id=order.pk, actor=orderer)

    assert order.status == S.CLOSED
    assert order.closed_at is not None


def test_the_it_lead_may_accept_the_delivery(make_order, it_lead, provider, provider_user):
    order = make_order("delivered", provider=provider)

    assert services.order_accept(order_id=order.pk, actor=it_lead).status == S.CLOSED


def test_a_deviation_sends_the_order_back_to_the_provider(
    make_order, orderer, provider, provider_user
):
    order = make_order("delivered", provider=provider)

    order = services.order_report_deviation(order_id=order.pk, actor=orderer,
                                            reason="Inloggningen fungerar inte.")

    assert order.status == S.IN_PROGRESS
    assert order.delivered_at is None


def test_a_deviation_needs_a_description(make_order, orderer, provider, provider_user):
    order = make_order("delivered", provider=provider)

    with pytest.raises(OrderError):
        services.order_report_deviation(order_id=order.pk, actor=orderer, reason="")


# --- withdraw --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", sorted(BEFORE_APPROVAL))
def test_the_orderer_may_withdraw_before_the_order_is_approved(state, make_order, orderer):
    order = make_order(state)

    order = services.order_withdraw(order_id=order.pk, actor=orderer, reason="Behövs inte.")

    assert order.status == S.WITHDRAWN
    assert order.events.get(action="withdraw").from_status == state


@pytest.mark.parametrize(
    "state", [S.APPROVED, S.REJECTED, S.PLANNED, S.IN_PROGRESS, S.DELIVERED, S.CLOSED]
)
def test_an_order_cannot_be_withdrawn_once_approved(state, make_order, orderer, provider,
                                                    provider_user):
    order = make_order(state, provider=provider)

    with pytest.raises(InvalidTransition):
        services.order_withdraw(order_id=order.pk, actor=orderer, reason="Ångrat.")


def test_a_withdrawal_needs_a_reason(make_order, orderer):
    with pytest.raises(OrderError):
        services.order_withdraw(order_id=make_order("submitted").pk, actor=orderer, reason="")


# --- what the order page offers ---------------------------------------------------------------


def test_the_actions_offered_are_exactly_those_the_person_may_take(
    make_order, orderer, colleague, coordinator, outsider
):
    draft = make_order("draft")
    submitted = make_order("submitted")

    def offered(user, order):
        return {t.action for t in services.available_actions(fresh(user), order)}

    assert offered(orderer, draft) == {"submit", "withdraw"}
    assert offered(colleague, draft) == set()
    assert offered(coordinator, submitted) == {"take_on"}
    assert offered(orderer, submitted) == {"withdraw"}
    assert offered(outsider, submitted) == set()


def test_a_missing_order_is_refused_like_a_forbidden_one(orderer):
    with pytest.raises(NotAllowed):
        services.order_submit(order_id=987654, actor=orderer)
