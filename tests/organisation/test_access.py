"""A person's access kept in the cache between requests (organisation.access): a page reads
the user, their permissions, where they stand and whether they sit on the board once, and every
change to those shows on the next request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from board import services as board_services
from orders.models import Order
from organisation import access
from organisation.models import OrdererRegistration, Role, User
from organisation.services import (
    orderer_register,
    provider_add_member,
    provider_remove_member,
)
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("orders:list")
HOME = reverse("home")
#: What the cache saves the order list: the user row, their permissions, where they stand,
#: whether they are called to a board meeting, and the filter's choices of departments and
#: handlers (which follow from people's rights).
ACCESS_QUERIES = 6


def queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def listed(client) -> set[str]:
    response = client.get(LIST)
    assert response.status_code == 200
    return {order.title for order in response.context["page"].object_list}


def reads_access(sql: list[str]) -> bool:
    """Did the request read the person's own user row (what AuthenticationMiddleware asks)?"""
    return any('FROM "organisation_user" WHERE "organisation_user"."id" = ' in q for q in sql)


# --- the steady state -------------------------------------------------------------------


def test_a_second_request_reads_none_of_the_persons_access(client, orderer):
    client.force_login(orderer)
    first = queries(client, LIST)
    second = queries(client, LIST)

    assert len(first) - len(second) == ACCESS_QUERIES
    assert reads_access(first)
    assert not reads_access(second)
    assert [q for q in first if "organisation_ordererregistration" in q]
    assert not [q for q in second if "organisation_ordererregistration" in q]


def test_without_the_cache_every_request_reads_the_access(client, orderer, settings):
    settings.ACCESS_CACHE = False
    client.force_login(orderer)
    first = queries(client, LIST)
    second = queries(client, LIST)

    assert len(first) == len(second)
    assert reads_access(second)


def test_pages_are_served_from_the_database_while_the_cache_is_away(
    client, orderer, make_order, monkeypatch
):
    order = make_order("submitted", title="Ny e-tjänst")

    class Away:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("Redis is away")
            return fail

    client.force_login(orderer)
    monkeypatch.setattr(access, "cache", Away())
    assert listed(client) == {order.title}
    assert reads_access(queries(client, LIST))


# --- every change shows on the next request ---------------------------------------------


def test_joining_and_leaving_a_department_shows_at_once(
    client, outsider, department, make_order
):
    order = make_order("submitted", title="Skolans lärplattform")
    client.force_login(outsider)
    assert listed(client) == set()

    registration = orderer_register(department=department, person=outsider)
    assert listed(client) == {order.title}

    registration.delete()
    assert listed(client) == set()


def test_joining_and_leaving_a_provider_shows_at_once(
    client, outsider, provider, make_order
):
    order = make_order("planned", provider=provider, title="Nytt växelsystem")
    client.force_login(outsider)
    assert listed(client) == set()

    provider_add_member(provider=provider, user=outsider)
    assert listed(client) == {order.title}

    provider_remove_member(provider=provider, user=outsider)
    assert listed(client) == set()


def test_a_role_given_and_taken_shows_at_once(client, outsider, make_order):
    order = make_order("submitted", title="Ärendehantering")
    client.force_login(outsider)
    assert listed(client) == set()

    factories.add_role(outsider, Role.Code.IT_CHIEF)  # sees every order
    assert listed(client) == {order.title}

    outsider.groups.clear()
    assert listed(client) == set()


def test_a_permission_of_the_role_taken_from_the_group_shows_at_once(
    client, outsider, make_order
):
    make_order("submitted")
    factories.add_role(outsider, Role.Code.IT_CHIEF)
    client.force_login(outsider)
    assert client.get(LIST).context["page"].paginator.count == 1

    group = Group.objects.get(user=outsider)
    group.permissions.remove(*group.permissions.filter(codename="view_all_orders"))
    assert client.get(LIST).context["page"].paginator.count == 0


def test_a_meeting_member_gets_the_board_link_at_once(client, outsider, change_manager):
    client.force_login(outsider)
    assert reverse("board:meetings") not in client.get(HOME).content.decode()

    meeting = board_services.meeting_create(
        actor=change_manager, starts_at=timezone.now() + timedelta(days=7))
    board_services.meeting_set_members(
        meeting_id=meeting.pk, actor=change_manager,
        members=[(m.person, m.role, m.deputy_for) for m in meeting.members.all()]
        + [(outsider, None, None)],
    )
    assert reverse("board:meetings") in client.get(HOME).content.decode()


