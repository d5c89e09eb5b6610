"""Every write to an order, and every state transition, as one service each.

A transition locks the order row, checks the current state against the transition table and
the actor's right, saves with a history change reason, records an OrderEvent and queues the
notifications in the outbox, all in one transaction. Anything else is refused with a
Swedish message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisation import predicates as people
from organisation.models import Department, Provider, User
from tyreso_it.core import uploads
from tyreso_it.core.errors import ServiceError
from tyreso_it.core.services import year_counter_next
from tyreso_it.core.workflow import Transition, Workflow

from . import permissions as perms
from .models import (
    Attachment,
    Comment,
    Order,
    OrderEvent,
    PriorityModel,
    ReferenceCounter,
    SolutionOption,
)
from .notifications import notify_transition

S = Order.Status


class OrderError(ServiceError):
    """A refused write of this app (see tyreso_it.core.errors)."""


class NotAllowed(OrderError):
    status_code = 403


class InvalidTransition(OrderError):
    """The order is not in a state the action applies to (often: someone was first)."""

    status_code = 409


class StaleVersion(OrderError):
    status_code = 409


# --- the transition table -------------------------------------------------------------


WITHDRAWABLE = frozenset(
    {S.DRAFT, S.SUBMITTED, S.IN_PREPARATION, S.AWAITING_SUPPLEMENT, S.READY_FOR_DECISION}
)


def _invalid(transition: Transition[Order], order: Order) -> OrderError:
    return InvalidTransition(
        _(
            "The order is now “%(status)s”, and this can no longer be done: "
            "%(action)s. Someone may have changed it a moment ago: reload the page."
        )
        % {"status": order.get_status_display(), "action": transition.label}
    )


def _not_allowed(transition: Transition[Order], order: Order) -> OrderError:
    return NotAllowed(
        _("You are not allowed to do this with the order: %(action)s.")
        % {"action": transition.label}
    )


#: The order flow (tyreso_it.core.workflow): the services check every transition here.
ORDER_FLOW: Workflow[Order] = Workflow(
    [
        Transition("submit", gettext_lazy("Submit"), frozenset({S.DRAFT}), S.SUBMITTED,
                   perms.can_submit),
        Transition("take_on", gettext_lazy("Take on"), frozenset({S.SUBMITTED}),
                   S.IN_PREPARATION, lambda u, o: people.is_ordering_function(u)),
        Transition("request_supplement", gettext_lazy("Request supplement"),
                   frozenset({S.IN_PREPARATION}), S.AWAITING_SUPPLEMENT, perms.is_handler,
                   needs_reason=True),
        Transition("supplement", gettext_lazy("Send supplement"),
                   frozenset({S.AWAITING_SUPPLEMENT}), S.IN_PREPARATION,
                   perms.speaks_for_orderer, needs_reason=True),
        Transition("mark_ready", gettext_lazy("Mark ready for decision"),
                   frozenset({S.IN_PREPARATION}), S.READY_FOR_DECISION, perms.is_handler),
        Transition("decide_delegated", gettext_lazy("Approve by delegation"),
                   frozenset({S.IN_PREPARATION}), S.APPROVED,
                   lambda u, o: people.is_change_manager(u), needs_reason=True),
        Transition("board_approve", gettext_lazy("Approved by BIT"),
                   frozenset({S.READY_FOR_DECISION}), S.APPROVED,
                   lambda u, o: people.is_change_manager(u)),
        Transition("board_reject", gettext_lazy("Rejected by BIT"),
                   frozenset({S.READY_FOR_DECISION}), S.REJECTED,
                   lambda u, o: people.is_change_manager(u), needs_reason=True),
        Transition("board_defer", gettext_lazy("Deferred by BIT"),
                   frozenset({S.READY_FOR_DECISION}), S.READY_FOR_DECISION,
                   lambda u, o: people.is_change_manager(u)),
        Transition("board_return", gettext_lazy("Returned by BIT"),
                   frozenset({S.READY_FOR_DECISION}), S.IN_PREPARATION,
                   lambda u, o: people.is_change_manager(u), needs_reason=True),
        Transition("plan", gettext_lazy("Plan"), frozenset({S.APPROVED}), S.PLANNED,
                   lambda u, o: people.is_ordering_function(u)),
        Transition("start", gettext_lazy("Start the work"), frozenset({S.PLANNED}), S.IN_PROGRESS,
                   perms.is_provider_staff),
        Transition("deliver", gettext_lazy("Report delivered"), frozenset({S.IN_PROGRESS}),
                   S.DELIVERED, perms.is_provider_staff),
        Transition("accept", gettext_lazy("Accept delivery"), frozenset({S.DELIVERED}),
                   S.CLOSED, perms.speaks_for_orderer),
        Transition("report_deviation", gettext_lazy("Report deviation"),
                   frozenset({S.DELIVERED}), S.IN_PROGRESS, perms.speaks_for_orderer,
                   needs_reason=True),
        Transition("withdraw", gettext_lazy("Withdraw"), WITHDRAWABLE, S.WITHDRAWN,
                   perms.speaks_for_orderer, needs_reason=True),
    ],
    invalid=_invalid,
    not_allowed=_not_allowed,
    no_reason=lambda transition, order: OrderError(_("Give a reason."), field="reason"),
)

#: The transitions by action.
TRANSITIONS: dict[str, Transition[Order]] = ORDER_FLOW.transitions

# Decisions of the board are applied from adjusted minutes, never from an order's page.
BOARD_ACTIONS = frozenset({"board_approve", "board_reject", "board_defer", "board_return"})


def available_actions(user: User, order: Order) -> list[Transition[Order]]:
    """The transitions `user` may take on `order` now (the page shows these, nothing more)."""
    return [t for t in ORDER_FLOW.available(user, order) if t.action not in BOARD_ACTIONS]


def _lock(order_id: int) -> Order:
    try:
        return Order.objects.select_for_update().select_related("department").get(pk=order_id)
    except Order.DoesNotExist as exc:
        raise NotAllowed(_("The order does not exist or you may not see it.")) from exc


def transition_check(action: str, order: Order, actor: User) -> None:
    """Refuse now, before any input is read, what the state or the actor's right forbids."""
    ORDER_FLOW.check(action, order, actor)


