"""Who belongs to, leads and may order for a department: read from the register of
authorised orderers and the departments' IT leads as they stand, never kept elsewhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from guardian.models import GroupObjectPermission, UserObjectPermission

from orders.models import Order
from organisation.models import Department, OrdererRegistration, Role
from organisation.roles import ROLE_PERMISSIONS, roles_sync
from organisation.selectors import may_submit_for, standing_of
from organisation.services import department_set_it_lead, orderer_register
from tests.factories import OrderFactory, UserFactory, fresh, make_order, make_orderer

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def member_of(person) -> tuple[int, ...]:
    return standing_of(fresh(person)).member


def coordinates(person) -> tuple[int, ...]:
    return standing_of(fresh(person)).coordinate


# --- the register of authorised orderers ------------------------------------------------------


def test_registering_an_orderer_makes_them_a_member_of_the_department(department):
    person = UserFactory()

    orderer_register(department=department, person=person)

    assert member_of(person) == (department.pk,)
    assert coordinates(person) == ()


def test_membership_is_read_from_the_register_and_kept_nowhere_else(department):
    person = UserFactory()
    registration = orderer_register(department=department, person=person)

    assert not UserObjectPermission.objects.exists()
    assert not GroupObjectPermission.objects.exists()
    registration.delete()
    assert member_of(person) == ()


def test_the_deputy_of_a_registration_becomes_a_member_too(department):
    deputy = UserFactory()

    orderer_register(department=department, person=UserFactory(), deputy=deputy)

    assert member_of(deputy) == (department.pk,)


def test_a_registration_cannot_end_before_it_starts(department):
    person = UserFactory()
    today = TODAY()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        orderer_register(department=department, person=person, valid_from=today,
                         valid_until=today - timedelta(days=1))

    assert "The end date cannot be before the start date." in refused.value.messages
    assert not OrdererRegistration.objects.exists()
    assert member_of(person) == ()


def test_the_database_itself_refuses_a_registration_ending_before_it_starts(department):
    today = TODAY()

    with pytest.raises(IntegrityError), transaction.atomic():
        OrdererRegistration.objects.create(
            department=department, person=UserFactory(), valid_from=today,
            valid_until=today - timedelta(days=1),
        )


def test_a_registration_may_start_and_end_on_the_same_day(department):
    today = TODAY()

    registration = orderer_register(department=department, person=UserFactory(),
                                    valid_from=today, valid_until=today)

    assert registration.pk is not None
    assert member_of(registration.person) == (department.pk,)


def test_a_person_cannot_be_their_own_deputy(department):
    person = UserFactory()

    with pytest.raises(ValidationError):
        orderer_register(department=department, person=person, deputy=person)


def test_the_register_tells_who_is_registered_on_a_given_day(department):
    today = TODAY()
    current = make_orderer(department)
    ended = make_orderer(department, valid_from=today - timedelta(days=20),
                         valid_until=today - timedelta(days=1))
    coming = make_orderer(department, valid_from=today + timedelta(days=1))

    valid_today = {r.person for r in OrdererRegistration.objects.valid_on(today)}
    valid_last_week = {
        r.person for r in OrdererRegistration.objects.valid_on(today - timedelta(days=7))
    }

    assert valid_today == {current}
    assert valid_last_week == {ended}
    assert coming not in valid_today
    assert (member_of(current), member_of(ended), member_of(coming)) == (
        (department.pk,), (), ())


def test_who_may_submit_for_a_department(department, other_department):
    today = TODAY()
    registered = make_orderer(department)
    deputy = UserFactory()
    make_orderer(department, deputy=deputy)
    ended = make_orderer(department, valid_from=today - timedelta(days=9),
                         valid_until=today - timedelta(days=1))
    lead = UserFactory()
    department_set_it_lead(department=department, user=lead)
    department.refresh_from_db()
    of_other = make_orderer(other_department)

    assert may_submit_for(registered, department)
    assert may_submit_for(fresh(deputy), department)
    assert may_submit_for(fresh(lead), department)
    assert not may_submit_for(ended, department)
    assert may_submit_for(ended, department, day=today - timedelta(days=2))
    assert not may_submit_for(of_other, department)
    assert not may_submit_for(UserFactory(), department)


def test_a_member_taken_off_the_register_no_longer_sees_its_orders(department, orderer,
                                                                    colleague):
    order = make_order("submitted", department=department, orderer=colleague)
    assert Order.objects.visible_to(fresh(orderer)).filter(pk=order.pk).exists()

    OrdererRegistration.objects.filter(person=orderer).delete()

    assert not Order.objects.visible_to(fresh(orderer)).filter(pk=order.pk).exists()


def test_an_ended_registration_ends_membership_without_anything_run(department):
    person = UserFactory()
    registration = orderer_register(department=department, person=person)
    colleague_order = OrderFactory(department=department, status=Order.Status.SUBMITTED)
    own_order = OrderFactory(department=department, orderer=person,
                             status=Order.Status.SUBMITTED)
    assert set(Order.objects.visible_to(fresh(person))) == {colleague_order, own_order}

    registration.valid_from = TODAY() - timedelta(days=30)
    registration.valid_until = TODAY() - timedelta(days=1)
    registration.save()

    assert member_of(person) == ()
    # The department's orders are gone from view, the person's own included: rights follow
    # the register as it stands now (SPEC "Permissions").
    assert list(Order.objects.visible_to(fresh(person))) == []


def test_a_registration_starting_later_gives_membership_on_its_first_day(department,
                                                                        monkeypatch):
    person = UserFactory()
    start = TODAY() + timedelta(days=3)
    orderer_register(department=department, person=person, valid_from=start)
    assert member_of(person) == ()

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: start)

    assert member_of(person) == (department.pk,)


def test_a_registration_ending_today_still_gives_membership_today_and_not_tomorrow(
    department, monkeypatch
):
    person = UserFactory()
    today = TODAY()
    orderer_register(department=department, person=person,
                     valid_from=today - timedelta(days=5), valid_until=today)
    assert member_of(person) == (department.pk,)

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + timedelta(days=1))

    assert member_of(person) == ()


def test_a_deactivated_person_stands_nowhere(department, orderer, it_lead, provider,
                                             provider_user):
    for person in (orderer, it_lead, provider_user):
        person.is_active = False
        person.save()

        assert standing_of(fresh(person)).member == ()
        assert standing_of(fresh(person)).providers == frozenset()


def test_an_inactive_department_still_counts_for_who_belongs(department, orderer):
    Department.objects.filter(pk=department.pk).update(is_active=False)

    assert member_of(orderer) == (department.pk,)


# --- the department IT lead -----------------------------------------------------------------


def test_the_it_lead_coordinates_and_belongs_to_the_department(department):
    lead = UserFactory()

    department_set_it_lead(department=department, user=lead)

    assert Department.objects.get(pk=department.pk).it_lead == lead
    assert coordinates(lead) == (department.pk,)
    assert member_of(lead) == (department.pk,)


def test_changing_the_it_lead_moves_the_coordination(department, colleague):
    first, second = UserFactory(), UserFactory()
    department_set_it_lead(department=department, user=first)
    draft = make_order("draft", department=department, orderer=colleague)
    assert Order.objects.visible_to(fresh(first)).filter(pk=draft.pk).exists()

    department_set_it_lead(department=department, user=second)

    assert Department.objects.get(pk=department.pk).it_lead == second
    assert (coordinates(first), coordinates(second)) == ((), (department.pk,))
    # The former lead sees a colleague's draft no longer; the new one does.
    assert not Order.objects.visible_to(fresh(first)).filter(pk=draft.pk).exists()
    assert Order.objects.visible_to(fresh(second)).filter(pk=draft.pk).exists()


def test_setting_the_same_it_lead_again_keeps_the_coordination(department):
    lead = UserFactory()
    department_set_it_lead(department=department, user=lead)

    department_set_it_lead(department=department, user=lead)

    assert coordinates(lead) == (department.pk,)


def test_a_department_can_be_left_without_an_it_lead(department):
    lead = UserFactory()
    department_set_it_lead(department=department, user=lead)

    department_set_it_lead(department=department, user=None)

    assert Department.objects.get(pk=department.pk).it_lead is None
    assert coordinates(lead) == ()


def test_leading_one_department_gives_no_right_in_another(department, other_department):
    lead = UserFactory()

    department_set_it_lead(department=department, user=lead)

    assert coordinates(lead) == (department.pk,)
    assert other_department.pk not in member_of(lead)


def test_a_former_it_lead_stops_being_a_member(department):
    first, second = UserFactory(), UserFactory()
    department_set_it_lead(department=department, user=first)
    department_set_it_lead(department=department, user=second)

    assert member_of(first) == ()
    assert member_of(second) == (department.pk,)


# --- roles ----------------------------------------------------------------------------------


def test_every_role_exists_with_its_group_after_migrating():
    assert set(Role.objects.values_list("code", flat=True)) == set(Role.Code.values)
    assert all(role.group_id for role in Role.objects.all())


def test_each_role_group_carries_exactly_its_permissions():
    for role in Role.objects.select_related("group"):
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in role.group.permissions.select_related("content_type")
        }
        assert granted == set(ROLE_PERMISSIONS[role.code]), role.code


def test_syncing_the_roles_again_changes_nothing():
    before = list(Role.objects.order_by("code").values_list("code", "group_id", "name"))

    roles_sync()

    assert list(Role.objects.order_by("code").values_list("code", "group_id", "name")) == before


def test_roles_sync_restores_a_permission_removed_from_a_group():
    group = Role.objects.get(code=Role.Code.CHANGE_MANAGER).group
    group.permissions.clear()

    roles_sync()

    assert group.permissions.filter(codename="decide_order").exists()


def test_holding_a_role_gives_its_rights(coordinator, change_manager, it_chief, outsider):
    assert coordinator.has_perm("orders.prepare_order")
    assert not coordinator.has_perm("orders.decide_order")
    assert change_manager.has_perm("orders.decide_order")
    assert it_chief.has_perm("orders.view_all_orders")
    assert not it_chief.has_perm("orders.prepare_order")
    assert not outsider.has_perm("orders.view_all_orders")
