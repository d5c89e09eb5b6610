"""Who sees which orders (`Order.objects.visible_to`), and what listing them costs.

A person's scope (their role permissions, the departments they belong to, their providers and
the roles a HUKI step can show an order to) is looked up once per request and cached on the
user object; the listing itself is then one query that filters on department and provider
ids and, for the roles, on the orders shown to them (`raci.OrderRoleSight`), never on a
permission table per person and order.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.functional import SimpleLazyObject
from guardian.models import GroupObjectPermission, UserObjectPermission

from orders import selectors
from orders.models import Order
from orders.permissions import can_view, is_provider_staff
from organisation.models import Role
from organisation.services import provider_add_member
from raci.models import OrderRoleSight
from tests.factories import (
    DepartmentFactory,
    OrderFactory,
    ProviderFactory,
    UserFactory,
    add_role,
    fresh,
    make_change_manager,
    make_coordinator,
    make_it_chief,
    make_it_lead,
    make_order,
    make_orderer,
    make_outsider,
    make_provider_user,
    make_role_user,
)

pytestmark = pytest.mark.django_db

GENERIC_TABLES = ("guardian_userobjectpermission", "guardian_groupobjectpermission")


@pytest.fixture(scope="module")
def world(module_transaction):
    """Two departments with orders in several states, and a person of every role.

    `provider` carries out two orders; another provider carries out a third. Made once for
    the module: the tests only read it.
    """
    # Named apart from the `department` fixtures, which tests of this module may use too.
    department = DepartmentFactory(name="Kultur- och fritidsförvaltningen", short_name="KFF")
    other_department = DepartmentFactory(name="Samhällsbyggnadsförvaltningen", short_name="SBF")
    provider, other_provider = ProviderFactory(), ProviderFactory()
    people = SimpleNamespace(
        department=department,
        orderer=make_orderer(department),
        colleague=make_orderer(department),
        deputy=UserFactory(),
        it_lead=make_it_lead(department),
        coordinator=make_coordinator(),
        change_manager=make_change_manager(),
        it_chief=make_it_chief(),
        superuser=UserFactory(is_superuser=True),
        provider=provider,
        provider_user=make_provider_user(provider),
        other_orderer=make_orderer(other_department),
        outsider=make_outsider(),
    )
    make_orderer(department, deputy=people.deputy)
    make_provider_user(other_provider)
    # Both halves of the permission filter at once: a member of the department who also
    # works for the provider (and so sees some orders two ways).
    people.staff_orderer = make_orderer(department)
    provider_add_member(provider=provider, user=people.staff_orderer)
    # ... and who holds a role a HUKI step showed an order to: all three ways at once.
    people.staff_orderer = add_role(people.staff_orderer, Role.Code.IT_OPERATIONS_MANAGER)

    def of(state, who=people.orderer, dept=department, prov=provider):
        return make_order(state, department=dept, orderer=who, handler=people.coordinator,
                          change_manager=people.change_manager, provider=prov)

    colleague, other = people.colleague, people.other_orderer
    # Shown by a HUKI step to the IT operations manager's role, and so to whoever holds it.
    people.operations_manager = make_role_user(Role.Code.IT_OPERATIONS_MANAGER)
    people.service_desk = make_role_user(Role.Code.SERVICE_DESK)
    people.orders = {
        "own_draft": of("draft"),
        "own_submitted": of("submitted"),
        "colleague_draft": of("draft", colleague),
        "colleague_submitted": of("submitted", colleague),
        "colleague_planned": of("planned", colleague),
        "approved": of("approved", colleague),
        "other_draft": of("draft", other, other_department),
        "other_submitted": of("submitted", other, other_department),
        "other_in_progress": of("in_progress", other, other_department),
        "other_provider_planned": of("planned", other, other_department, other_provider),
    }
    OrderRoleSight.objects.create(
        order=people.orders["other_submitted"],
        role=Role.objects.get(code=Role.Code.IT_OPERATIONS_MANAGER),
    )
    return people


def visible(user, world) -> set[str]:
    """Names of the world's orders that `user` sees."""
    ids = set(Order.objects.visible_to(fresh(user)).values_list("pk", flat=True))
    return {name for name, order in world.orders.items() if order.pk in ids}


def test_an_orderer_sees_own_drafts_and_the_departments_submitted_orders(world):
    assert visible(world.orderer, world) == {
        "own_draft", "own_submitted", "colleague_submitted", "colleague_planned", "approved",
    }


def test_an_orderer_does_not_see_a_colleagues_draft(world):
    assert "colleague_draft" not in visible(world.orderer, world)


def test_an_orderer_never_sees_another_departments_orders(world):
    assert not {name for name in visible(world.orderer, world) if name.startswith("other_")}


def test_the_it_lead_sees_every_order_of_the_department_drafts_included(world):
    assert visible(world.it_lead, world) == {
        "own_draft", "own_submitted", "colleague_draft", "colleague_submitted",
        "colleague_planned", "approved",
    }


def test_a_deputy_sees_the_departments_submitted_orders(world):
    assert visible(world.deputy, world) == {
        "own_submitted", "colleague_submitted", "colleague_planned", "approved",
    }


@pytest.mark.parametrize("role", ["coordinator", "change_manager", "it_chief"])
def test_the_ordering_function_change_manager_and_it_chief_see_every_order(role, world):
    assert visible(getattr(world, role), world) == set(world.orders)


def test_a_superuser_sees_every_order(world):
    assert visible(world.superuser, world) == set(world.orders)


def test_a_provider_sees_only_the_orders_assigned_to_it(world):
    assert visible(world.provider_user, world) == {"colleague_planned", "other_in_progress"}


def test_an_approved_order_is_not_yet_the_providers(world):
    assert "approved" not in visible(world.provider_user, world)


