"""Saving in the admin keeps guardian permissions in step, as the services do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.permissions import orders_visible_to
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
    assert list(orders_visible_to(fresh(newcomer))) == [order]


def department_form(department, **changes) -> dict:
    data = {
        "name": department.name,
        "short_name": department.short_name,
        "parent": "",
        "it_lead": department.it_lead_id or "",
        "email": department.email,
        "is_active": "on",
        "orderer_registrations-TOTAL_FORMS": "0",
        "orderer_registrations-INITIAL_FORMS": "0",
        "orderer_registrations-MIN_NUM_FORMS": "0",
        "orderer_registrations-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_changing_the_it_lead_in_the_admin_moves_the_coordinate_right(
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
    assert fresh(successor).has_perm("organisation.coordinate", department)
    assert not fresh(it_lead).has_perm("organisation.coordinate", department)


def test_an_orderer_registered_in_the_admin_belongs_to_the_department(
    admin_client, department, colleague
):
    person = UserFactory()
    order = make_order("submitted", department=department, orderer=colleague)

    response = admin_client.post(
        reverse("admin:organisation_department_change", args=[department.pk]),
        department_form(
            department,
            **{
                "orderer_registrations-TOTAL_FORMS": "1",
                "orderer_registrations-0-person": person.pk,
                "orderer_registrations-0-valid_from": "2020-01-01",
                "orderer_registrations-0-valid_until": "",
                "orderer_registrations-0-deputy": "",
                "orderer_registrations-0-note": "",
                "orderer_registrations-0-department": department.pk,
            },
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert orders_visible_to(fresh(person)).filter(pk=order.pk).exists()