def test_a_person_made_inactive_is_logged_out_at_once(client, orderer):
    client.force_login(orderer)
    assert client.get(LIST).status_code == 200

    orderer.is_active = False
    orderer.save()
    assert client.get(LIST).status_code == 302  # to the login page


def test_a_new_password_ends_the_other_sessions_at_once(client, orderer):
    client.force_login(orderer)
    assert client.get(LIST).status_code == 200

    orderer.set_password("ett-helt-nytt-lösenord-2026")
    orderer.save()
    assert client.get(LIST).status_code == 302


def test_a_changed_name_shows_at_once(client, orderer):
    client.force_login(orderer)
    client.get(HOME)

    orderer.first_name = "Annika"
    orderer.save(update_fields=["first_name"])
    assert "Annika" in client.get(HOME).content.decode()


def test_logging_in_and_new_people_leave_the_cached_access_alone(client, orderer):
    client.force_login(orderer)
    client.get(LIST)
    factories.UserFactory()
    orderer.save(update_fields=["last_login"])

    assert not reads_access(queries(client, LIST))


# --- the generation -----------------------------------------------------------------------


def test_a_change_is_announced_again_when_its_transaction_commits(
    orderer, department, django_capture_on_commit_callbacks
):
    key = access._generation_key()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        OrdererRegistration.objects.get(person=orderer).delete()
        at_once = access.cache.get(key)
    assert at_once is not None
    # An entry written between the change and its commit, from the database as it was before,
    # is not used after the commit.
    entry = access.load(orderer.pk)
    entry.remember("standing", "as before the commit")
    for callback in callbacks:
        callback()
    assert access.cache.get(key) != at_once
    assert access.load(orderer.pk).facts == {}


def test_an_entry_is_kept_for_at_most_five_minutes():
    assert access.CACHE_SECONDS == 300


def test_the_entries_of_two_databases_are_kept_apart(monkeypatch):
    from django.conf import settings

    first = access._entry_key(1)
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "another")
    assert access._entry_key(1) != first


def test_only_the_user_of_a_request_reads_from_the_cache(orderer, department):
    entry = access.load(orderer.pk)
    entry.remember("standing", "cached")
    person = factories.fresh(orderer)  # not built by the authentication backend
    assert access.fact(person, "standing", lambda: "from the database") == "from the database"
    person._access = access.load(orderer.pk)
    assert access.fact(person, "standing", lambda: "from the database") == "cached"


def test_an_order_of_a_department_whose_registration_ended_is_hidden_at_once(
    client, department, orderer, colleague, make_order
):
    order = make_order("submitted", orderer=colleague, title="Digital signering")
    client.force_login(orderer)
    assert order.title in listed(client)

    registration = OrdererRegistration.objects.get(person=orderer)
    registration.valid_from = timezone.localdate() - timedelta(days=30)
    registration.valid_until = timezone.localdate() - timedelta(days=1)
    registration.save()
    assert Order.objects.filter(pk=order.pk).exists()
    assert order.title not in listed(client)


def test_what_follows_from_everyones_rights_is_kept_until_a_change_of_access(
    department, outsider
):
    calls = []

    def holders():
        calls.append(1)
        return sorted(User.objects.filter(groups__isnull=False).values_list("pk", flat=True))

    first = access.shared("holders", holders)
    assert access.shared("holders", holders) == first
    assert len(calls) == 1

    factories.add_role(outsider, Role.Code.IT_CHIEF)
    assert outsider.pk in access.shared("holders", holders)
    assert len(calls) == 2


def test_what_follows_from_everyones_rights_is_computed_each_time_without_the_cache(settings):
    settings.ACCESS_CACHE = False
    calls = []
    access.shared("numbers", lambda: calls.append(1))
    access.shared("numbers", lambda: calls.append(1))
    assert len(calls) == 2


def test_the_list_filters_offer_a_new_handler_and_a_renamed_department_at_once(
    client, orderer, department
):
    client.force_login(orderer)
    page = client.get(LIST).content.decode()
    newcomer = factories.UserFactory(first_name="Nyanställd", last_name="Samordnare")
    assert "Nyanställd" not in page

    factories.add_role(newcomer, Role.Code.IT_COORDINATOR)
    department.name = "Barn- och utbildningsförvaltningen, omdöpt"
    department.save()
    page = client.get(LIST).content.decode()
    assert "Nyanställd Samordnare" in page
    assert "Barn- och utbildningsförvaltningen, omdöpt" in page
    # Chosen, the new handler filters the list.
    response = client.get(LIST, {"handler": newcomer.pk})
    assert response.context["form"].cleaned_data["handler"] == newcomer