def _save(order: Order, actor: User, reason: str, update_fields: Iterable[str] | None = None):
    order.version += 1
    order._history_user = actor
    order._change_reason = reason[:100] if reason else None
    if update_fields is None:
        order.save()
    else:
        order.save(update_fields=[*update_fields, "version", "updated_at"])


def _transition(
    action: str,
    *,
    order_id: int,
    actor: User,
    reason: str = "",
    apply: Callable[[Order], None] | None = None,
) -> Order:
    with transaction.atomic():
        order = _lock(order_id)
        transition = ORDER_FLOW.check(action, order, actor, reason)
        from_status = order.status
        if apply is not None:
            apply(order)
        order.status = transition.target
        if from_status != transition.target:
            order.status_changed_at = timezone.now()
        _save(order, actor, reason or str(transition.label))
        event = OrderEvent.objects.create(
            order=order,
            action=action,
            from_status=from_status,
            to_status=order.status,
            actor=actor,
            reason=reason.strip(),
        )
        notify_transition(order=order, event=event)
    return order


def _next_reference(year: int) -> str:
    """Take the next number of the year under a row lock: unique and gap-free."""
    number = year_counter_next(scope=ReferenceCounter.SCOPE, year=year)
    return f"B-{year}-{number:04d}"


# --- the transitions ------------------------------------------------------------------


def order_submit(*, order_id: int, actor: User) -> Order:
    """Submit a draft for the department; it gets its reference number now."""

    def apply(order: Order) -> None:
        missing = [
            label
            for label, value in (
                (_("title"), order.title),
                (_("type"), order.kind),
                (_("need"), order.need),
            )
            if not value.strip()
        ]
        if missing:
            raise OrderError(
                _("Fill in %(fields)s before submitting.") % {"fields": ", ".join(missing)}
            )
        now = timezone.now()
        order.submitted_at = now
        order.reference = _next_reference(timezone.localtime(now).year)

    return _transition("submit", order_id=order_id, actor=actor, apply=apply)


def _may_handle(person: User) -> bool:
    """Of the ordering function, and so sees every order (the handler's sight of the order is
    that, and nothing of its own)."""
    return person.is_active and people.is_ordering_function(person) and people.sees_all(person)