def test_an_outsider_sees_no_order(world):
    assert visible(world.outsider, world) == set()


def test_an_anonymous_visitor_sees_no_order(world):
    assert not Order.objects.visible_to(AnonymousUser()).exists()


def test_can_view_agrees_with_the_list(world):
    for person in (world.orderer, world.it_lead, world.provider_user, world.outsider):
        person = fresh(person)
        listed = set(Order.objects.visible_to(person).values_list("pk", flat=True))
        for order in world.orders.values():
            assert can_view(person, order) == (order.pk in listed)


def test_a_role_a_huki_step_showed_an_order_to_sees_those_orders_only(world):
    role = Role.objects.get(code=Role.Code.IT_OPERATIONS_MANAGER)
    shown = {name for name, order in world.orders.items()
             if OrderRoleSight.objects.filter(order=order, role=role).exists()}

    assert visible(world.operations_manager, world) == shown
    # The matrix in force consults the role on the brief and the plan; never on a draft.
    assert {"other_submitted", "approved", "colleague_planned"} <= shown
    assert not {"own_draft", "colleague_draft", "other_draft", "own_submitted"} & shown


def test_the_service_desk_sees_no_order(world):
    assert visible(world.service_desk, world) == set()


# --- no permission rows per person ------------------------------------------------------------


def test_no_order_right_is_a_permission_row_of_a_person(world):
    assert not UserObjectPermission.objects.exists()
    assert not GroupObjectPermission.objects.exists()


# --- cost of listing ------------------------------------------------------------------------


def listing_queries(user) -> tuple[list[str], list[str]]:
    """The SQL of looking up `user`'s scope, and of then listing the orders."""
    with CaptureQueriesContext(connection) as scope:
        queryset = Order.objects.visible_to(user)
    with CaptureQueriesContext(connection) as listing:
        rows = list(queryset)
    assert rows, "the listing should not be empty in these tests"
    return [q["sql"] for q in scope], [q["sql"] for q in listing]


@pytest.mark.parametrize("who", ["orderer", "provider_user", "it_lead"])
def test_listing_the_orders_a_person_may_see_is_one_query(
    who, world, django_assert_num_queries
):
    person = fresh(getattr(world, who))
    Order.objects.visible_to(person)  # the scope is looked up once per request

    with django_assert_num_queries(1) as captured:
        rows = list(Order.objects.visible_to(person))

    assert len(rows) >= 2
    sql = captured.captured_queries[0]["sql"]
    assert "orders_order" in sql
    for table in GENERIC_TABLES:
        assert table not in sql


@pytest.mark.parametrize("who", ["orderer", "provider_user"])
def test_no_query_of_the_listing_touches_guardians_generic_table(who, world):
    scope, listing = listing_queries(fresh(getattr(world, who)))

    for sql in scope + listing:
        for table in GENERIC_TABLES:
            assert table not in sql, sql


@pytest.mark.parametrize("who", ["orderer", "provider_user"])
def test_the_cost_of_listing_does_not_grow_with_the_number_of_orders(who, world):
    person = getattr(world, who)
    scope_before, listing_before = listing_queries(fresh(person))
    for _ in range(6):
        make_order("planned", department=world.department, orderer=world.orderer,
                   handler=world.coordinator, provider=world.provider)

    scope_after, listing_after = listing_queries(fresh(person))

    assert len(visible(person, world)) < len(list(Order.objects.visible_to(fresh(person))))
    assert len(listing_before) == len(listing_after) == 1
    assert len(scope_after) == len(scope_before) <= 5


def test_the_order_list_with_its_joins_is_one_query(world, django_assert_num_queries):
    person = fresh(world.orderer)
    selectors.order_list(person)

    with django_assert_num_queries(1):
        rows = list(selectors.order_list(person))
        # What each row of the list shows is loaded with it.
        labels = [(o.department.short_name, o.handler, o.title) for o in rows]

    assert len(labels) == 5


def test_bare_drafts_from_the_factory_are_visible_to_their_writer(department, orderer, world):
    draft = OrderFactory(department=department, orderer=orderer)

    assert list(Order.objects.visible_to(fresh(orderer))) == [draft]


def test_provider_staff_are_looked_up_once_for_the_lazy_request_user(
    world, django_assert_num_queries
):
    person = fresh(world.provider_user)
    request_user = SimpleLazyObject(lambda: person)  # what AuthenticationMiddleware sets
    order = world.orders["colleague_planned"]

    with django_assert_num_queries(1):
        assert all(is_provider_staff(request_user, order) for _ in range(3))


# --- counting the list ------------------------------------------------------------------------

PEOPLE = ["orderer", "colleague", "deputy", "it_lead", "coordinator", "change_manager",
          "it_chief", "superuser", "provider_user", "other_orderer", "outsider", "staff_orderer",
          "operations_manager", "service_desk"]
COUNTED_FILTERS = [
    {},
    {"status": [Order.Status.DRAFT, Order.Status.SUBMITTED, Order.Status.PLANNED]},
    {"status": [Order.Status.IN_PROGRESS]},
    {"q": "a"},
]


@pytest.mark.parametrize("who", PEOPLE)
def test_the_lists_count_is_the_number_of_orders_it_lists(who, world):
    person = fresh(getattr(world, who))
    for filters in [*COUNTED_FILTERS, {"department": world.department}]:
        listed = selectors.order_list(person, filters)
        assert selectors.order_count(person, filters) == listed.count() == len(set(listed))


def test_an_order_seen_two_ways_is_counted_once(world):
    person = fresh(world.staff_orderer)
    seen = visible(person, world)
    # Planned to the provider the person works for, and of the person's department.
    assert "colleague_planned" in seen

    assert selectors.order_count(person) == len(seen)
