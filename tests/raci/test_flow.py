"""The matrix is executable: at each transition the order flow asks the roles marked K on the
step the order reaches and tells the roles marked I on the step just done, as the version in
force says. Publishing a new version changes who is asked and told, with no code change."""

import pytest

from orders import permissions as order_perms
from orders import services as order_services
from orders.models import Order, OrderEvent
from organisation.models import Role
from raci import selectors, services
from raci.models import ConsultationTask, MatrixVersion, OrderRoleSight
from tests.factories import COMPLETE_BRIEF, PRIORITY_VALUES, fresh, make_orderer, make_role_user
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

R = Role.Code
OPEN, ANSWERED = ConsultationTask.Status.OPEN, ConsultationTask.Status.ANSWERED
LAPSED = ConsultationTask.Status.LAPSED


@pytest.fixture
def staff(db, in_force, change_manager, it_chief):
    """One person in each role the default matrix asks or tells about orders."""
    return {
        R.SERVICE_DESK: make_role_user(R.SERVICE_DESK, username="desk"),
        R.IT_ARCHITECT: make_role_user(R.IT_ARCHITECT, username="architect"),
        R.IT_OPERATIONS_MANAGER: make_role_user(R.IT_OPERATIONS_MANAGER, username="ops"),
        R.REQUIREMENTS_ANALYST: make_role_user(R.REQUIREMENTS_ANALYST, username="analyst"),
        R.DELIVERY_MANAGER: make_role_user(R.DELIVERY_MANAGER, username="delivery"),
        R.CHANGE_MANAGER: change_manager,
        R.IT_CHIEF: it_chief,
    }


def informed(order, action: str) -> set[str]:
    """Who the matrix told of the order's latest `action` (beyond its own parties): with a
    link to the order, or (roles that may not open it) without."""
    event = OrderEvent.objects.filter(order=order, action=action).latest("pk")
    key = f"order-event-{event.pk}-huki-informed"
    messages = OutboxMessage.objects.filter(dedupe_key__in=[key, f"{key}-unlinked"])
    return {address for message in messages for address in message.recipients}


def deliver(order, provider_user):
    return order_services.order_deliver(order_id=order.pk, actor=provider_user)


def test_the_roles_marked_i_are_told_when_the_step_is_done(
    staff, make_order, provider, provider_user
):
    order = make_order("in_progress", provider=provider, provider_user=provider_user,
                       change_manager=staff[R.CHANGE_MANAGER])

    deliver(order, provider_user)

    # Default: "Report the order delivered" informs the service desk and the change manager.
    assert informed(order, "deliver") == {staff[R.SERVICE_DESK].email,
                                          staff[R.CHANGE_MANAGER].email}
    event = OrderEvent.objects.get(order=order, action="deliver")
    message = OutboxMessage.objects.get(dedupe_key=f"order-event-{event.pk}-huki-informed")
    assert "version 1 av HUKI-matrisen" in message.body
    assert "Ändringsansvarig, Servicedesk" in message.body
    assert message.recipients == [staff[R.CHANGE_MANAGER].email]
    assert order.get_absolute_url() in message.body
    # The service desk holds no right on orders: told the same, with no link to follow.
    unlinked = OutboxMessage.objects.get(
        dedupe_key=f"order-event-{event.pk}-huki-informed-unlinked")
    assert unlinked.recipients == [staff[R.SERVICE_DESK].email]
    assert order.get_absolute_url() not in unlinked.body
    assert "kan inte öppna den" in unlinked.body


def test_publishing_a_new_version_changes_who_is_told_at_the_next_transition(
    staff, make_order, provider, provider_user, publish, deputy, in_force
):
    first, second = (
        make_order("in_progress", provider=provider, provider_user=provider_user,
                   change_manager=staff[R.CHANGE_MANAGER])
        for _ in range(2)
    )
    deliver(first, provider_user)

    version = publish(deputy, {("delivery-deliver", R.IT_CHIEF): "I",
                               ("delivery-deliver", R.SERVICE_DESK): ""})
    deliver(second, provider_user)

    assert informed(first, "deliver") == {staff[R.SERVICE_DESK].email,
                                          staff[R.CHANGE_MANAGER].email}
    assert informed(second, "deliver") == {staff[R.IT_CHIEF].email,
                                           staff[R.CHANGE_MANAGER].email}
    # The version that told the first order is intact and compares with the new one.
    changes = selectors.compare(MatrixVersion.objects.get(pk=in_force.pk), version)
    assert {(c.activity.code, c.role.code, c.before, c.after) for c in changes} == {
        ("delivery-deliver", R.IT_CHIEF, "", "I"),
        ("delivery-deliver", R.SERVICE_DESK, "I", ""),
    }