def order_take_on(*, order_id: int, actor: User, handler: User | None = None) -> Order:
    """The ordering function takes a submitted order into preparation, with a handler."""
    handler = handler or actor

    def apply(order: Order) -> None:
        # Checked after the state and the actor's right, so that someone without the right
        # is told so, not that their choice of handler is wrong.
        if not _may_handle(handler):
            raise OrderError(
                _("The handler must belong to the ordering function."), field="handler"
            )
        # The handler sees the order through the ordering function's "see every order", for
        # as long as they hold the role: no permission row of their own to outlive it.
        order.handler = handler

    return _transition("take_on", order_id=order_id, actor=actor, apply=apply)


def order_assign_handler(*, order_id: int, actor: User, handler: User, reason: str = "") -> Order:
    """Hand an order in preparation to another handler; the state does not change."""
    if not people.is_ordering_function(actor):
        raise NotAllowed(_("Only the ordering function can assign a handler."))
    if not _may_handle(handler):
        raise OrderError(_("The handler must belong to the ordering function."), field="handler")
    with transaction.atomic():
        order = _lock(order_id)
        if order.status not in {S.IN_PREPARATION, S.AWAITING_SUPPLEMENT, S.READY_FOR_DECISION}:
            raise InvalidTransition(_("A handler can only be assigned during preparation."))
        order.handler = handler
        _save(order, actor, reason or _("New handler"), ["handler"])
    return order


def order_request_supplement(
    *, order_id: int, actor: User, question: str, due_date: date | None = None
) -> Order:
    """The handler asks the orderer for more information (komplettering)."""

    def apply(order: Order) -> None:
        Comment.objects.create(
            order=order, author=actor, kind=Comment.Kind.SUPPLEMENT_REQUEST, body=question,
            due_date=due_date,
        )

    return _transition(
        "request_supplement", order_id=order_id, actor=actor, reason=question, apply=apply
    )


def order_supplement(*, order_id: int, actor: User, answer: str) -> Order:
    """The orderer answers a supplement request; the order goes back to preparation."""

    def apply(order: Order) -> None:
        Comment.objects.create(
            order=order, author=actor, kind=Comment.Kind.SUPPLEMENT, body=answer
        )

    return _transition("supplement", order_id=order_id, actor=actor, reason=answer, apply=apply)


def brief_missing(order: Order) -> list[str]:
    """What the decision brief still lacks (names of the missing parts, in Swedish)."""
    checks = [
        (_("IT requirements"), bool(order.it_requirements.strip())),
        (_("estimated cost"), order.estimated_cost is not None),
        (_("risk level"), bool(order.risk_level)),
        (_("recommendation"), bool(order.recommendation.strip())),
        (_("priority score"), order.priority_score is not None),
    ]
    return [label for label, ok in checks if not ok]


def order_mark_ready(*, order_id: int, actor: User, note: str = "") -> Order:
    """The handler marks the decision brief complete: the order is ready for BIT."""

    def apply(order: Order) -> None:
        missing = brief_missing(order)
        if missing:
            raise OrderError(
                _("The decision brief is not complete. Missing: %(missing)s.")
                % {"missing": ", ".join(missing)}
            )

    return _transition("mark_ready", order_id=order_id, actor=actor, reason=note, apply=apply)


def order_decide_delegated(*, order_id: int, actor: User, reason: str) -> Order:
    """The change manager approves an order below the board's threshold (delegation)."""

    def apply(order: Order) -> None:
        threshold = Decimal(settings.DELEGATION_THRESHOLD_SEK)
        if order.estimated_cost is None:
            raise OrderError(_("Estimate the cost before a delegated decision."))
        if order.estimated_cost > threshold:
            raise OrderError(
                _(
                    "The estimated cost exceeds the delegation threshold of %(threshold)s SEK: "
                    "the order must go to BIT."
                )
                % {"threshold": f"{threshold:,.0f}".replace(",", " ")}
            )
        order.delegated_decision = True
        order.decided_at = timezone.now()
        order.decision_note = reason

    return _transition(
        "decide_delegated", order_id=order_id, actor=actor, reason=reason, apply=apply
    )


