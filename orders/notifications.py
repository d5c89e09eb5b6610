"""Who is told of what happens to an order, queued in the outbox of the same transaction.

Nothing here talks to the mail server or the broker: the messages wait in the outbox until
the periodic drain sends them, so a web request never waits on either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from organisation.models import User
from tyreso_it.core.services import outbox_enqueue

if TYPE_CHECKING:
    from .models import Comment, Order, OrderEvent


def _ordering_function_emails() -> list[str]:
    permission = Permission.objects.get(
        content_type__app_label="orders", codename="prepare_order"
    )
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def _orderer_side(order: Order) -> list[str]:
    """The orderer, while still of the department (an email links to the order, which someone
    who has left the register may no longer open), and the department's IT lead."""
    from .permissions import speaks_for_orderer

    emails = [order.orderer.email] if speaks_for_orderer(order.orderer, order) else []
    if order.department.it_lead_id:
        emails.append(order.department.it_lead.email)
    return emails


def _recipients(order: Order, event: OrderEvent) -> list[str]:
    action = event.action
    if action == "submit":
        return _ordering_function_emails() + _orderer_side(order)
    if action.startswith("board_"):
        # The orderer's side hears of a board decision through the minutes' expediering.
        return [order.handler.email] if order.handler_id else []
    emails = _orderer_side(order)
    if order.handler_id:
        emails.append(order.handler.email)
    if action in {"plan", "report_deviation"} and order.provider_id:
        emails.append(order.provider.email)
        emails += [m.email for m in order.provider.members.all()]
    if action in {"supplement", "withdraw"} and order.handler_id:
        emails.append(order.handler.email)
    if action == "withdraw" and event.from_status == "submitted":
        # Nobody has taken it on yet: it is in the whole ordering function's queue.
        emails += _ordering_function_emails()
    return emails


def _order_url(order: Order) -> str:
    return settings.SITE_URL.rstrip("/") + order.get_absolute_url()


def notify_transition(*, order: Order, event: OrderEvent) -> None:
    """Queue an email about a transition to everyone concerned except the actor, and what the
    HUKI matrix in force adds: consultations for the roles with K, notices for those with I."""
    with translation.override(settings.LANGUAGE_CODE):
        recipients = set(_recipients(order, event)) - {getattr(event.actor, "email", "")}
        subject = _("%(reference)s %(title)s: %(status)s") % {
            "reference": order.reference or _("Draft"),
            "title": order.title,
            "status": order.get_status_display(),
        }
        lines = [
            _("The order “%(title)s” of %(department)s is now: %(status)s.")
            % {
                "title": order.title,
                "department": order.department.name,
                "status": order.get_status_display(),
            },
            _("By: %(actor)s") % {"actor": event.actor},
        ]
        if event.reason:
            lines += ["", event.reason]
        lines += ["", _("Open the order: %(url)s") % {"url": _order_url(order)}]
        outbox_enqueue(
            recipients=recipients,
            subject=subject,
            body="\n".join(lines),
            dedupe_key=f"order-event-{event.pk}",
        )
    # The HUKI matrix in force decides who else is asked (K) and told (I), in this same
    # transaction; those told above are not told twice.
    from raci.services import order_step_consult_and_inform

    order_step_consult_and_inform(order=order, event=event, already_told=recipients)


def notify_comment(*, order: Order, comment: Comment) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        recipients = set(_orderer_side(order))
        if order.handler_id:
            recipients.add(order.handler.email)
        recipients.discard(comment.author.email)
        outbox_enqueue(
            recipients=recipients,
            subject=_("New comment on %(reference)s %(title)s")
            % {"reference": order.reference or _("Draft"), "title": order.title},
            body="\n".join(
                [
                    _("%(author)s wrote:") % {"author": comment.author},
                    "",
                    comment.body,
                    "",
                    _("Open the order: %(url)s") % {"url": _order_url(order)},
                ]
            ),
            dedupe_key=f"order-comment-{comment.pk}",
        )