def test_those_told_of_the_transition_already_and_the_actor_are_not_told_twice(
    staff, make_order, publish, deputy, orderer, coordinator
):
    # The orderer is a party of the order and told of every step; the coordinator acts.
    publish(deputy, {("preparation-take-on", R.ORDERER): "I",
                     ("preparation-take-on", R.IT_COORDINATOR): "I",
                     ("preparation-take-on", R.REQUIREMENTS_ANALYST): "U"})
    order = make_order("submitted")

    order_services.order_take_on(order_id=order.pk, actor=coordinator)

    assert informed(order, "take_on") == set()


def test_the_roles_marked_k_are_asked_when_the_order_reaches_the_step(
    staff, make_order, coordinator, in_force
):
    order = make_order("submitted")

    order_services.order_take_on(order_id=order.pk, actor=coordinator)

    # Default: the decision brief consults the IT architect and IT operations.
    tasks = ConsultationTask.objects.filter(order=order)
    assert {(t.role.code, t.activity.code, t.status, t.version) for t in tasks} == {
        (R.IT_ARCHITECT, "preparation-brief", OPEN, in_force),
        (R.IT_OPERATIONS_MANAGER, "preparation-brief", OPEN, in_force),
    }
    event = OrderEvent.objects.get(order=order, action="take_on")
    assert {t.event for t in tasks} == {event}
    for task in tasks:
        message = OutboxMessage.objects.get(dedupe_key=f"huki-consultation-{task.pk}")
        assert message.recipients == [staff[task.role.code].email]
        assert "konsulteras (K)" in message.body
    # IT operations does not see every order, so it is let see this one to answer.
    assert order_perms.can_view(fresh(staff[R.IT_OPERATIONS_MANAGER]), order)


def test_publishing_a_new_version_changes_who_is_asked(
    staff, make_order, coordinator, publish, deputy
):
    publish(deputy, {("preparation-brief", R.IT_ARCHITECT): "",
                     ("preparation-brief", R.REQUIREMENTS_ANALYST): "K"})
    order = make_order("submitted")

    order_services.order_take_on(order_id=order.pk, actor=coordinator)

    assert set(ConsultationTask.objects.filter(order=order).values_list("role__code", flat=True)
               ) == {R.REQUIREMENTS_ANALYST, R.IT_OPERATIONS_MANAGER}


def test_an_open_consultation_is_not_asked_again_when_the_order_comes_back(
    staff, make_order, coordinator, orderer
):
    order = make_order("in_preparation")
    assert ConsultationTask.objects.filter(order=order).count() == 2

    order_services.order_request_supplement(order_id=order.pk, actor=coordinator,
                                            question="Hur många?")
    order_services.order_supplement(order_id=order.pk, actor=orderer, answer="Tio.")

    assert ConsultationTask.objects.filter(order=order).count() == 2


def test_the_consulted_role_answers_and_the_handler_is_told(staff, make_order, coordinator):
    order = make_order("in_preparation")
    task = ConsultationTask.objects.get(order=order, role__code=R.IT_ARCHITECT)

    services.consultation_answer(task_id=task.pk, actor=staff[R.IT_ARCHITECT],
                                 answer="Följer målarkitekturen.")

    task.refresh_from_db()
    assert (task.status, task.answer, task.answered_by) == (
        ANSWERED, "Följer målarkitekturen.", staff[R.IT_ARCHITECT])
    told = OutboxMessage.objects.get(dedupe_key=f"huki-consultation-{task.pk}-answered")
    assert told.recipients == [coordinator.email]
    raci = selectors.order_raci(order, coordinator)
    assert {(t.role.code, t.status) for t in raci.consultations} == {
        (R.IT_ARCHITECT, ANSWERED), (R.IT_OPERATIONS_MANAGER, OPEN)}
    with pytest.raises(services.StaleDraft, match="har redan svarat"):
        services.consultation_answer(task_id=task.pk, actor=staff[R.IT_ARCHITECT], answer="Igen")