def order_apply_board_decision(
    *, order_id: int, actor: User, outcome: str, reason: str = "", note: str = ""
) -> Order:
    """Apply one BIT decision from adjusted minutes: approve, reject, defer or return."""
    action = f"board_{outcome}"
    if action not in BOARD_ACTIONS:
        raise OrderError(_("Unknown decision."))

    def apply(order: Order) -> None:
        if outcome == "reject" and not reason.strip():
            # A note alone satisfies the transition's reason check, but the order records the
            # reason for rejection itself (and the database refuses a rejection without one).
            raise OrderError(_("Give the reason for the rejection."), field="reason")
        order.decision_note = note
        if outcome in {"approve", "reject"}:
            order.decided_at = timezone.now()
        if outcome == "reject":
            order.rejection_reason = reason

    return _transition(action, order_id=order_id, actor=actor, reason=reason or note, apply=apply)


def order_plan(
    *,
    order_id: int,
    actor: User,
    provider: Provider,
    planned_start: date,
    planned_end: date,
    planning_priority: int | None = None,
    note: str = "",
) -> Order:
    """The ordering function plans an approved order and hands it to a provider."""
    if planned_end < planned_start:
        raise OrderError(_("The delivery date cannot be before the start."), field="planned_end")

    def apply(order: Order) -> None:
        order.provider = provider
        order.planned_start = planned_start
        order.planned_end = planned_end
        order.planning_priority = planning_priority
        # The provider's staff see and carry out the order through its `provider`
        # (orders.permissions): no permission row per person and order.

    return _transition("plan", order_id=order_id, actor=actor, reason=note, apply=apply)


def order_start(*, order_id: int, actor: User, note: str = "") -> Order:
    return _transition("start", order_id=order_id, actor=actor, reason=note)


def order_deliver(*, order_id: int, actor: User, note: str = "") -> Order:
    def apply(order: Order) -> None:
        order.delivered_at = timezone.now()

    return _transition("deliver", order_id=order_id, actor=actor, reason=note, apply=apply)


def order_accept(*, order_id: int, actor: User, note: str = "") -> Order:
    def apply(order: Order) -> None:
        order.closed_at = timezone.now()

    return _transition("accept", order_id=order_id, actor=actor, reason=note, apply=apply)


def order_report_deviation(*, order_id: int, actor: User, reason: str) -> Order:
    """The orderer finds the delivery does not meet the order; the provider resumes."""

    def apply(order: Order) -> None:
        order.delivered_at = None

    return _transition(
        "report_deviation", order_id=order_id, actor=actor, reason=reason, apply=apply
    )


def order_withdraw(*, order_id: int, actor: User, reason: str) -> Order:
    return _transition("withdraw", order_id=order_id, actor=actor, reason=reason)


TRANSITION_SERVICES: dict[str, Callable[..., Order]] = {
    "submit": order_submit,
    "take_on": order_take_on,
    "request_supplement": order_request_supplement,
    "supplement": order_supplement,
    "mark_ready": order_mark_ready,
    "decide_delegated": order_decide_delegated,
    "plan": order_plan,
    "start": order_start,
    "deliver": order_deliver,
    "accept": order_accept,
    "report_deviation": order_report_deviation,
    "withdraw": order_withdraw,
}


# --- writing the order itself -----------------------------------------------------------

REQUEST_FIELDS = (
    "title", "kind", "service", "need", "functional_requirements", "expected_benefit",
    "one_off_cost", "yearly_cost", "lifetime_years", "yearly_benefit", "desired_date",
    "legal_driver", "personal_data",
)
PREPARATION_FIELDS = (
    "it_requirements", "architecture_review", "estimated_cost", "estimated_hours",
    "risk_level", "risk_description", "recommendation",
)


def order_create(*, actor: User, department: Department, data: dict[str, Any]) -> Order:
    """Write a new draft for a department the actor belongs to."""
    if not (people.is_member(actor, department.pk) or people.is_coordinator(actor, department.pk)):
        raise NotAllowed(_("You can only write orders for your own department."))
    order = Order(department=department, orderer=actor, status=S.DRAFT)
    for field in REQUEST_FIELDS:
        if field in data:
            setattr(order, field, data[field])
    order._history_user = actor
    order._change_reason = _("Draft written")
    order.save()
    return order


