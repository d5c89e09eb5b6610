"""Orders finished long ago and lately, one of them under a legal hold, with comments,
attachments and history, for the retention tests.

    old        closed eleven years ago, a comment and an attachment
    withdrawn  withdrawn eleven years ago
    held       closed eleven years ago, a comment and an attachment, under a legal hold
    recent     closed today, a comment
    open       in progress (submitted eleven years ago)
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from orders import services as order_services
from orders.models import Order
from records import services
from records.models import RetentionRule
from tests import factories

S = Order.Status
LONG_AGO = timedelta(days=365 * 11)


def attach(order: Order, name: str = "behov.pdf"):
    return order_services.attachment_add(
        order_id=order.pk, actor=order.orderer,
        upload=SimpleUploadedFile(name, b"%PDF-1.4 underlag", "application/pdf"))


def set_rules(**actions: tuple[int, str, str]) -> None:
    """Set rules directly: kind=(period, unit, action)."""
    services.schedule_ensure()
    for kind, (period, unit, action) in actions.items():
        RetentionRule.objects.filter(kind=kind).update(period=period, unit=unit, action=action)


ALL_ONE_YEAR = {
    "closed_orders": (1, "years", "keep"),
    "attachments": (1, "years", "delete"),
    "comments": (1, "years", "delete"),
    "history": (1, "years", "delete"),
    "personal_data": (1, "years", "pseudonymise"),
    "outbox": (1, "months", "delete"),
    "login_records": (1, "months", "delete"),
}


@pytest.fixture
def world(department, orderer, coordinator, change_manager, provider, provider_user):
    common = {"department": department, "orderer": orderer, "handler": coordinator,
              "change_manager": change_manager, "provider": provider,
              "provider_user": provider_user}
    # Written and commented while open, then finished as the generator of the benchmark
    # finishes its orders: by setting the state and its moment.
    old = factories.make_order(S.IN_PROGRESS, title="Gammal beställning", **common)
    withdrawn = factories.make_order(S.SUBMITTED, title="Återtagen beställning", **common)
    held = factories.make_order(S.IN_PROGRESS, title="Spärrad beställning", **common)
    recent = factories.make_order(S.IN_PROGRESS, title="Ny beställning", **common)
    open_ = factories.make_order(S.IN_PROGRESS, title="Pågående beställning", **common)
    for order in (old, held, recent):
        order_services.comment_add(order_id=order.pk, actor=orderer,
                                   body=f"Kommentar om {order.title}")
    files = {"old": attach(old), "held": attach(held)}
    now = timezone.now()
    for order, status, at in ((old, S.CLOSED, now - LONG_AGO),
                              (withdrawn, S.WITHDRAWN, now - LONG_AGO),
                              (held, S.CLOSED, now - LONG_AGO), (recent, S.CLOSED, now),
                              (open_, S.IN_PROGRESS, now - LONG_AGO)):
        Order.objects.filter(pk=order.pk).update(status=status, status_changed_at=at)
        order.refresh_from_db()
    hold = services.legal_hold_set(order_id=held.pk, actor=coordinator,
                                   reason="Begäran om utlämnande under prövning")
    set_rules(**ALL_ONE_YEAR)
    return SimpleNamespace(old=old, withdrawn=withdrawn, held=held, recent=recent,
                           open=open_, files=files, hold=hold)
