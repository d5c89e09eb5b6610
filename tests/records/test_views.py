"""The records pages for everyone who may ask for them: anonymous (to the login page),
people without the right (404, as a page that does not exist), the IT chief (everything) and
the ordering function (legal holds). Bad input gets a Swedish message beside its field;
the list pages' query counts are pinned and do not grow with their rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from records import services
from records.models import CullingRecord, LegalHold, RetentionRule
from tests import factories
from tests.queries import ACCESS_TOKEN

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


@pytest.fixture
def rules(db):
    return services.schedule_ensure()


@pytest.fixture
def person(department):
    return factories.make_orderer(department, username="greta", first_name="Greta")


def keeper_pages(rules, person) -> list[str]:
    return [reverse("records:schedule"), reverse("records:rule_edit", args=[rules[0].pk]),
            reverse("records:dry_run"), reverse("records:culling_log"),
            reverse("records:people") + "?q=greta",
            reverse("records:person_export", args=[person.pk]),
            reverse("records:person_pseudonymise", args=[person.pk])]


def test_anonymous_is_sent_to_log_in(client, rules, person):
    for url in [*keeper_pages(rules, person), reverse("records:holds")]:
        assert client.get(url)["Location"].startswith(LOGIN), url


def test_people_without_the_right_get_404(client, rules, person, orderer, it_lead,
                                          provider_user):
    for user in (orderer, it_lead, provider_user):
        client.force_login(user)
        for url in [*keeper_pages(rules, person), reverse("records:holds")]:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("records:rule_edit", args=[rules[0].pk]),
                           {"period": 1, "unit": "years", "action": "keep"}).status_code == 404


def test_the_it_chief_opens_every_page(client, rules, person, it_chief):
    client.force_login(it_chief)
    for url in [*keeper_pages(rules, person), reverse("records:holds")]:
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("records:schedule")).content.decode()
    assert "Gallringsplan" in page and "Bevara" in page


def test_the_ordering_function_holds_orders_but_keeps_no_schedule(client, rules, coordinator):
    order = factories.make_order("closed")
    client.force_login(coordinator)
    assert client.get(reverse("records:schedule")).status_code == 404
    assert client.get(reverse("records:holds")).status_code == 200
    response = client.post(reverse("records:holds"),
                           {"reference": order.reference.lower(), "reason": "Tvist"})
    assert response.status_code == 302
    hold = LegalHold.objects.get(order=order)
    assert hold.is_active and hold.set_by == coordinator
    again = client.post(reverse("records:holds"), {"reference": order.reference,
                                                   "reason": "Igen"})
    assert again.status_code == 409
    assert "redan en bevarandespärr" in again.content.decode()
    client.post(reverse("records:hold_lift", args=[hold.pk]), {"reason": "Klar"})
    hold.refresh_from_db()
    assert not hold.is_active and hold.lift_reason == "Klar"


def test_an_unknown_reference_is_told_beside_the_field(client, rules, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("records:holds"), {"reference": "B-1999-9999",
                                                      "reason": "Tvist"})
    assert response.status_code == 400
    assert "Ingen beställning har det diarienumret." in response.content.decode()


def test_a_rule_is_changed_with_its_grounds_and_history(client, rules, it_chief):
    rule = RetentionRule.objects.get(kind="comments")
    client.force_login(it_chief)
    response = client.post(reverse("records:rule_edit", args=[rule.pk]),
                           {"period": 3, "unit": "years", "action": "delete",
                            "reason": "Beslut i arkivnämnden"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.period, rule.updated_by, rule.reason) == (3, it_chief, "Beslut i arkivnämnden")
    assert rule.history.latest().period == 3


def test_an_action_the_kind_does_not_allow_is_refused_beside_the_field(client, rules,
                                                                        it_chief):
    rule = RetentionRule.objects.get(kind="personal_data")
    client.force_login(it_chief)
    response = client.post(reverse("records:rule_edit", args=[rule.pk]),
                           {"period": 0, "unit": "years", "action": "delete"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"period", "action"}
    with pytest.raises(services.RecordsError) as refused:
        services.retention_rule_update(rule_id=rule.pk, actor=it_chief, period=1,
                                       unit="years", action="delete", reason="")
    assert refused.value.field == "action"


def test_the_dry_run_page_changes_nothing(client, rules, it_chief):
    client.force_login(it_chief)
    response = client.get(reverse("records:dry_run"))
    assert response.status_code == 200
    assert CullingRecord.objects.count() == 0
    assert "Provkörning" in response.content.decode()


def test_pseudonymising_from_the_page(client, rules, person, it_chief):
    from organisation.models import User

    client.force_login(it_chief)
    url = reverse("records:person_pseudonymise", args=[person.pk])
    refused = client.post(url, {"confirm": "on"})
    assert refused.status_code == 409  # still active
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert client.post(url, {}).status_code == 400  # not confirmed
    assert client.post(url, {"confirm": "on", "reason": "Slutat"}).status_code == 302
    person.refresh_from_db()
    assert str(person) == f"Person {person.pk}"


def _records(rule: RetentionRule, n: int) -> None:
    for _ in range(n):
        CullingRecord.objects.create(run="00000000-0000-0000-0000-000000000001", rule=rule,
                                     kind=rule.kind, action=rule.action, period=rule.period,
                                     unit=rule.unit, cutoff=timezone.now(), count=3,
                                     items=["B-2020-0001"], started_by=None)


def _count(client, url: str) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", ["records:schedule", "records:culling_log"])
def test_the_list_pages_queries_are_pinned_and_do_not_grow(client, rules, it_chief, name):
    client.force_login(it_chief)
    url = reverse(name)
    _records(rules[1], 2)
    few = _count(client, url)
    assert few == ACCESS_TOKEN + {"records:schedule": 3, "records:culling_log": 2}[name]
    _records(rules[1], 15)
    assert _count(client, url) == few


def test_the_holds_page_does_not_grow_with_holds(client, rules, coordinator):
    client.force_login(coordinator)
    url = reverse("records:holds")
    orders = [factories.make_order("submitted") for _ in range(3)]
    services.legal_hold_set(order_id=orders[0].pk, actor=coordinator, reason="a")
    few = _count(client, url)
    assert few == ACCESS_TOKEN + 1
    for order in orders[1:]:
        services.legal_hold_set(order_id=order.pk, actor=coordinator, reason="b")
    assert _count(client, url) == few


def test_the_people_found_do_not_grow_the_queries(client, rules, it_chief, department):
    client.force_login(it_chief)
    url = reverse("records:people") + "?q=greta"
    factories.make_orderer(department, username="greta1", first_name="Greta")
    few = _count(client, url)
    assert few == ACCESS_TOKEN + 1
    for n in range(2, 6):
        factories.make_orderer(department, username=f"greta{n}", first_name="Greta")
    assert _count(client, url) == few
