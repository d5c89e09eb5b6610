"""The order page shows, for the order's current step, who is H, U, K and I in the matrix in
force, with their people, and the order's consultations, which the consulted role answers."""

import pytest
from django.urls import reverse

from organisation.models import Role
from raci.models import ConsultationTask
from tests.factories import make_role_user

pytestmark = pytest.mark.django_db

R = Role.Code


def test_the_order_page_shows_who_answers_for_the_current_step(client, make_order, coordinator,
                                                               in_force, it_lead):
    architect = make_role_user(R.IT_ARCHITECT, first_name="Jonas", last_name="Berg")
    order = make_order("in_preparation")
    client.force_login(coordinator)

    content = client.get(order.get_absolute_url()).content.decode()

    assert "Vem som ansvarar för steget" in content
    assert "Färdigställa beslutsunderlaget och markera det redo för beslut" in content
    assert "Enligt HUKI-matrisen, version 1" in content
    assert "IT-arkitekt: Jonas Berg" in content
    assert "Samråd" in content
    assert content.count('class="status status-consultation-open"') == 2
    assert "Ditt svar som" not in content  # the coordinator is not asked
    client.force_login(architect)
    content = client.get(order.get_absolute_url()).content.decode()
    assert "Ditt svar som IT-arkitekt" in content


def test_the_consulted_role_answers_on_the_order_page(client, make_order, coordinator,
                                                      in_force, outsider):
    architect = make_role_user(R.IT_ARCHITECT)
    order = make_order("in_preparation")
    task = ConsultationTask.objects.get(order=order, role__code=R.IT_ARCHITECT)
    url = reverse("raci:consultation_answer", args=[task.pk])

    client.force_login(outsider)
    assert client.post(url, {"answer": "Ja"}).status_code == 404  # may not see the order
    client.force_login(coordinator)
    assert client.post(url, {"answer": "Ja"}).status_code == 403  # sees it, is not asked
    client.force_login(architect)
    response = client.post(url, {"answer": "Inga invändningar."})

    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url() + "#samrad"
    task.refresh_from_db()
    assert (task.status, task.answer, task.answered_by) == (
        "answered", "Inga invändningar.", architect)
    client.force_login(coordinator)
    content = client.get(order.get_absolute_url()).content.decode()
    assert "Inga invändningar." in content
    assert content.count('class="status status-consultation-answered"') == 1




def test_a_finished_order_shows_no_current_step(client, make_order, orderer, in_force):
    make_role_user(R.IT_ARCHITECT)
    order = make_order("withdrawn")
    client.force_login(orderer)

    content = client.get(order.get_absolute_url()).content.decode()

    assert "Beställningen är avslutad: inget steg pågår." in content
    assert "Ingen har konsulterats om den här beställningen." in content