def test_only_the_consulted_role_answers(staff, make_order, coordinator, it_chief):
    order = make_order("in_preparation")
    task = ConsultationTask.objects.get(order=order, role__code=R.IT_ARCHITECT)

    for person in (coordinator, it_chief, staff[R.IT_OPERATIONS_MANAGER]):
        with pytest.raises(services.NotAllowed, match="Bara IT-arkitekt"):
            services.consultation_answer(task_id=task.pk, actor=fresh(person), answer="Ja")
    with pytest.raises(services.MatrixError, match="Skriv ditt svar"):
        services.consultation_answer(task_id=task.pk, actor=staff[R.IT_ARCHITECT], answer=" ")
    assert ConsultationTask.objects.get(pk=task.pk).status == OPEN


def test_the_orderer_role_is_the_orders_own_orderer_not_every_orderer(
    staff, make_order, coordinator, publish, deputy, department, orderer, colleague,
    other_orderer
):
    publish(deputy, {("preparation-brief", R.ORDERER): "K"})
    order = make_order("submitted")

    order_services.order_take_on(order_id=order.pk, actor=coordinator)

    task = ConsultationTask.objects.get(order=order, role__code=R.ORDERER)
    message = OutboxMessage.objects.get(dedupe_key=f"huki-consultation-{task.pk}")
    assert message.recipients == [orderer.email]
    for stranger in (colleague, other_orderer, make_orderer(department)):
        with pytest.raises(services.NotAllowed):
            services.consultation_answer(task_id=task.pk, actor=stranger, answer="Ja")
    services.consultation_answer(task_id=task.pk, actor=orderer, answer="Ja, gärna.")


def test_the_provider_role_is_the_orders_own_provider(
    staff, make_order, provider, provider_user, publish, deputy
):
    from tests.factories import make_provider_user

    workmate = make_provider_user(provider)
    someone_elses = make_provider_user()
    publish(deputy, {("delivery-accept", R.PROVIDER): "K"})
    order = make_order("in_progress", provider=provider, provider_user=provider_user,
                       change_manager=staff[R.CHANGE_MANAGER])

    deliver(order, provider_user)

    task = ConsultationTask.objects.get(order=order, role__code=R.PROVIDER)
    message = OutboxMessage.objects.get(dedupe_key=f"huki-consultation-{task.pk}")
    assert message.recipients == [workmate.email]  # the actor is not emailed
    with pytest.raises(services.NotAllowed):
        services.consultation_answer(task_id=task.pk, actor=someone_elses, answer="Ja")
    services.consultation_answer(task_id=task.pk, actor=provider_user, answer="Klart.")


def test_without_a_version_in_force_the_flow_asks_and_tells_no_one_more(
    staff, make_order, provider, provider_user, in_force
):
    MatrixVersion.objects.filter(pk=in_force.pk).update(status=MatrixVersion.Status.SUPERSEDED)
    order = make_order("in_progress", provider=provider, provider_user=provider_user,
                       change_manager=staff[R.CHANGE_MANAGER])

    deliver(order, provider_user)

    assert informed(order, "deliver") == set()
    assert not ConsultationTask.objects.exists()
    event = OrderEvent.objects.get(order=order, action="deliver")
    assert OutboxMessage.objects.filter(dedupe_key=f"order-event-{event.pk}").exists()


def test_the_order_page_data_names_the_current_steps_roles_and_people(
    staff, make_order, coordinator, it_lead
):
    order = make_order("ready_for_decision", change_manager=staff[R.CHANGE_MANAGER])

    raci = selectors.order_raci(order, coordinator)

    assert raci.step.code == "decision-board"
    by_letter = {letter: [(h.role.code, h.people) for h in holders]
                 for letter, _label, holders in raci.by_letter}
    assert by_letter["H"] == [(R.IT_CHIEF, [staff[R.IT_CHIEF]])]
    assert by_letter["U"] == [(R.CHANGE_MANAGER, [staff[R.CHANGE_MANAGER]])]
    assert by_letter["K"] == [(R.DEPARTMENT_IT_LEAD, [it_lead])]
    assert [code for code, _people in by_letter["I"]] == [R.DELIVERY_MANAGER,
                                                          R.DEPUTY_IT_CHIEF]
    assert dict(by_letter["I"])[R.DEPUTY_IT_CHIEF] == []  # nobody holds it here


