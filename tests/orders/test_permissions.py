"""Who sees which orders (`orders_visible_to`), and what listing them costs.

A person's scope (their role permissions and the departments they belong to) is looked up
once per request and cached on the user object; the listing itself is then one query that
filters on department ids and, for the exceptions (handler, provider staff), on guardian's
direct order permission table, never on guardian's generic table.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.models import GroupObjectPermission, UserObjectPermission

from orders import selectors
from orders.models import OrderUserObjectPermission
from orders.permissions import can_view, orders_visible_to
from tests.factories import (
    OrderFactory,
    ProviderFactory,
    UserFactory,
    fresh,
    make_order,
    make_orderer,
    make_provider_user,
)

pytestmark = pytest.mark.django_db

GENERIC_TABLES = ("guardian_userobjectpermission", "guardian_groupobjectpermission")


@pytest.fixture
def world(department, other_department, orderer, colleague, provider, provider_user,
          coordinator):
    """Orders of two departments in several states; `provider` carries out two of them."""
    other_orderer = make_orderer(other_department)
    other_provider = ProviderFactory()
    make_provider_user(other_provider)

    def of(state, who=orderer, dept=department, prov=provider):
        return make_order(state, department=dept, orderer=who, handler=coordinator,
                          provider=prov)

    return {
        "own_draft": of("draft"),
        "own_submitted": of("submitted"),
        "colleague_draft": of("draft", colleague),
        "colleague_submitted": of("submitted", colleague),
        "colleague_planned": of("planned", colleague),
        "approved": of("approved", colleague),
        "other_draft": of("draft", other_orderer, other_department),
        "other_submitted": of("submitted", other_orderer, other_department),
        "other_in_progress": of("in_progress", other_orderer, other_department),
        "other_provider_planned": of("planned", other_orderer, other_department,
                                     other_provider),
    }


def visible(user, world) -> set[str]:
    ids = set(orders_visible_to(fresh(user)).values_list("pk", flat=True))
    return {name for name, order in world.items() if order.pk in ids}


def test_an_orderer_sees_own_drafts_and_the_departments_submitted_orders(orderer, world):
    assert visible(orderer, world) == {
        "own_draft", "own_submitted", "colleague_submitted", "colleague_planned", "approved",
    }


def test_an_orderer_does_not_see_a_colleagues_draft(orderer, world):
    assert "colleague_draft" not in visible(orderer, world)


def test_an_orderer_never_sees_another_departments_orders(orderer, world):
    assert not {name for name in visible(orderer, world) if name.startswith("other_")}


def test_the_it_lead_sees_every_order_of_the_department_drafts_included(it_lead, world):
    assert visible(it_lead, world) == {
        "own_draft", "own_submitted", "colleague_draft", "colleague_submitted",
        "colleague_planned", "approved",
    }


def test_a_deputy_sees_the_departments_submitted_orders(department, world):
    deputy = UserFactory()
    make_orderer(department, deputy=deputy)

    assert visible(deputy, world) == {
        "own_submitted", "colleague_submitted", "colleague_planned", "approved",
    }


@pytest.mark.parametrize("role", ["coordinator", "change_manager", "it_chief"])
def test_the_ordering_function_change_manager_and_it_chief_see_every_order(
    role, request, world
):
    person = request.getfixturevalue(role)

    assert visible(person, world) == set(world)


def test_a_superuser_sees_every_order(world):
    assert visible(UserFactory(is_superuser=True), world) == set(world)


def test_a_provider_sees_only_the_orders_assigned_to_it(provider_user, world):
    assert visible(provider_user, world) == {"colleague_planned", "other_in_progress"}


def test_an_approved_order_is_not_yet_the_providers(provider_user, world):
    assert "approved" not in visible(provider_user, world)


def test_an_outsider_sees_no_order(outsider, world):
    assert visible(outsider, world) == set()


def test_an_anonymous_visitor_sees_no_order(world):
    assert not orders_visible_to(AnonymousUser()).exists()


def test_can_view_agrees_with_the_list(orderer, provider_user, outsider, world):
    for person in (orderer, provider_user, outsider):
        person = fresh(person)
        listed = set(orders_visible_to(person).values_list("pk", flat=True))
        for order in world.values():
            assert can_view(person, order) == (order.pk in listed)


# --- rights are kept in guardian's direct tables ----------------------------------------------


def test_order_rights_are_kept_in_the_direct_table_not_guardians_generic_one(world):
    assert OrderUserObjectPermission.objects.exists()
    assert not UserObjectPermission.objects.exists()
    assert not GroupObjectPermission.objects.exists()


# --- cost of listing ------------------------------------------------------------------------


def listing_queries(user) -> tuple[list[str], list[str]]:
    """The SQL of looking up `user`'s scope, and of then listing the orders."""
    with CaptureQueriesContext(connection) as scope:
        queryset = orders_visible_to(user)
    with CaptureQueriesContext(connection) as listing:
        rows = list(queryset)
    assert rows, "the listing should not be empty in these tests"
    return [q["sql"] for q in scope], [q["sql"] for q in listing]


@pytest.mark.parametrize("who", ["orderer", "provider_user", "it_lead"])
def test_listing_the_orders_a_person_may_see_is_one_query(
    who, request, world, django_assert_num_queries
):
    person = fresh(request.getfixturevalue(who))
    orders_visible_to(person)  # the scope is looked up once per request

    with django_assert_num_queries(1) as captured:
        rows = list(orders_visible_to(person))

    assert len(rows) >= 2
    sql = captured.captured_queries[0]["sql"]
    assert "orders_order" in sql
    for table in GENERIC_TABLES:
        assert table not in sql


@pytest.mark.parametrize("who", ["orderer", "provider_user"])
def test_no_query_of_the_listing_touches_guardians_generic_table(who, request, world):
    scope, listing = listing_queries(fresh(request.getfixturevalue(who)))

    for sql in scope + listing:
        for table in GENERIC_TABLES:
            assert table not in sql, sql


@pytest.mark.parametrize("who", ["orderer", "provider_user"])
def test_the_cost_of_listing_does_not_grow_with_the_number_of_orders(
    who, request, department, orderer, provider, world
):
    person = request.getfixturevalue(who)
    scope_before, listing_before = listing_queries(fresh(person))
    for _ in range(6):
        order = make_order("planned", department=department, orderer=orderer,
                           provider=provider)
        assert order.provider == provider

    scope_after, listing_after = listing_queries(fresh(person))

    assert len(listing_before) == len(listing_after) == 1
    assert len(scope_after) == len(scope_before) <= 5


def test_the_order_list_with_its_joins_is_one_query(orderer, world, django_assert_num_queries):
    person = fresh(orderer)
    selectors.order_list(person)

    with django_assert_num_queries(1):
        rows = list(selectors.order_list(person))
        # What each row of the list shows is loaded with it.
        labels = [(o.department.name, o.orderer.username, o.handler) for o in rows]

    assert len(labels) == 5


def test_bare_drafts_from_the_factory_are_visible_to_their_writer(department, orderer):
    draft = OrderFactory(department=department, orderer=orderer)

    assert list(orders_visible_to(fresh(orderer))) == [draft]
