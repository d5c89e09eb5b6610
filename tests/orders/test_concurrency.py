"""Orders written at the same moment by several people.

The thread tests need PostgreSQL: SQLite serialises every writer, so it cannot show that the
row locks do their work. They run with real commits (`transaction=True`), start their
threads together on a barrier, and close each thread's connection at its end.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from guardian.models import UserObjectPermission

from orders import services
from orders.models import Order, OrderEvent, ReferenceCounter
from orders.services import InvalidTransition, StaleVersion
from tests.concurrency import as_user, run_together
from tests.factories import (
    DepartmentFactory,
    make_change_manager,
    make_coordinator,
    make_order,
    make_orderer,
)
from tyreso_it.core.models import OutboxMessage

S = Order.Status
THREADS = 20


# --- reference numbers -----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_gap_free_unique_references():
    department = DepartmentFactory()
    orderers = [make_orderer(department) for _ in range(4)]
    drafts = [
        make_order("draft", department=department, orderer=orderers[i % 4])
        for i in range(THREADS)
    ]

    results = run_together(
        THREADS,
        lambda i: services.order_submit(
            order_id=drafts[i].pk, actor=as_user(orderers[i % 4])
        ).reference,
    )

    year = timezone.localdate().year
    assert all(isinstance(r, str) for r in results), results
    assert sorted(results) == [f"B-{year}-{n:04d}" for n in range(1, THREADS + 1)]
    assert ReferenceCounter.objects.get(year=year).last == THREADS
    assert Order.objects.filter(status=S.SUBMITTED).count() == THREADS
    assert OrderEvent.objects.filter(action="submit").count() == THREADS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_refused_submissions_among_concurrent_ones_leave_no_gap():
    department = DepartmentFactory()
    orderer = make_orderer(department)
    # Every fourth draft lacks its need and is refused inside its transaction.
    drafts = [
        make_order("draft", department=department, orderer=orderer,
                   need="" if i % 4 == 0 else "Ett behov")
        for i in range(THREADS)
    ]

    results = run_together(
        THREADS,
        lambda i: services.order_submit(order_id=drafts[i].pk, actor=as_user(orderer)).reference,
    )

    year = timezone.localdate().year
    refused = [r for r in results if isinstance(r, services.OrderError)]
    references = sorted(r for r in results if isinstance(r, str))
    assert len(refused) == THREADS // 4
    assert references == [f"B-{year}-{n:04d}" for n in range(1, len(references) + 1)]
    assert ReferenceCounter.objects.get(year=year).last == len(references)


# --- conflicting transitions on one order ----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_twenty_people_taking_on_one_order_exactly_one_wins():
    order = make_order("submitted")
    coordinators = [make_coordinator() for _ in range(THREADS)]
    version = order.version
    history = order.history.count()

    results = run_together(
        THREADS,
        lambda i: services.order_take_on(order_id=order.pk, actor=as_user(coordinators[i])),
    )

    winners = [r for r in results if isinstance(r, Order)]
    conflicts = [r for r in results if isinstance(r, InvalidTransition)]
    assert len(winners) == 1, results
    assert len(conflicts) == THREADS - 1, results
    assert all(c.status_code == 409 for c in conflicts)
    order.refresh_from_db()
    assert order.status == S.IN_PREPARATION
    assert order.handler_id == winners[0].handler_id
    assert order.version == version + 1
    assert order.history.count() == history + 1
    event = OrderEvent.objects.get(order=order, action="take_on")
    assert event.actor_id == order.handler_id
    assert OutboxMessage.objects.filter(dedupe_key=f"order-event-{event.pk}").count() == 1
    # Nothing of a losing attempt remains, and no one is given a permission row of their own:
    # the handler sees the order through the ordering function's role.
    assert not UserObjectPermission.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_withdrawals_racing_a_board_decision_let_exactly_one_through():
    order = make_order("ready_for_decision")
    orderer = order.orderer
    chair = make_change_manager()

    def work(i: int) -> Order:
        if i % 2:
            return services.order_withdraw(order_id=order.pk, actor=as_user(orderer),
                                           reason=f"Återkallad {i}")
        return services.order_apply_board_decision(
            order_id=order.pk, actor=as_user(chair), outcome="approve", note=f"Beslut {i}"
        )

    results = run_together(THREADS, work)

    winners = [r for r in results if isinstance(r, Order)]
    assert len(winners) == 1, results
    assert all(isinstance(r, InvalidTransition) for r in results if r is not winners[0])
    order.refresh_from_db()
    events = list(OrderEvent.objects.filter(order=order, action__in=["withdraw",
                                                                       "board_approve"]))
    assert len(events) == 1
    if events[0].action == "withdraw":
        assert (order.status, order.decided_at, order.decision_note) == (S.WITHDRAWN, None, "")
    else:
        assert order.status == S.APPROVED
        assert order.decided_at is not None
        assert order.decision_note == events[0].reason


# --- a stale form ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_a_stale_form_is_refused_and_keeps_the_newer_data(make_order, orderer, it_lead):
    order = make_order("draft", title="Första titeln")
    seen_version = order.version
    services.order_update_request(
        order_id=order.pk, actor=it_lead, data={"title": "IT-ledarens titel"},
        expected_version=seen_version,
    )

    with pytest.raises(StaleVersion) as refused:
        services.order_update_request(
            order_id=order.pk, actor=orderer,
            data={"title": "Beställarens titel", "need": "Nytt behov"},
            expected_version=seen_version,
        )

    assert refused.value.status_code == 409
    order.refresh_from_db()
    assert order.title == "IT-ledarens titel"
    assert order.need != "Nytt behov"
    assert order.version == seen_version + 1


@pytest.mark.django_db
def test_saving_with_the_current_version_succeeds_and_raises_the_version(make_order, orderer):
    order = make_order("draft")

    order = services.order_update_request(
        order_id=order.pk, actor=orderer, data={"title": "Ny titel"},
        expected_version=order.version,
    )

    order.refresh_from_db()
    assert (order.title, order.version) == ("Ny titel", 2)
    assert order.history.first().history_user == orderer


@pytest.mark.django_db
def test_saving_unchanged_data_does_not_raise_the_version(make_order, orderer):
    order = make_order("draft", title="Samma")

    services.order_update_request(order_id=order.pk, actor=orderer, data={"title": "Samma"},
                                  expected_version=order.version)

    order.refresh_from_db()
    assert order.version == 1
