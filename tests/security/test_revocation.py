"""Every way a right ends, the very next request is refused (SPEC "Permissions": "when a role,
a handler assignment, a HUKI role or a registration ends, the sight and the actions it gave
end with it, at the next request").

Each test first has the person's access served from the access cache (the second request
reads none of it from the database), then ends the right — through the services, through
`QuerySet.update`, through SQL typed by hand — and asks again.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.models import Order
from orders.services import NotAllowed
from organisation.models import Department, OrdererRegistration, Role
from organisation.services import department_set_it_lead, provider_remove_member
from raci import services as raci_services
from raci.models import ConsultationTask
from tests.factories import fresh, make_coordinator, make_role_user

pytestmark = pytest.mark.django_db

S = Order.Status


def cached_and_seen(client: Client, user, url: str) -> None:
    """`user` opens `url`, and on the second request their access comes from the cache."""
    client.force_login(user)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert not any('FROM "organisation_user" WHERE "organisation_user"."id" = ' in q["sql"]
                   for q in ctx.captured_queries), "the access was not served from the cache"


def status(client: Client, url: str) -> int:
    return client.get(url).status_code


# --- roles ---------------------------------------------------------------------------------


def test_a_role_removed_ends_the_sight_it_gave(client, make_order, coordinator):
    order = make_order("submitted")
    cached_and_seen(client, coordinator, order.get_absolute_url())

    coordinator.groups.clear()

    assert status(client, order.get_absolute_url()) == 404
    assert status(client, reverse("orders:list")) == 200
    assert client.get(reverse("orders:list")).context["page"].paginator.count == 0


def test_a_handler_replaced_who_leaves_the_role_no_longer_sees_or_acts(
    client, make_order, coordinator, change_manager
):
    order = make_order("in_preparation", handler=coordinator)
    successor = make_coordinator()
    cached_and_seen(client, coordinator, order.get_absolute_url())

    services.order_assign_handler(order_id=order.pk, actor=change_manager, handler=successor)
    # Still of the ordering function, but no longer the handler: may not act as one.
    with pytest.raises(NotAllowed):
        services.order_request_supplement(order_id=order.pk, actor=fresh(coordinator),
                                          question="Hur många?")
    coordinator.groups.clear()

    assert status(client, order.get_absolute_url()) == 404
    client.force_login(successor)
    assert status(client, order.get_absolute_url()) == 200


def test_a_handler_who_leaves_the_ordering_function_may_no_longer_act_on_the_order(
    make_order, coordinator
):
    order = make_order("in_preparation", handler=coordinator)
    coordinator.groups.clear()

    with pytest.raises(NotAllowed):
        services.order_request_supplement(order_id=order.pk, actor=fresh(coordinator),
                                          question="Hur många?")
    with pytest.raises(NotAllowed):
        services.order_mark_ready(order_id=order.pk, actor=fresh(coordinator))


def test_a_consulted_person_who_leaves_the_huki_role_no_longer_sees_or_answers(
    client, make_order
):
    operations = make_role_user(Role.Code.IT_OPERATIONS_MANAGER)
    # Taken on: the default matrix consults IT operations on the decision brief.
    order = make_order("in_preparation")
    task = ConsultationTask.objects.get(order=order, role__code=Role.Code.IT_OPERATIONS_MANAGER)
    cached_and_seen(client, operations, order.get_absolute_url())

    operations.groups.clear()

    assert status(client, order.get_absolute_url()) == 404
    with pytest.raises(raci_services.NotAllowed):
        raci_services.consultation_answer(task_id=task.pk, actor=fresh(operations),
                                          answer="Driften klarar det.")
    response = client.post(reverse("raci:consultation_answer", args=[task.pk]),
                           {"answer": "Driften klarar det."})
    assert response.status_code == 404


# --- the register --------------------------------------------------------------------------


def test_a_registration_ended_yesterday_ends_the_departments_orders(
    client, make_order, orderer, colleague
):
    order = make_order("submitted", orderer=colleague)
    cached_and_seen(client, orderer, order.get_absolute_url())

    registration = OrdererRegistration.objects.get(person=orderer)
    registration.valid_from = timezone.localdate() - timedelta(days=30)
    registration.valid_until = timezone.localdate() - timedelta(days=1)
    registration.save()

    assert status(client, order.get_absolute_url()) == 404


def test_a_registration_ending_today_still_admits_today(client, make_order, orderer, colleague):
    order = make_order("submitted", orderer=colleague)
    cached_and_seen(client, orderer, order.get_absolute_url())

    registration = OrdererRegistration.objects.get(person=orderer)
    registration.valid_from = timezone.localdate() - timedelta(days=30)
    registration.valid_until = timezone.localdate()
    registration.save()

    assert status(client, order.get_absolute_url()) == 200


def test_a_registration_deleted_ends_the_orderers_own_order_too(client, make_order, orderer):
    order = make_order("submitted")
    cached_and_seen(client, orderer, order.get_absolute_url())

    OrdererRegistration.objects.get(person=orderer).delete()

    assert status(client, order.get_absolute_url()) == 404
    assert status(client, reverse("orders:transition", args=[order.pk, "withdraw"])) == 405


def test_a_deputy_whose_registration_ended_no_longer_sees(client, make_order, department):
    from tests.factories import UserFactory, make_orderer

    deputy = UserFactory()
    make_orderer(department, deputy=deputy)
    order = make_order("submitted")
    cached_and_seen(client, deputy, order.get_absolute_url())

    OrdererRegistration.objects.filter(deputy=deputy).update(deputy=None)

    assert status(client, order.get_absolute_url()) == 404


# --- the account ------------------------------------------------------------------------------


def test_a_deactivated_account_is_logged_out_at_the_next_request(client, make_order, orderer):
    order = make_order("submitted")
    cached_and_seen(client, orderer, order.get_absolute_url())

    orderer.is_active = False
    orderer.save()

    response = client.get(order.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_password_change_ends_the_persons_other_sessions(make_order, orderer):
    order = make_order("submitted")
    elsewhere, here = Client(), Client()
    cached_and_seen(elsewhere, orderer, order.get_absolute_url())
    cached_and_seen(here, orderer, order.get_absolute_url())

    person = fresh(orderer)
    person.set_password("ett-helt-nytt-lösenord-2026")
    person.save()

    assert elsewhere.get(order.get_absolute_url()).status_code == 302
    assert here.get(order.get_absolute_url()).status_code == 302
    # Logging in again, through the login form (and its throttle), with the new password.
    response = here.post(reverse("login"), {"username": orderer.username,
                                            "password": "ett-helt-nytt-lösenord-2026"})
    assert response.status_code == 302
    assert here.get(order.get_absolute_url()).status_code == 200


# --- providers and IT leads ----------------------------------------------------------------------


def test_staff_removed_from_the_provider_no_longer_see_its_orders(
    client, make_order, provider, provider_user
):
    order = make_order("planned", provider=provider, provider_user=provider_user)
    cached_and_seen(client, provider_user, order.get_absolute_url())

    provider_remove_member(provider=provider, user=provider_user)

    assert status(client, order.get_absolute_url()) == 404
    with pytest.raises(NotAllowed):
        services.order_start(order_id=order.pk, actor=fresh(provider_user))


def test_an_it_lead_replaced_no_longer_sees_the_departments_drafts(
    client, make_order, department, it_lead, colleague
):
    draft = make_order("draft", orderer=colleague)
    cached_and_seen(client, it_lead, draft.get_absolute_url())

    department_set_it_lead(department=department, user=make_coordinator())

    assert status(client, draft.get_absolute_url()) == 404


# --- changes made outside the models' save -----------------------------------------------------


def test_an_it_lead_removed_by_queryset_update_is_refused_at_once(
    client, make_order, department, it_lead, colleague
):
    draft = make_order("draft", orderer=colleague)
    cached_and_seen(client, it_lead, draft.get_absolute_url())

    Department.objects.filter(pk=department.pk).update(it_lead=None)

    assert status(client, draft.get_absolute_url()) == 404


def test_a_registration_ended_by_queryset_update_is_refused_at_once(
    client, make_order, orderer, colleague
):
    order = make_order("submitted", orderer=colleague)
    cached_and_seen(client, orderer, order.get_absolute_url())

    OrdererRegistration.objects.filter(person=orderer).update(
        valid_from=timezone.localdate() - timedelta(days=30),
        valid_until=timezone.localdate() - timedelta(days=1),
    )

    assert status(client, order.get_absolute_url()) == 404


def test_an_account_deactivated_by_queryset_update_is_logged_out_at_once(
    client, make_order, orderer
):
    order = make_order("submitted")
    cached_and_seen(client, orderer, order.get_absolute_url())

    type(orderer).objects.filter(pk=orderer.pk).update(is_active=False)

    assert status(client, order.get_absolute_url()) == 302


def test_staff_removed_by_sql_typed_by_hand_are_refused_at_once(
    client, make_order, provider, provider_user
):
    order = make_order("planned", provider=provider, provider_user=provider_user)
    cached_and_seen(client, provider_user, order.get_absolute_url())

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM organisation_provider_members WHERE user_id = %s",
                       [provider_user.pk])

    assert status(client, order.get_absolute_url()) == 404


def test_a_role_removed_by_sql_typed_by_hand_is_refused_at_once(client, make_order, it_chief):
    order = make_order("submitted")
    cached_and_seen(client, it_chief, order.get_absolute_url())

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM organisation_user_groups WHERE user_id = %s", [it_chief.pk])

    assert status(client, order.get_absolute_url()) == 404


def test_a_permission_taken_from_a_role_by_sql_is_refused_at_once(client, make_order,
                                                                  it_chief):
    order = make_order("submitted")
    cached_and_seen(client, it_chief, order.get_absolute_url())
    group = Role.objects.get(code=Role.Code.IT_CHIEF).group

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM auth_group_permissions WHERE group_id = %s", [group.pk])

    assert status(client, order.get_absolute_url()) == 404


def test_a_registration_ended_by_sql_is_refused_at_once(client, make_order, orderer, colleague):
    order = make_order("submitted", orderer=colleague)
    cached_and_seen(client, orderer, order.get_absolute_url())

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organisation_ordererregistration SET valid_from = %s, valid_until = %s "
            "WHERE person_id = %s",
            [timezone.localdate() - timedelta(days=30), timezone.localdate() - timedelta(days=1),
             orderer.pk],
        )

    assert status(client, order.get_absolute_url()) == 404


def test_a_password_changed_by_sql_ends_the_session(client, make_order, orderer):
    order = make_order("submitted")
    cached_and_seen(client, orderer, order.get_absolute_url())

    with connection.cursor() as cursor:
        cursor.execute("UPDATE organisation_user SET password = %s WHERE id = %s",
                       ["!unusable", orderer.pk])

    assert status(client, order.get_absolute_url()) == 302