def _update(
    *, order_id: int, actor: User, data: dict[str, Any], expected_version: int,
    fields: tuple[str, ...], allowed: Callable[[User, Order], bool], reason: str,
) -> Order:
    with transaction.atomic():
        order = _lock(order_id)
        if order.version != expected_version:
            raise StaleVersion(
                _(
                    "Someone else saved this order while you were editing it. Your changes "
                    "were not saved: compare them with the newer version shown on the page "
                    "and save again."
                )
            )
        if not allowed(actor, order):
            raise NotAllowed(_("You cannot change this order in its current state."))
        changed = [f for f in fields if f in data and getattr(order, f) != data[f]]
        for field in changed:
            setattr(order, field, data[field])
        if changed:
            _save(order, actor, reason)
        return order


def order_update_request(
    *, order_id: int, actor: User, data: dict[str, Any], expected_version: int
) -> Order:
    """The orderer edits the order's own content (while a draft or while supplementing)."""
    return _update(
        order_id=order_id, actor=actor, data=data, expected_version=expected_version,
        fields=REQUEST_FIELDS, allowed=perms.can_edit_request, reason=_("Order edited"),
    )


def order_update_preparation(
    *, order_id: int, actor: User, data: dict[str, Any], expected_version: int
) -> Order:
    """The ordering function records its preparation and the priority factor scores."""
    values = data.pop("priority_values", None)
    with transaction.atomic():
        order = _update(
            order_id=order_id, actor=actor, data=data, expected_version=expected_version,
            fields=PREPARATION_FIELDS, allowed=perms.can_prepare,
            reason=_("Preparation updated"),
        )
        if values is not None:
            model = priority_model_active()
            score = priority_score(model, values)
            if (
                order.priority_values != values
                or order.priority_model_id != model.pk
                or order.priority_score != score
            ):
                order.priority_model = model
                order.priority_values = values
                order.priority_score = score
                _save(order, actor, _("Priority scored"))
    return order


def option_add(*, order_id: int, actor: User, data: dict[str, Any]) -> SolutionOption:
    with transaction.atomic():
        order = _lock(order_id)
        if not perms.can_prepare(actor, order):
            raise NotAllowed(_("Solution options are written during preparation."))
        option = SolutionOption(order=order, **data)
        option._history_user = actor
        option.save()
        if option.recommended:
            for other in order.options.exclude(pk=option.pk).filter(recommended=True):
                other.recommended = False
                other._history_user = actor
                other.save(update_fields=["recommended"])
        return option


def option_delete(*, option_id: int, actor: User) -> None:
    with transaction.atomic():
        option = SolutionOption.objects.select_related("order").get(pk=option_id)
        order = _lock(option.order_id)
        if not perms.can_prepare(actor, order):
            raise NotAllowed(_("Solution options are written during preparation."))
        option._history_user = actor
        option.delete()


def comment_add(*, order_id: int, actor: User, body: str) -> Comment:
    """A comment on an order, by anyone who may see it."""
    if not body.strip():
        raise OrderError(_("Write a comment."), field="body")
    with transaction.atomic():
        order = Order.objects.select_related("department").get(pk=order_id)
        if not perms.can_view(actor, order) or not perms.can_comment(actor, order):
            raise NotAllowed(_("You cannot comment on this order."))
        comment = Comment(order=order, author=actor, body=body.strip())
        comment._history_user = actor
        comment.save()
        from .notifications import notify_comment

        notify_comment(order=order, comment=comment)
        return comment


