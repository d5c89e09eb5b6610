"""The order page's HUKI step is kept in the access cache, under the version in force and the
newest change to the roles, activities and cells: whatever changes shows on the next page."""

import pytest
from django.test.utils import override_settings

from organisation.models import Role
from raci import flow
from tests.factories import make_role_user

pytestmark = pytest.mark.django_db

R = Role.Code


@pytest.fixture
def prepared(make_order, client, coordinator, in_force):
    order = make_order("in_preparation")
    client.force_login(coordinator)
    return order


def page(client, order) -> str:
    response = client.get(order.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_person_in_a_role_shows_at_once(client, prepared):
    assert "IT-arkitekt: Jonas Berg" not in page(client, prepared)
    make_role_user(R.IT_ARCHITECT, first_name="Jonas", last_name="Berg")
    assert "IT-arkitekt: Jonas Berg" in page(client, prepared)


def test_a_renamed_person_shows_at_once(client, prepared):
    architect = make_role_user(R.IT_ARCHITECT, first_name="Jonas", last_name="Berg")
    assert "IT-arkitekt: Jonas Berg" in page(client, prepared)
    architect.last_name = "Borg"
    architect.save()
    assert "IT-arkitekt: Jonas Borg" in page(client, prepared)


def test_a_renamed_role_shows_at_once(client, prepared, role):
    make_role_user(R.IT_ARCHITECT, first_name="Jonas", last_name="Berg")
    assert "IT-arkitekt: Jonas Berg" in page(client, prepared)
    architect = role(R.IT_ARCHITECT)
    architect.name = "Lösningsarkitekt"
    architect.save()
    assert "Lösningsarkitekt: Jonas Berg" in page(client, prepared)


def test_a_published_version_shows_at_once(client, prepared, deputy, publish):
    make_role_user(R.IT_ARCHITECT, first_name="Jonas", last_name="Berg")
    assert "Enligt HUKI-matrisen, version 1" in page(client, prepared)
    assert "IT-arkitekt: Jonas Berg" in page(client, prepared)
    code = flow.step_of_status(prepared.status)
    publish(deputy, {(code, R.IT_ARCHITECT): ""})
    content = page(client, prepared)
    assert "Enligt HUKI-matrisen, version 2" in content
    assert "IT-arkitekt: Jonas Berg" not in content


def test_joining_a_consulted_role_lets_one_answer_at_once(client, prepared):
    person = make_role_user(R.IT_CHIEF, username="jonas")
    client.force_login(person)
    assert "Ditt svar som IT-arkitekt" not in page(client, prepared)
    person.groups.add(Role.objects.get(code=R.IT_ARCHITECT).group)
    assert "Ditt svar som IT-arkitekt" in page(client, prepared)


def test_the_step_is_read_from_the_database_without_the_cache(client, prepared):
    make_role_user(R.IT_ARCHITECT, first_name="Jonas", last_name="Berg")
    with override_settings(ACCESS_CACHE=False):
        content = page(client, prepared)
    assert "Enligt HUKI-matrisen, version 1" in content
    assert "IT-arkitekt: Jonas Berg" in content
