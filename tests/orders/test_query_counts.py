"""Query counts of the order pages: pinned exactly with several rows, and proven not to grow
with the number of rows (healthchecks `api/tests/test_list_checks.py`).

Each count is taken on the second of two identical requests, so what is measured is the steady
state of a request: process-wide caches (content types, guardian's permission-to-content-type
cache) are warm, as they are in a running server after its first request.

Being logged in costs one query in the steady state, the access token (tests.queries): the
session is read from the cache (settings.SESSION_ENGINE, cached_db), and so are the facts
every page starts from (organisation.access): the user row, the user's permissions, where the
user stands (departments they belong to or coordinate, providers they work for) and whether
they are called to a board meeting. The first request after a change of access reads those
four from the database (tests/organisation/test_access.py pins that).

The page's own queries are listed with each test.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from orders import selectors, services
from orders.models import Order
from servicecatalog.models import Service
from tests import factories
from tests.queries import ACCESS_TOKEN, KEPT_STATE

pytestmark = pytest.mark.django_db

S = Order.Status


def measure(client, url: str):
    """GET `url` twice and return the second response and the queries it ran."""
    warm = client.get(url)
    assert warm.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, ctx


def assert_count(ctx: CaptureQueriesContext, expected: int) -> None:
    sql = "\n".join(f"{i}. {q['sql'][:300]}" for i, q in enumerate(ctx.captured_queries, 1))
    assert len(ctx) == expected, f"{len(ctx)} queries, expected {expected}:\n{sql}"


_sequence = iter(range(1, 100_000))


def bare_order(*, department, status=S.SUBMITTED, orderer=None, handler=None, **fields) -> Order:
    """An order row written directly (no service): fast, for listing only.

    Each has its own orderer and, unless given, its own handler, so a page that fetched people
    per row would show it in its count.
    """
    number = next(_sequence)
    if status != S.DRAFT:
        fields.setdefault("reference", f"B-1900-{number:04d}")  # never a real year
    if handler is None and status not in {S.DRAFT, S.SUBMITTED}:
        handler = factories.UserFactory()
    return factories.OrderFactory(
        department=department,
        orderer=orderer or factories.UserFactory(),
        status=status,
        handler=handler,
        title=f"Beställning nr {number}",
        **fields,
    )


def titles_in(response, orders) -> None:
    content = response.content.decode()
    missing = [o.title for o in orders if o.title not in content]
    assert not missing, f"rows not on the page: {missing}"


# --- the order list ---------------------------------------------------------------------

# The orderer's list:
#   1. COUNT of the visible, filtered orders    (paginator; orders.tallies)
#   2. the page of orders, with department and handler joined
# (2, was 11: the session, the person's access and the filter's choices of departments and
# handlers, which follow from people's rights, are read from the access cache.)
ORDERER_LIST = ACCESS_TOKEN + 2


def orderer_list_rows(department, orderer, count: int) -> list[Order]:
    statuses = [S.SUBMITTED, S.IN_PREPARATION, S.READY_FOR_DECISION, S.PLANNED]
    rows = [bare_order(department=department, status=statuses[i % 4]) for i in range(count - 1)]
    rows.append(bare_order(department=department, status=S.DRAFT, orderer=orderer))
    return rows


def test_order_list_for_an_orderer_has_a_fixed_number_of_queries(client, department, orderer):
    rows = orderer_list_rows(department, orderer, 5)
    client.force_login(orderer)
    response, ctx = measure(client, reverse("orders:list"))
    titles_in(response, rows)
    assert_count(ctx, ORDERER_LIST)


def test_order_list_query_count_does_not_grow_with_rows(client, department, orderer):
    client.force_login(orderer)
    url = reverse("orders:list")
    orderer_list_rows(department, orderer, 3)
    _, few = measure(client, url)
    orderer_list_rows(department, orderer, 27)
    response, many = measure(client, url)
    assert response.context["page"].paginator.count == 30
    assert len(response.context["page"].object_list) == 25
    assert len(many) == len(few) == ORDERER_LIST


# The ordering function's list (sees every order, so no department scope):
#   1. COUNT of the filtered orders
#   2. the page of orders, with department and handler joined
COORDINATOR_LIST = ACCESS_TOKEN + 2


def all_departments_rows(count: int) -> list[Order]:
    departments = [factories.DepartmentFactory() for _ in range(3)]
    return [bare_order(department=departments[i % 3]) for i in range(count)]


def test_order_list_for_the_ordering_function_has_a_fixed_number_of_queries(
    client, coordinator
):
    rows = all_departments_rows(6)
    client.force_login(coordinator)
    response, ctx = measure(client, reverse("orders:list") + "?sort=reference")
    titles_in(response, rows)
    assert_count(ctx, COORDINATOR_LIST)


def test_filtered_order_list_query_count_does_not_grow_with_rows(client, coordinator):
    client.force_login(coordinator)
    url = reverse("orders:list") + "?status=submitted&status=in_preparation&q=Best&sort=title"
    all_departments_rows(3)
    _, few = measure(client, url)
    all_departments_rows(27)
    response, many = measure(client, url)
    assert response.context["page"].paginator.count == 30
    assert len(many) == len(few) == COORDINATOR_LIST


# --- start pages ------------------------------------------------------------------------

# The ordering function's start page:
#   1–4. one list per queue column shown: new, waiting for supplement, ready for decision,
#        ageing (each with department, handler and orderer joined; at most 10 rows)
#   5. the tiles' counts, one aggregate
#   6. the orders the user handles, at most 10 of each state's group (one query, numbered
#      within each group: orders.selectors.handled_by)
QUEUE = ACCESS_TOKEN + 6


def queue_rows(coordinator, per_column: int) -> list[Order]:
    departments = [factories.DepartmentFactory() for _ in range(2)]
    long_ago = timezone.now() - timedelta(days=60)
    rows = []
    for i in range(per_column):
        department = departments[i % 2]
        rows.append(bare_order(department=department, status=S.SUBMITTED))
        rows.append(bare_order(department=department, status=S.IN_PREPARATION,
                               handler=coordinator))
        rows.append(bare_order(department=department, status=S.AWAITING_SUPPLEMENT))
        rows.append(bare_order(department=department, status=S.READY_FOR_DECISION,
                               priority_score=Decimal(i)))
        ageing = bare_order(department=department, status=S.IN_PREPARATION)
        Order.objects.filter(pk=ageing.pk).update(status_changed_at=long_ago)
        rows.append(ageing)
    return rows


def test_queue_of_the_ordering_function_has_a_fixed_number_of_queries(client, coordinator):
    rows = queue_rows(coordinator, 3)
    client.force_login(coordinator)
    response, ctx = measure(client, reverse("home"))
    titles_in(response, rows)
    assert response.context["queue_counts"]["ageing"] == 3
    assert_count(ctx, QUEUE)


def test_queue_query_count_does_not_grow_with_rows(client, coordinator):
    client.force_login(coordinator)
    queue_rows(coordinator, 1)
    _, few = measure(client, reverse("home"))
    queue_rows(coordinator, 14)
    response, many = measure(client, reverse("home"))
    assert response.context["queue_counts"]["submitted"] == 15
    assert len(response.context["queue"]["submitted"]) == 10
    assert len(response.context["mine"]["preparing"]) == 10
    assert len(many) == len(few) == QUEUE


# The orderer's start page:
#   1. the user's departments (names, for the heading)
#   2. the user's own open orders
#   3. the colleagues' open orders
#   4. the orders waiting for the user (supplement requested, delivered)
ORDERER_HOME = ACCESS_TOKEN + 4


def orderer_home_rows(department, orderer, count: int) -> list[Order]:
    rows = []
    statuses = [S.SUBMITTED, S.AWAITING_SUPPLEMENT, S.DELIVERED, S.IN_PREPARATION]
    for i in range(count):
        rows.append(bare_order(department=department, status=statuses[i % 4], orderer=orderer))
        rows.append(bare_order(department=department, status=statuses[i % 4]))
    return rows


def test_start_page_of_an_orderer_has_a_fixed_number_of_queries(client, department, orderer):
    rows = orderer_home_rows(department, orderer, 3)
    client.force_login(orderer)
    response, ctx = measure(client, reverse("home"))
    titles_in(response, rows)
    assert_count(ctx, ORDERER_HOME)


def test_start_page_of_an_orderer_query_count_does_not_grow_with_rows(
    client, department, orderer
):
    client.force_login(orderer)
    orderer_home_rows(department, orderer, 2)
    _, few = measure(client, reverse("home"))
    orderer_home_rows(department, orderer, 15)
    response, many = measure(client, reverse("home"))
    assert len(response.context["own_orders"]) == 10
    assert len(many) == len(few) == ORDERER_HOME


# The provider's start page:
#   1. the assigned orders (planned, in progress, delivered), with their joins
PROVIDER_HOME = ACCESS_TOKEN + 1


def provider_rows(provider, provider_user, count: int) -> list[Order]:
    departments = [factories.DepartmentFactory() for _ in range(2)]
    statuses = [S.PLANNED, S.IN_PROGRESS, S.DELIVERED]
    today = timezone.localdate()
    rows = []
    for i in range(count):
        order = bare_order(department=departments[i % 2], status=statuses[i % 3],
                           provider=provider, planned_start=today,
                           planned_end=today + timedelta(days=i))
        rows.append(order)
    return rows


def test_start_page_of_a_provider_has_a_fixed_number_of_queries(client, provider, provider_user):
    rows = provider_rows(provider, provider_user, 4)
    client.force_login(provider_user)
    response, ctx = measure(client, reverse("home"))
    titles_in(response, rows)
    assert_count(ctx, PROVIDER_HOME)


def test_start_page_of_a_provider_query_count_does_not_grow_with_rows(
    client, provider, provider_user
):
    client.force_login(provider_user)
    provider_rows(provider, provider_user, 3)
    _, few = measure(client, reverse("home"))
    provider_rows(provider, provider_user, 27)
    response, many = measure(client, reverse("home"))
    assert len(response.context["assigned"]) == 25
    assert len(many) == len(few) == PROVIDER_HOME


# --- the order page ---------------------------------------------------------------------

# The handler's view of an order in preparation:
#   1. the order, with department, IT lead, orderer, handler, provider, service and priority
#      model joined                               (orders.selectors.order_detail)
#   2. prefetch: the priority model's factors      (the score's breakdown)
#   3. prefetch: solution options
#   4. prefetch: attachments
#   5. prefetch: comments with their authors       (timeline and supplement call-out)
#   6. transitions with their actors               (orders.selectors.order_timeline)
#   7. the order's history records with their users
#   8. the HUKI matrix's version in force, with the newest change to its roles, activities
#      and cells                                  (raci.selectors.order_raci; the current
#      step's cells and the people of their group roles are kept in the access cache under it)
#   9. the order's consultations with their roles, activities and answerers
# and, on PostgreSQL, the database's state, under which 6–7 (the history and comments as the
# page shows them) are kept between requests (tyreso_it.core.kept; a test's transaction that
# has written keeps nothing, so they are read each time here).
# The handlers offered for "change handler" (the people of the ordering function) and the
# user's roles (may the user answer an open consultation?) are kept in the access cache.
# The timeline names the changed handler and priority model from what the page has already
# loaded (the order's own, the transitions' actors), so naming them costs no query
# (orders.selectors._known_names).
HANDLER_DETAIL = ACCESS_TOKEN + 9 + KEPT_STATE


def prepared_order(make_order, coordinator) -> Order:
    order = make_order(S.IN_PREPARATION)
    services.order_update_preparation(
        order_id=order.pk, actor=coordinator,
        data={**factories.COMPLETE_BRIEF, "priority_values": dict(factories.PRIORITY_VALUES)},
        expected_version=Order.objects.get(pk=order.pk).version,
    )
    return order


def add_rows(order: Order, *, orderer, coordinator, count: int) -> None:
    """`count` of everything the order page shows a list of: comments, field edits,
    supplement rounds (transitions and their messages), solution options and attachments."""
    for i in range(count):
        services.comment_add(order_id=order.pk, actor=orderer, body=f"Kommentar {i}")
        services.comment_add(order_id=order.pk, actor=coordinator, body=f"Svar {i}")
        services.order_update_preparation(
            order_id=order.pk, actor=coordinator,
            data={"it_requirements": f"Krav, version {i}",
                  "estimated_cost": Decimal(40_000 + i)},
            expected_version=Order.objects.get(pk=order.pk).version,
        )
        services.option_add(order_id=order.pk, actor=coordinator,
                            data={"title": f"Alternativ {i}", "pros": "Billigt"})
        services.attachment_add(
            order_id=order.pk, actor=orderer,
            upload=SimpleUploadedFile(f"bilaga-{i}.txt", b"text", content_type="text/plain"),
        )
        if i % 3 == 0:
            services.order_request_supplement(order_id=order.pk, actor=coordinator,
                                              question=f"Fråga {i}?")
            services.order_supplement(order_id=order.pk, actor=orderer, answer=f"Svar {i}.")


def test_order_page_has_a_fixed_number_of_queries(client, make_order, orderer, coordinator):
    order = prepared_order(make_order, coordinator)
    add_rows(order, orderer=orderer, coordinator=coordinator, count=3)
    client.force_login(coordinator)
    response, ctx = measure(client, order.get_absolute_url())
    assert response.content.decode().count('class="timeline-comment"') == 6
    assert_count(ctx, HANDLER_DETAIL)


def test_order_page_query_count_does_not_grow_with_history(
    client, make_order, orderer, coordinator
):
    order = prepared_order(make_order, coordinator)
    client.force_login(coordinator)
    _, bare = measure(client, order.get_absolute_url())
    add_rows(order, orderer=orderer, coordinator=coordinator, count=30)
    response, long = measure(client, order.get_absolute_url())
    content = response.content.decode()
    # The page shows the most recent entries of the history, the rest on request.
    assert content.count('<li class="timeline-') == selectors.TIMELINE_RECENT
    assert content.count("Alternativ ") >= 30
    assert order.history.count() > 40
    assert len(long) == len(bare) == HANDLER_DETAIL
    # The whole history costs the same queries.
    response, whole = measure(client, order.get_absolute_url() + "?historik=alla")
    assert response.content.decode().count('class="timeline-comment"') == 60
    assert len(whole) == HANDLER_DETAIL


# The orderer's view of the same order:
#   1. the order with its joins
#   2–5. prefetch: factors, options, attachments, comments with their authors
#   6. transitions with their actors
#   7. history records with their users
#   8–9. the HUKI matrix: the version in force, the consultations (as for the handler)
ORDERER_DETAIL = ACCESS_TOKEN + 9 + KEPT_STATE


def test_order_page_for_the_orderer_has_a_fixed_number_of_queries(
    client, make_order, orderer, coordinator
):
    order = prepared_order(make_order, coordinator)
    add_rows(order, orderer=orderer, coordinator=coordinator, count=2)
    client.force_login(orderer)
    _, few = measure(client, order.get_absolute_url())
    add_rows(order, orderer=orderer, coordinator=coordinator, count=20)
    _, many = measure(client, order.get_absolute_url())
    assert len(many) == len(few)
    assert_count(many, ORDERER_DETAIL)


# The timeline names what a changed foreign key pointed to with one query per related model,
# for the values not already loaded with the page: at most four (catalogue service, people,
# priority model, provider), whatever the number of changes. An order whose history touches
# all four, seen by the ordering function after delivery: the order and its four prefetches
# (5), transitions and history records (2), one name lookup (the catalogue service it no
# longer has; the handlers, the priority model and the provider are the order's own or the
# transitions' actors), the HUKI
# matrix's version in force and the consultations (2; the step's cells, the people of its
# group roles and the provider's staff, informed of the acceptance, are kept in the access
# cache; every consultation of a delivered order has lapsed, so the user's roles are not
# asked). 10; it was 21 when every changed foreign key was looked up and the session, the
# person's access and permissions took seven queries.
EVERY_CHANGE_DETAIL = ACCESS_TOKEN + 10 + KEPT_STATE


def test_order_page_with_every_kind_of_change_stays_within_its_budget(
    client, make_order, orderer, coordinator, change_manager, provider, provider_user
):
    first, second = Service.objects.create(name="E-arkiv"), Service.objects.create(name="Diarium")
    order = make_order(S.DRAFT, service=first)
    services.order_update_request(order_id=order.pk, actor=orderer, data={"service": second},
                                  expected_version=Order.objects.get(pk=order.pk).version)
    services.order_submit(order_id=order.pk, actor=orderer)
    services.order_take_on(order_id=order.pk, actor=coordinator)
    services.order_assign_handler(order_id=order.pk, actor=coordinator, handler=change_manager)
    services.order_update_preparation(
        order_id=order.pk, actor=change_manager,
        data={**factories.COMPLETE_BRIEF, "priority_values": dict(factories.PRIORITY_VALUES)},
        expected_version=Order.objects.get(pk=order.pk).version,
    )
    add_rows(order, orderer=orderer, coordinator=change_manager, count=3)
    services.order_mark_ready(order_id=order.pk, actor=change_manager)
    services.order_apply_board_decision(order_id=order.pk, actor=change_manager,
                                        outcome="approve")
    today = timezone.localdate()
    services.order_plan(order_id=order.pk, actor=coordinator, provider=provider,
                        planned_start=today, planned_end=today)
    services.order_start(order_id=order.pk, actor=provider_user)
    services.order_deliver(order_id=order.pk, actor=provider_user)
    client.force_login(coordinator)
    response, ctx = measure(client, order.get_absolute_url())
    changed = {label for e in response.context["timeline"].entries
               for label, _old, _new in e.changes}
    with translation.override("sv"):
        foreign_keys = {str(Order._meta.get_field(name).verbose_name)
                        for name in ("service", "handler", "priority_model", "provider")}
    assert foreign_keys <= changed
    assert_count(ctx, EVERY_CHANGE_DETAIL)


# The change manager's view of an order ready for decision: the handler's view (1–9) and
#  10. the meeting whose agenda holds the order for decision (board.selectors.decision_meeting)
DECISION_DETAIL = ACCESS_TOKEN + 10 + KEPT_STATE


def test_order_page_of_an_order_ready_for_decision_names_its_meeting_in_one_query(
    client, make_order, orderer, coordinator, change_manager
):
    from board import services as board_services

    meetings = [
        board_services.meeting_create(actor=change_manager,
                                      starts_at=timezone.now() + timedelta(days=days))
        for days in (7, 14, 21)
    ]
    pages = []
    for rows, meeting in ((1, meetings[1]), (4, meetings[2])):
        order = prepared_order(make_order, coordinator)
        add_rows(order, orderer=orderer, coordinator=coordinator, count=rows)
        order = services.order_mark_ready(order_id=order.pk, actor=coordinator)
        board_services.agenda_add_item(meeting_id=meeting.pk, actor=change_manager,
                                       order=order)
        pages.append((order, meeting))
    client.force_login(change_manager)
    for order, meeting in pages:
        response, ctx = measure(client, order.get_absolute_url())
        assert response.context["board_decision"]["meeting"] == meeting
        assert_count(ctx, DECISION_DETAIL)
