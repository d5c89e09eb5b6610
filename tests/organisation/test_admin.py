"""The administration edits the register, the IT leads and the providers' staff, and what it
saves is what people may see and do at their next request: nothing to keep in step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from organisation.models import OrdererRegistration
from organisation.selectors import standing_of
from tests.factories import UserFactory, fresh, make_order

pytestmark = pytest.mark.django_db


def test_staff_added_to_a_provider_in_the_admin_see_its_assigned_orders(
    admin_client, provider, provider_user, make_order
):
    order = make_order("planned", provider=provider)
    newcomer = UserFactory()

    response = admin_client.post(
        reverse("admin:organisation_provider_change", args=[provider.pk]),
        {"name": provider.name, "kind": provider.kind, "email": provider.email,
         "members": [provider_user.pk, newcomer.pk]},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Order.objects.visible_to(fresh(newcomer))) == [order]


def department_form(department, registrations=(), **changes) -> dict:
    data = {
        "name": department.name,
        "short_name": department.short_name,
        "parent": "",
        "it_lead": department.it_lead_id or "",
        "email": department.email,
        "is_active": "on",
        "orderer_registrations-TOTAL_FORMS": str(len(registrations)),
        "orderer_registrations-INITIAL_FORMS": str(sum(1 for r in registrations if r.get("id"))),
        "orderer_registrations-MIN_NUM_FORMS": "0",
        "orderer_registrations-MAX_NUM_FORMS": "1000",
    }
    for index, registration in enumerate(registrations):
        row = {"id": "", "person": "", "valid_from": "", "valid_until": "", "deputy": "",
               "note": "", "department": department.pk, **registration}
        data.update({f"orderer_registrations-{index}-{name}": value
                     for name, value in row.items()})
    data.update(changes)
    return data


def test_changing_the_it_lead_in_the_admin_moves_the_coordination(
    admin_client, department, it_lead
):
    successor = UserFactory()

    response = admin_client.post(
        reverse("admin:organisation_department_change", args=[department.pk]),
        department_form(department, it_lead=successor.pk),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    department.refresh_from_db()
    assert department.it_lead == successor
    assert standing_of(fresh(successor)).coordinate == (department.pk,)
    assert standing_of(fresh(it_lead)).coordinate == ()


def test_an_orderer_registered_in_the_admin_belongs_to_the_department(
    admin_client, department, colleague
):
    person = UserFactory()
    order = make_order("submitted", department=department, orderer=colleague)

    response = admin_client.post(
        reverse("admin:organisation_department_change", args=[department.pk]),
        department_form(department, [{"person": person.pk, "valid_from": "2020-01-01"}]),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Order.objects.visible_to(fresh(person)).filter(pk=order.pk).exists()


def test_an_end_date_set_in_the_register_admin_takes_effect_that_day(
    admin_client, department, orderer, colleague
):
    order = make_order("submitted", department=department, orderer=colleague)
    registration = OrdererRegistration.objects.get(person=orderer)
    yesterday = timezone.localdate() - timedelta(days=1)

    response = admin_client.post(
        reverse("admin:organisation_ordererregistration_change", args=[registration.pk]),
        {"department": department.pk, "person": orderer.pk,
         "valid_from": (yesterday - timedelta(days=30)).isoformat(),
         "valid_until": yesterday.isoformat(), "deputy": "", "note": ""},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Order.objects.visible_to(fresh(orderer)).filter(pk=order.pk).exists()


def test_a_registration_deleted_in_the_admin_ends_membership_at_once(
    admin_client, department, orderer
):
    registration = OrdererRegistration.objects.get(person=orderer)

    response = admin_client.post(
        reverse("admin:organisation_ordererregistration_delete", args=[registration.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 302
    assert standing_of(fresh(orderer)).member == ()


def test_the_department_admin_has_no_object_permission_page(admin_client, department):
    """Membership is edited in the register only: guardian's page for the department's
    object permissions, which the hourly sync used to undo, is gone."""
    change = admin_client.get(
        reverse("admin:organisation_department_change", args=[department.pk]))
    assert change.status_code == 200
    assert "permissions/" not in change.content.decode()
    response = admin_client.get(
        f"/admin/organisation/department/{department.pk}/permissions/")
    assert response.status_code in {302, 404}