def test_open_consultations_lapse_when_the_order_goes_past_their_step(
    staff, make_order, coordinator, orderer
):
    order = make_order("in_preparation")
    answered = ConsultationTask.objects.get(order=order, role__code=R.IT_ARCHITECT)
    services.consultation_answer(task_id=answered.pk, actor=staff[R.IT_ARCHITECT], answer="Ok")
    order_services.order_update_preparation(
        order_id=order.pk, actor=coordinator,
        data={**COMPLETE_BRIEF, "priority_values": dict(PRIORITY_VALUES)},
        expected_version=Order.objects.get(pk=order.pk).version,
    )

    order_services.order_mark_ready(order_id=order.pk, actor=coordinator)

    statuses = dict(
        ConsultationTask.objects.filter(order=order, activity__code="preparation-brief")
        .values_list("role__code", "status")
    )
    assert statuses == {R.IT_ARCHITECT: ANSWERED, R.IT_OPERATIONS_MANAGER: LAPSED}
    with pytest.raises(services.StaleDraft):
        services.consultation_answer(
            task_id=ConsultationTask.objects.get(order=order, status=LAPSED).pk,
            actor=staff[R.IT_OPERATIONS_MANAGER], answer="Sent")


def test_a_finished_order_has_no_open_consultation(staff, make_order, orderer):
    order = make_order("in_preparation")

    order_services.order_withdraw(order_id=order.pk, actor=orderer, reason="Behövs inte.")

    assert set(ConsultationTask.objects.filter(order=order).values_list("status", flat=True)
               ) == {LAPSED}


# --- who sees the order: the roles it was shown to ------------------------------------------


def test_the_roles_asked_and_told_see_the_order_while_one_holds_them(
    staff, make_order, coordinator
):
    order = make_order("submitted")
    order_services.order_take_on(order_id=order.pk, actor=coordinator)
    shown = set(OrderRoleSight.objects.filter(order=order).values_list("role__code", flat=True))
    # Consulted on the brief: the IT architect and IT operations (plus the coordinator,
    # told of the submission, who sees every order anyway).
    assert {R.IT_ARCHITECT, R.IT_OPERATIONS_MANAGER} <= shown
    # Someone who takes up the role later sees the order too; someone who leaves it, not.
    newcomer = make_role_user(R.IT_OPERATIONS_MANAGER, username="ops2")
    assert order_perms.can_view(newcomer, order)
    staff[R.IT_OPERATIONS_MANAGER].groups.clear()
    assert not order_perms.can_view(fresh(staff[R.IT_OPERATIONS_MANAGER]), order)
    # The orderer's side and the provider see through the order itself: no row of their own.
    assert not shown & {R.ORDERER, R.DEPARTMENT_IT_LEAD, R.PROVIDER, R.SERVICE_DESK}


def test_the_service_desk_is_never_asked_for_it_cannot_open_the_order(
    staff, make_order, coordinator, publish, deputy
):
    publish(deputy, {("preparation-brief", R.SERVICE_DESK): "K"})
    order = make_order("submitted")

    order_services.order_take_on(order_id=order.pk, actor=coordinator)

    assert not ConsultationTask.objects.filter(order=order, role__code=R.SERVICE_DESK).exists()
    desk = staff[R.SERVICE_DESK].email
    assert not [m for m in OutboxMessage.objects.all() if desk in m.recipients]
    assert not order_perms.can_view(fresh(staff[R.SERVICE_DESK]), order)


def test_the_migration_makes_the_rows_the_flow_makes_from_what_is_on_record(
    staff, make_order, provider, provider_user
):
    """raci's migration 0002 turns the consultations and the transitions read against the
    matrix in force at each into the same rows the flow writes as it goes."""
    import importlib

    from django.apps import apps

    for state in ("in_preparation", "closed", "withdrawn"):
        make_order(state, provider=provider, provider_user=provider_user)
    made = set(OrderRoleSight.objects.values_list("order_id", "role_id"))
    assert made
    OrderRoleSight.objects.all().delete()

    importlib.import_module("raci.migrations.0002_order_role_sight").record_sight(apps, None)

    assert set(OrderRoleSight.objects.values_list("order_id", "role_id")) == made