def attachment_add(*, order_id: int, actor: User, upload: UploadedFile) -> Attachment:
    """Attach a file; it is stored under a random name.

    What it protects: only the allowed kinds of file are kept, judged by their content (a
    page or a program named `underlag.pdf` is refused), the content type stored is the one
    found in the file and never the browser's claim, and no file is larger than the limit.
    """
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in settings.ATTACHMENT_ALLOWED_EXTENSIONS:
        raise OrderError(
            _("Files of this type cannot be attached. Allowed: %(types)s.")
            % {"types": ", ".join(settings.ATTACHMENT_ALLOWED_EXTENSIONS)},
            field="file",
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise OrderError(
            _("The file is too large: at most %(mb)s MB.")
            % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    try:
        content_type = uploads.detect_type(upload, extension)
    except uploads.UploadRefused as exc:
        raise OrderError(exc.message, field="file") from exc
    with transaction.atomic():
        order = Order.objects.select_related("department").get(pk=order_id)
        from .secrecy import can_read_secret

        if (not perms.can_view(actor, order) or not order.is_open
                or not can_read_secret(actor, order)):
            raise NotAllowed(_("You cannot attach files to this order."))
        name = PurePath(upload.name).name[:200]
        attachment = Attachment(
            order=order,
            name=name,
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
        )
        attachment.file.save(name, upload, save=False)
        attachment._history_user = actor
        attachment.save()
        return attachment


# --- the priority model -------------------------------------------------------------------


def priority_model_active() -> PriorityModel:
    model = PriorityModel.objects.filter(is_active=True).prefetch_related("factors").first()
    if model is None:
        raise OrderError(_("No priority model is in force. Ask the change manager."))
    return model


def priority_score(model: PriorityModel, values: dict[str, int]) -> Decimal:
    """Sum of weight × score (0–5) over the model's factors."""
    total = Decimal(0)
    for factor in model.factors.all():
        value = int(values.get(factor.code, 0))
        if not 0 <= value <= 5:
            raise OrderError(_("Each factor is scored from 0 to 5."), field=factor.code)
        total += factor.weight * value
    return total


def priority_breakdown(order: Order) -> list[dict[str, Any]]:
    """Each factor with its weight, the order's score and the product, for the page."""
    if order.priority_model is None:
        return []
    rows = []
    for factor in order.priority_model.factors.all():
        value = int(order.priority_values.get(factor.code, 0))
        rows.append(
            {"factor": factor, "weight": factor.weight, "value": value,
             "points": factor.weight * value}
        )
    return rows


@transaction.atomic
def priority_model_publish(
    *, actor: User, weights: dict[str, tuple[str, Decimal, str]], note: str = ""
) -> PriorityModel:
    """Put a new version of the priority model in force; older scores keep their version."""
    if not people.is_change_manager(actor):
        raise NotAllowed(_("Only the change manager can change the priority model."))
    latest = PriorityModel.objects.select_for_update().order_by("-version").first()
    for previous in PriorityModel.objects.filter(is_active=True):
        previous.is_active = False
        previous.save(update_fields=["is_active"])
    model = PriorityModel.objects.create(
        version=(latest.version + 1) if latest else 1, is_active=True, note=note,
        created_by=actor,
    )
    for position, (code, (name, weight, help_text)) in enumerate(weights.items()):
        model.factors.create(
            code=code, name=name, weight=weight, help_text=help_text, position=position
        )
    return model


# --- secrecy marking ------------------------------------------------------------------------


def order_mark_secret(*, order_id: int, actor: User, provision: str, reason: str) -> Order:
    """Mark an order secret under an OSL provision, or change its marking (the ordering
    function only). From then its need and attachments are read as `orders.secrecy` says."""
    from .secrecy import may_mark

    provision, reason = provision.strip(), reason.strip()
    if not provision:
        raise OrderError(_("Give the provision of the secrecy act that applies."),
                         field="provision")
    if not reason:
        raise OrderError(_("Give the reason for the secrecy marking."), field="reason")
    with transaction.atomic():
        order = _lock(order_id)
        if not may_mark(actor):
            raise NotAllowed(_("Only the ordering function can mark an order secret."))
        if (order.secrecy_provision, order.secrecy_reason) != (provision, reason):
            order.secrecy_provision, order.secrecy_reason = provision, reason
            _save(order, actor, _("Marked secret"),
                  update_fields=["secrecy_provision", "secrecy_reason"])
        return order


def order_unmark_secret(*, order_id: int, actor: User) -> Order:
    """Clear an order's secrecy marking (the ordering function only)."""
    from .secrecy import may_mark

    with transaction.atomic():
        order = _lock(order_id)
        if not may_mark(actor):
            raise NotAllowed(_("Only the ordering function can clear a secrecy marking."))
        if not order.is_secret:
            raise InvalidTransition(_("The order is not marked secret."))
        order.secrecy_provision = order.secrecy_reason = ""
        _save(order, actor, _("Secrecy marking cleared"),
              update_fields=["secrecy_provision", "secrecy_reason"])
        return order
