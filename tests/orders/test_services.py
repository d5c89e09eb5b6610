"""The writes to an order besides its transitions: drafts, edits, preparation, the priority
model, handlers, comments and attachments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orders import services
from orders.models import Order, PriorityModel
from orders.services import InvalidTransition, NotAllowed, OrderError
from tests.factories import (
    COMPLETE_BRIEF,
    PRIORITY_VALUES,
    ensure_priority_model,
    fresh,
    make_coordinator,
)
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

S = Order.Status
DRAFT = {"title": "Ny e-tjänst", "need": "Ansökan om bygglov på webben",
         "kind": Order.Kind.NEW_FUNCTION}


# --- drafts and edits ----------------------------------------------------------------------


def test_an_orderer_writes_a_draft_for_the_department(orderer, department):
    order = services.order_create(actor=orderer, department=department, data=DRAFT)

    assert (order.status, order.orderer, order.reference, order.version) == (
        S.DRAFT, orderer, None, 1,
    )
    assert order.history.get().history_user == orderer


def test_the_it_lead_may_write_a_draft_for_the_department(it_lead, department):
    assert services.order_create(actor=it_lead, department=department, data=DRAFT).pk


@pytest.mark.parametrize("who", ["other_orderer", "outsider", "coordinator", "provider_user"])
def test_nobody_else_writes_a_draft_for_the_department(who, request, department):
    with pytest.raises(NotAllowed):
        services.order_create(actor=request.getfixturevalue(who), department=department,
                              data=DRAFT)

    assert not Order.objects.exists()


def test_only_the_order_fields_of_the_request_are_taken_from_the_data(orderer, department):
    order = services.order_create(
        actor=orderer, department=department,
        data={**DRAFT, "status": S.APPROVED, "estimated_cost": Decimal("1"), "reference": "X"},
    )

    assert (order.status, order.estimated_cost, order.reference) == (S.DRAFT, None, None)


@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_PREPARATION, S.APPROVED])
def test_the_request_cannot_be_edited_outside_draft_and_supplement(state, make_order, orderer):
    order = make_order(state)

    with pytest.raises(NotAllowed):
        services.order_update_request(order_id=order.pk, actor=orderer,
                                      data={"title": "Ändrad"}, expected_version=order.version)


def test_a_colleague_cannot_edit_someone_elses_draft(make_order, colleague):
    order = make_order("draft")

    with pytest.raises(NotAllowed):
        services.order_update_request(order_id=order.pk, actor=colleague,
                                      data={"title": "Ändrad"}, expected_version=order.version)


# --- preparation and the priority model -----------------------------------------------------


def prepare(order: Order, actor, **data) -> Order:
    ensure_priority_model()
    order.refresh_from_db()
    return services.order_update_preparation(order_id=order.pk, actor=actor, data=data,
                                             expected_version=order.version)


def test_preparation_records_the_brief_and_the_explained_priority_score(make_order, coordinator):
    order = prepare(make_order("in_preparation"), coordinator, **COMPLETE_BRIEF,
                    priority_values=dict(PRIORITY_VALUES))

    assert order.estimated_cost == COMPLETE_BRIEF["estimated_cost"]
    assert order.priority_model == PriorityModel.objects.get(is_active=True)
    rows = services.priority_breakdown(order)
    assert [row["factor"].code for row in rows] == list(PRIORITY_VALUES)
    assert all(row["points"] == row["weight"] * row["value"] for row in rows)
    assert sum(row["points"] for row in rows) == order.priority_score


def test_a_factor_scored_outside_zero_to_five_is_refused(make_order, coordinator):
    order = make_order("in_preparation")

    with pytest.raises(OrderError) as refused:
        prepare(order, coordinator, priority_values={**PRIORITY_VALUES, "legal": 6})

    assert refused.value.field == "legal"
    order.refresh_from_db()
    assert order.priority_score is None


@pytest.mark.parametrize("who", ["orderer", "it_lead", "it_chief", "provider_user"])
def test_only_the_ordering_function_prepares(who, request, make_order):
    order = make_order("in_preparation")

    with pytest.raises(NotAllowed):
        prepare(order, request.getfixturevalue(who), it_requirements="Krav")


def test_preparation_is_refused_outside_the_preparation_state(make_order, coordinator):
    with pytest.raises(NotAllowed):
        prepare(make_order("submitted"), coordinator, it_requirements="Krav")


def test_a_new_priority_model_leaves_past_scores_traceable_to_their_version(
    make_order, coordinator, change_manager
):
    order = prepare(make_order("in_preparation"), coordinator,
                    priority_values=dict(PRIORITY_VALUES))
    first = order.priority_model

    second = services.priority_model_publish(
        actor=change_manager,
        weights={"legal": ("Lagkrav", Decimal("10"), "")},
        note="Lagkrav väger tyngre",
    )

    order.refresh_from_db()
    assert (second.version, second.is_active) == (first.version + 1, True)
    assert PriorityModel.objects.filter(is_active=True).get() == second
    assert order.priority_model == first
    assert sum(row["points"] for row in services.priority_breakdown(order)) == (
        order.priority_score
    )


def test_only_the_change_manager_publishes_a_priority_model(coordinator):
    ensure_priority_model()

    with pytest.raises(NotAllowed):
        services.priority_model_publish(actor=coordinator, weights={})


def test_only_one_solution_option_is_recommended(make_order, coordinator):
    order = make_order("in_preparation")
    first = services.option_add(order_id=order.pk, actor=coordinator,
                                data={"title": "A", "recommended": True})

    services.option_add(order_id=order.pk, actor=coordinator,
                        data={"title": "B", "recommended": True})

    first.refresh_from_db()
    assert first.recommended is False
    assert list(order.options.filter(recommended=True).values_list("title", flat=True)) == ["B"]


def test_the_orderer_writes_no_solution_options(make_order, orderer):
    with pytest.raises(NotAllowed):
        services.option_add(order_id=make_order("in_preparation").pk, actor=orderer,
                            data={"title": "A"})


# --- handler -------------------------------------------------------------------------------


def test_a_new_handler_may_be_assigned_during_preparation_and_sees_the_order(
    make_order, coordinator
):
    order = make_order("in_preparation")
    successor = make_coordinator()

    order = services.order_assign_handler(order_id=order.pk, actor=coordinator,
                                          handler=successor)

    assert order.handler == successor
    assert order.status == S.IN_PREPARATION
    # Through the ordering function's role: no permission of the handler's own.
    assert Order.objects.visible_to(fresh(successor)).filter(pk=order.pk).exists()


def test_a_handler_is_not_assigned_before_the_order_is_taken_on(make_order, coordinator):
    with pytest.raises(InvalidTransition):
        services.order_assign_handler(order_id=make_order("submitted").pk, actor=coordinator,
                                      handler=make_coordinator())


def test_the_handler_is_assigned_by_and_to_the_ordering_function_only(
    make_order, coordinator, orderer
):
    order = make_order("in_preparation")

    with pytest.raises(NotAllowed):
        services.order_assign_handler(order_id=order.pk, actor=orderer, handler=coordinator)
    with pytest.raises(OrderError):
        services.order_assign_handler(order_id=order.pk, actor=coordinator, handler=orderer)


# --- comments and attachments --------------------------------------------------------------


def test_a_comment_is_told_to_the_others_concerned_not_its_author(
    make_order, orderer, it_lead, coordinator
):
    order = make_order("in_preparation")

    services.comment_add(order_id=order.pk, actor=orderer, body="  Finns det nyheter?  ")

    comment = order.comments.get()
    assert comment.body == "Finns det nyheter?"
    message = OutboxMessage.objects.get(dedupe_key=f"order-comment-{comment.pk}")
    assert set(message.recipients) == {it_lead.email, coordinator.email}


def test_an_empty_comment_is_refused(make_order, orderer):
    with pytest.raises(OrderError):
        services.comment_add(order_id=make_order("submitted").pk, actor=orderer, body="  ")


@pytest.mark.parametrize("who", ["outsider", "other_orderer", "provider_user"])
def test_someone_who_cannot_see_the_order_cannot_comment(who, request, make_order):
    with pytest.raises(NotAllowed):
        services.comment_add(order_id=make_order("submitted").pk,
                             actor=request.getfixturevalue(who), body="Hej")


def test_a_draft_is_commented_only_by_the_orderers_side(make_order, coordinator, it_lead):
    draft = make_order("draft")

    with pytest.raises(NotAllowed):
        services.comment_add(order_id=draft.pk, actor=coordinator, body="Hej")
    assert services.comment_add(order_id=draft.pk, actor=it_lead, body="Hej").pk


def upload(name: str = "Behov & krav.pdf", size: int = 100) -> SimpleUploadedFile:
    """A file that starts as a PDF does (the content is judged, not only the name)."""
    head = b"%PDF-1.4\n"
    return SimpleUploadedFile(name, head + b"x" * (size - len(head)),
                              content_type="application/pdf")


def test_an_attachment_is_stored_under_a_random_name(make_order, orderer):
    order = make_order("submitted")

    attachment = services.attachment_add(order_id=order.pk, actor=orderer,
                                         upload=upload("../../etc/Behov & krav.PDF"))

    assert attachment.name == "Behov & krav.PDF"
    assert attachment.file.name.startswith(f"attachments/{order.pk}/")
    assert attachment.file.name.endswith(".pdf")
    assert "Behov" not in attachment.file.name and ".." not in attachment.file.name
    assert attachment.file.read().startswith(b"%PDF")


def test_an_attachment_of_a_type_not_allowed_is_refused(make_order, orderer):
    with pytest.raises(OrderError) as refused:
        services.attachment_add(order_id=make_order("draft").pk, actor=orderer,
                                upload=upload("program.exe"))

    assert refused.value.field == "file"


def test_an_attachment_over_the_size_limit_is_refused(make_order, orderer, settings):
    settings.ATTACHMENT_MAX_BYTES = 50

    with pytest.raises(OrderError):
        services.attachment_add(order_id=make_order("draft").pk, actor=orderer,
                                upload=upload(size=51))


def test_someone_who_cannot_see_the_order_cannot_attach(make_order, other_orderer):
    with pytest.raises(NotAllowed):
        services.attachment_add(order_id=make_order("submitted").pk, actor=other_orderer,
                                upload=upload())


# --- the pre-study -----------------------------------------------------------------------


def test_the_pre_study_weighs_benefit_against_lifecycle_cost():
    order = Order(one_off_cost=Decimal("100000"), yearly_cost=Decimal("20000"),
                  lifetime_years=5, yearly_benefit=Decimal("50000"))

    assert order.lifecycle_cost == Decimal("200000")
    assert order.lifecycle_benefit == Decimal("250000")
    assert order.net_benefit == Decimal("50000")


def test_the_pre_study_has_no_totals_without_a_lifetime():
    order = Order(one_off_cost=Decimal("1"), yearly_benefit=Decimal("1"))

    assert (order.lifecycle_cost, order.lifecycle_benefit, order.net_benefit) == (None, None, None)
