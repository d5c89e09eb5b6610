"""The orders endpoints: the same orders as the pages, the same services for every write."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.models import Order

pytestmark = pytest.mark.django_db

S = Order.Status


def orders_url(**query) -> str:
    url = reverse("api:orders")
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_is_asked_to_authenticate_with_a_problem_detail(api_as):
    response = api_as(None).get(orders_url())
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["type"].endswith("/not-authenticated")
    assert "Bearer" in body["detail"]


def test_orderer_lists_own_department_orders_but_not_another_departments(
        api_as, make_order, orderer, other_orderer, other_department):
    own = make_order(S.SUBMITTED)
    other = make_order(S.SUBMITTED, orderer=other_orderer, department=other_department)
    response = api_as(orderer).get(orders_url())
    assert response.status_code == 200
    assert ids(response) == {own.pk}
    assert other.pk not in ids(api_as(orderer).get(orders_url(q=other.reference)))


def test_colleagues_draft_is_not_listed(api_as, make_order, orderer, colleague):
    draft = make_order(S.DRAFT, orderer=colleague)
    assert draft.pk not in ids(api_as(orderer).get(orders_url()))
    assert draft.pk in ids(api_as(colleague).get(orders_url()))


def test_it_chief_sees_every_department(api_as, make_order, it_chief, other_orderer,
                                        other_department):
    first = make_order(S.SUBMITTED)
    second = make_order(S.SUBMITTED, orderer=other_orderer, department=other_department)
    assert ids(api_as(it_chief).get(orders_url())) >= {first.pk, second.pk}


def test_filters_by_state_department_type_and_text(api_as, make_order, it_chief,
                                                   other_orderer, other_department):
    submitted = make_order(S.SUBMITTED, title="Lokalbokning")
    draft = make_order(S.DRAFT, title="Skolskjuts")
    soc = make_order(S.SUBMITTED, orderer=other_orderer, department=other_department,
                     kind=Order.Kind.CHANGE)
    client = api_as(it_chief)
    assert ids(client.get(orders_url(status="submitted"))) == {submitted.pk, soc.pk}
    assert ids(client.get(orders_url(status="draft"))) == {draft.pk}
    assert ids(client.get(orders_url(department=other_department.pk))) == {soc.pk}
    assert ids(client.get(orders_url(kind="change"))) == {soc.pk}
    assert ids(client.get(orders_url(q="skolskjuts"))) == {draft.pk}
    assert ids(client.get(orders_url(submitted_from="2000-01-01"))) == {submitted.pk, soc.pk}
    assert ids(client.get(orders_url(submitted_to="2000-01-01"))) == set()


def test_a_bad_filter_is_a_swedish_field_error(api_as, orderer):
    response = api_as(orderer).get(orders_url(status="nonsense"))
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"].startswith("status")
    assert "giltigt" in body["errors"][0]["detail"]


def test_english_when_asked_for(api_as, orderer):
    response = api_as(orderer).get(orders_url(status="nonsense"),
                                   headers={"Accept-Language": "en"})
    assert response.json()["title"] == "The request is not valid"
    assert response["Content-Language"] == "en"
    swedish = api_as(orderer).get(orders_url(status="nonsense"))
    assert swedish.json()["title"] != "The request is not valid"


def test_pages_follow_a_cursor(api_as, make_order, orderer):
    made = {make_order(S.SUBMITTED).pk for _ in range(3)}
    client = api_as(orderer)
    first = client.get(orders_url(page_size=2)).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert {r["id"] for r in first["results"] + second["results"]} == made
    assert second["next"] is None


def test_detail_has_history_and_comments(api_as, make_order, orderer):
    order = make_order(S.IN_PREPARATION)
    api_as(orderer).post(reverse("api:order_comment", args=[order.pk]), {"body": "Hej"})
    response = api_as(orderer).get(reverse("api:order", args=[order.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == order.reference
    assert [c["body"] for c in body["comments"]] == ["Hej"]
    actions = [e["action"] for e in body["history"] if e["kind"] == "event"]
    assert actions == ["submit", "take_on"]


def test_another_departments_order_is_404(api_as, make_order, other_orderer,
                                          other_department, orderer):
    other = make_order(S.SUBMITTED, orderer=other_orderer, department=other_department)
    client = api_as(orderer)
    assert client.get(reverse("api:order", args=[other.pk])).status_code == 404
    response = client.post(reverse("api:order_comment", args=[other.pk]), {"body": "x"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client.post(reverse("api:order_submit", args=[other.pk]), {}).status_code == 404


def test_orderer_writes_a_draft_and_submits_it(api_as, orderer, department):
    client = api_as(orderer)
    response = client.post(reverse("api:orders"), {
        "department": department.pk, "title": "Ny e-tjänst", "kind": "new_function",
        "need": "Invånare ska kunna ansöka på webben."})
    assert response.status_code == 201, response.json()
    order = Order.objects.get(pk=response.json()["id"])
    assert order.status == S.DRAFT and order.orderer == orderer
    response = client.post(reverse("api:order_submit", args=[order.pk]), {})
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert response.json()["reference"].startswith("B-")


def test_a_draft_for_another_department_is_refused(api_as, orderer, other_department):
    response = api_as(orderer).post(reverse("api:orders"), {
        "department": other_department.pk, "title": "X", "kind": "new_function", "need": "Y"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "egen förvaltning" in response.json()["detail"]


def test_missing_fields_are_named(api_as, orderer, department):
    response = api_as(orderer).post(reverse("api:orders"), {"department": department.pk})
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"title", "kind", "need"} <= fields


def test_submitting_twice_is_a_conflict(api_as, make_order, orderer):
    order = make_order(S.SUBMITTED)
    response = api_as(orderer).post(reverse("api:order_submit", args=[order.pk]), {})
    assert response.status_code == 409
    assert response.json()["type"].endswith("/conflict")


def test_it_chief_may_not_submit(api_as, make_order, it_chief):
    order = make_order(S.DRAFT)
    # The IT chief sees every order, but a draft is its orderer's to submit.
    response = api_as(it_chief).post(reverse("api:order_submit", args=[order.pk]), {})
    assert response.status_code == 403


def test_answer_a_supplement_request(api_as, make_order, orderer):
    order = make_order(S.AWAITING_SUPPLEMENT)
    url = reverse("api:order_supplement", args=[order.pk])
    assert api_as(orderer).post(url, {}).status_code == 400
    response = api_as(orderer).post(url, {"answer": "Tolv lokaler."})
    assert response.status_code == 200
    assert response.json()["status"] == "in_preparation"


def test_accept_and_report_deviation(api_as, make_order, orderer, provider, provider_user):
    delivered = make_order(S.DELIVERED, provider=provider, provider_user=provider_user)
    response = api_as(orderer).post(reverse("api:order_deviation", args=[delivered.pk]),
                                    {"reason": "Fel version levererad."})
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    other = make_order(S.DELIVERED, provider=provider, provider_user=provider_user)
    response = api_as(orderer).post(reverse("api:order_accept", args=[other.pk]), {})
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_provider_cannot_accept_its_own_delivery(api_as, make_order, provider, provider_user):
    order = make_order(S.DELIVERED, provider=provider, provider_user=provider_user)
    response = api_as(provider_user).post(reverse("api:order_accept", args=[order.pk]), {})
    assert response.status_code == 403


WRITES = [
    ("api:order_comment", {"body": "Hej"}),
    ("api:order_submit", {}),
    ("api:order_supplement", {"answer": "Svar"}),
    ("api:order_accept", {}),
    ("api:order_deviation", {"reason": "Fel"}),
]


@pytest.mark.parametrize(("name", "body"), WRITES)
def test_every_write_refuses_anonymous_outsiders_and_other_departments(
        name, body, api_as, make_order, outsider, other_orderer, it_lead):
    order = make_order(S.SUBMITTED)
    version = Order.objects.get(pk=order.pk).version
    url = reverse(name, args=[order.pk])
    assert api_as(None).post(url, body).status_code == 401
    assert api_as(outsider).post(url, body).status_code == 404
    assert api_as(other_orderer).post(url, body).status_code == 404
    assert Order.objects.get(pk=order.pk).version == version
    # Authorised to see it but not to do this now (or at all): refused, never a 500.
    assert api_as(it_lead).post(url, body).status_code in {201, 403, 409}


@pytest.mark.parametrize("name", ["api:order", "api:orders"])
def test_reads_refuse_anonymous(name, api_as, make_order):
    order = make_order(S.SUBMITTED)
    args = [order.pk] if name == "api:order" else []
    assert api_as(None).get(reverse(name, args=args)).status_code == 401
