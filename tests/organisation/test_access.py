"""A person's access kept in the cache between requests (organisation.access): a page reads
the user, their permissions, where they stand and whether they sit on the board once, every
change to those shows on the next request, and an entry cannot be forged, outlive its five
minutes or be read by other code."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
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
#: whether they are called to a board meeting, their roles (the menu's records link), and the
#: filter's choices of departments and handlers (which follow from people's rights).
ACCESS_QUERIES = 7


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


def reads_token(sql: list[str]) -> bool:
    return any("organisation_accessversion" in q for q in sql)


def raw_entry(user_id: int) -> str | None:
    return access.cache.get(access._key(f"user:{user_id}"))


def doctor(user_id: int, change) -> None:
    """Rewrite the person's stored entry as someone who can write to Redis but does not hold
    SECRET_KEY would: change its facts, keep its signature."""
    signature, _dot, body = raw_entry(user_id).partition(".")
    data = json.loads(body)
    change(data)
    access.cache.set(access._key(f"user:{user_id}"),
                     f"{signature}.{json.dumps(data, sort_keys=True, separators=(',', ':'))}")


# --- the steady state -------------------------------------------------------------------


def test_a_second_request_reads_none_of_the_persons_access_but_the_token(client, orderer):
    client.force_login(orderer)
    first = queries(client, LIST)
    second = queries(client, LIST)

    assert len(first) - len(second) == ACCESS_QUERIES
    assert reads_access(first)
    assert not reads_access(second)
    assert [q for q in first if "organisation_ordererregistration" in q]
    assert not [q for q in second if "organisation_ordererregistration" in q]
    # The one query every request makes for it: the access token, once.
    assert sum("organisation_accessversion" in q for q in second) == 1


def test_without_the_cache_every_request_reads_the_access(client, orderer, settings):
    settings.ACCESS_CACHE = False
    client.force_login(orderer)
    first = queries(client, LIST)
    second = queries(client, LIST)

    assert len(first) == len(second)
    assert reads_access(second)
    assert not reads_token(second)


def test_pages_are_served_from_the_database_while_the_cache_is_away(
    client, orderer, make_order, monkeypatch
):
    order = make_order("submitted", title="Ny e-tjänst")

    class Away:
        """What the cache backend answers while Redis is away (tyreso_it.core.cache): every
        read a miss, every write a no-op."""

        def __getattr__(self, name):
            def miss(*args, **kwargs):
                return None
            return miss

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
    assert not reads_access(queries(client, LIST))  # served from the cache

    orderer.set_password("ett-helt-nytt-lösenord-2026")
    orderer.save()
    assert client.get(LIST).status_code == 302


def test_a_session_is_kept_while_served_from_the_cache(client, orderer):
    """The cached user answers the session's check from the hash it carries, without the
    password hash: the person stays logged in, request after request."""
    client.force_login(orderer)
    for _ in range(3):
        assert client.get(LIST).status_code == 200
    assert not reads_access(queries(client, LIST))


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


def test_an_end_date_reached_hides_the_departments_orders_at_the_next_request(
    client, department, orderer, colleague, make_order
):
    order = make_order("submitted", orderer=colleague, title="Digital signering")
    client.force_login(orderer)
    assert order.title in listed(client)

    OrdererRegistration.objects.filter(person=orderer).update(
        valid_from=timezone.localdate() - timedelta(days=30),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    assert order.title not in listed(client)


def test_an_entry_of_yesterday_is_not_used_today(client, orderer, monkeypatch):
    """Registrations start and end by the day: an entry is for the day it was built."""
    client.force_login(orderer)
    client.get(LIST)
    assert not reads_access(queries(client, LIST))

    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert reads_access(queries(client, LIST))


# --- the token ----------------------------------------------------------------------------


def test_a_change_in_a_transaction_renews_the_token_only_if_it_commits(orderer, department):
    before = access.current_token()
    with transaction.atomic():
        OrdererRegistration.objects.filter(person=orderer).delete()
        inside = access.current_token()
        transaction.set_rollback(True)

    assert inside != before
    # Rolled back: the rights are as before, and so is the token, with the entries built
    # under it.
    assert access.current_token() == before


def test_a_fact_read_inside_a_transaction_is_not_kept(orderer):
    """The transaction may yet roll back what the fact was read from."""
    person = factories.fresh(orderer)
    person._access = access.load(orderer.pk)
    with transaction.atomic():
        access.fact(person, "numbers", lambda: [1, 2])
    assert "numbers" not in access.load(orderer.pk).facts

    access.fact(person, "numbers", lambda: [1, 2])
    assert access.load(orderer.pk).facts["numbers"] == [1, 2]


def test_only_the_user_of_a_request_reads_from_the_cache(orderer, department):
    entry = access.load(orderer.pk)
    entry.remember("standing", "cached")
    person = factories.fresh(orderer)  # not built by the authentication backend
    assert access.fact(person, "standing", lambda: "from the database") == "from the database"
    person._access = access.load(orderer.pk)
    assert access.fact(person, "standing", lambda: "from the database") == "cached"


def test_only_json_is_kept(orderer):
    entry = access.load(orderer.pk)
    with pytest.raises(TypeError):
        entry.remember("roles", {"a set", "is not JSON"})
    assert entry.remember("pairs", [(1, "ett")]) == [[1, "ett"]]


# --- forgery, age, format, prefix -----------------------------------------------------------


def test_a_doctored_superuser_entry_is_ignored_and_logged(client, outsider, make_order,
                                                          caplog):
    order = make_order("submitted", title="Hemlig för utomstående")
    client.force_login(outsider)
    assert listed(client) == set()

    def make_superuser(data):
        data["f"]["user"]["fields"]["is_superuser"] = True
    doctor(outsider.pk, make_superuser)

    with caplog.at_level("WARNING", logger="organisation.access"):
        assert listed(client) == set()
    assert "wrong signature" in caplog.text
    assert order.title not in client.get(LIST).content.decode()
    # Read from the database again, and kept again, rightly signed.
    signature, _dot, body = raw_entry(outsider.pk).partition(".")
    assert json.loads(body)["f"]["user"]["fields"]["is_superuser"] is False


def test_a_doctored_permission_or_department_is_ignored(client, outsider, department,
                                                        make_order):
    make_order("submitted")
    client.force_login(outsider)
    assert client.get(LIST).context["page"].paginator.count == 0

    def grant(data):
        data["f"]["permissions"] = ["orders.view_all_orders", "orders.decide_order"]
        data["f"]["standing"]["member"] = [department.pk]
        data["f"]["standing"]["coordinate"] = [department.pk]
    doctor(outsider.pk, grant)

    assert client.get(LIST).context["page"].paginator.count == 0


def test_another_persons_entry_moved_under_ones_own_key_is_ignored(client, outsider,
                                                                   it_chief, make_order):
    make_order("submitted")
    client.force_login(it_chief)
    client.get(LIST)
    access.cache.set(access._key(f"user:{outsider.pk}"), raw_entry(it_chief.pk))
    client.force_login(outsider)

    assert client.get(LIST).context["page"].paginator.count == 0


def test_an_entry_older_than_five_minutes_is_not_used(client, orderer, monkeypatch):
    client.force_login(orderer)
    client.get(LIST)
    assert not reads_access(queries(client, LIST))
    built = access._now()

    monkeypatch.setattr(access, "_now", lambda: built + access.CACHE_SECONDS - 5)
    assert not reads_access(queries(client, LIST))
    monkeypatch.setattr(access, "_now", lambda: built + access.CACHE_SECONDS + 1)
    assert reads_access(queries(client, LIST))


def test_adding_a_fact_does_not_lengthen_the_entrys_life(client, orderer, monkeypatch):
    client.force_login(orderer)
    client.get(HOME)
    built = json.loads(raw_entry(orderer.pk).partition(".")[2])["b"]

    monkeypatch.setattr(access, "_now", lambda: built + 200)
    client.get(LIST)  # the list adds facts of its own
    data = json.loads(raw_entry(orderer.pk).partition(".")[2])
    assert "order-list-departments" in data["f"]
    assert data["b"] == built


def test_an_entry_of_another_format_or_prefix_is_not_read(client, orderer, monkeypatch,
                                                          settings):
    client.force_login(orderer)
    client.get(LIST)
    assert not reads_access(queries(client, LIST))

    monkeypatch.setattr(access, "FORMAT", access.FORMAT + 1)
    assert reads_access(queries(client, LIST))
    monkeypatch.setattr(access, "FORMAT", access.FORMAT - 1)
    assert not reads_access(queries(client, LIST))
    settings.ACCESS_CACHE_PREFIX = "another-installation"
    assert reads_access(queries(client, LIST))


def test_the_key_prefix_is_the_setting_not_the_database(monkeypatch, settings):
    first = access._key("user:1")
    monkeypatch.setitem(settings.DATABASES["default"], "HOST", "another-host")
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "another")
    assert access._key("user:1") == first
    settings.ACCESS_CACHE_PREFIX = "tyreso-test"
    assert access._key("user:1").startswith(f"tyreso-test:v{access.FORMAT}:")


def test_the_cache_holds_no_password_hash(client, orderer):
    client.force_login(orderer)
    client.get(LIST)
    client.get(HOME)

    stored = raw_entry(orderer.pk)
    password = User.objects.get(pk=orderer.pk).password
    assert password and password not in stored
    assert '"password"' not in stored
    assert "session_auth_hash" in stored


def test_a_cached_user_loads_the_password_hash_only_when_asked(client, orderer):
    from organisation.backends import user_from_row, user_row

    row = user_row(factories.fresh(orderer))
    user = user_from_row(row)
    assert "password" not in user.__dict__
    assert user.get_session_auth_hash() == factories.fresh(orderer).get_session_auth_hash()
    assert user.check_password(factories.PASSWORD)  # read from the database when asked

    user.set_password("ett-annat-lösenord-99")
    assert user.get_session_auth_hash() != row["session_auth_hash"]


# --- what follows from everyone's rights -----------------------------------------------------


def test_what_follows_from_everyones_rights_is_kept_until_a_change_of_access(
    department, orderer, outsider
):
    calls = []

    def holders():
        calls.append(1)
        return sorted(User.objects.filter(groups__isnull=False).values_list("pk", flat=True))

    def asking():
        person = factories.fresh(orderer)
        person._access = access.load(orderer.pk)
        return person

    first = access.shared(asking(), "holders", holders)
    assert access.shared(asking(), "holders", holders) == first
    assert len(calls) == 1

    factories.add_role(outsider, Role.Code.IT_CHIEF)
    assert outsider.pk in access.shared(asking(), "holders", holders)
    assert len(calls) == 2


def test_what_follows_from_everyones_rights_is_computed_each_time_without_the_cache(
    settings, orderer
):
    settings.ACCESS_CACHE = False
    calls = []
    access.shared(orderer, "numbers", lambda: calls.append(1))
    access.shared(orderer, "numbers", lambda: calls.append(1))
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


def test_a_shared_entry_doctored_is_ignored(client, orderer, coordinator):
    client.force_login(orderer)
    client.get(LIST)
    key = access._key("shared:order-handlers")
    signature, _dot, body = access.cache.get(key).partition(".")
    data = json.loads(body)
    data["f"]["value"] = [[orderer.pk, "Falsk handläggare"]]
    access.cache.set(key, f"{signature}.{json.dumps(data)}")

    assert "Falsk handläggare" not in client.get(LIST).content.decode()


def test_an_order_is_not_seen_from_a_stale_entry_after_a_change_by_update(
    client, orderer, colleague, make_order
):
    """A change made outside the models' save (QuerySet.update) renews the token too."""
    order = make_order("submitted", orderer=colleague, title="Uppdaterad utan signal")
    client.force_login(orderer)
    assert order.title in listed(client)

    OrdererRegistration.objects.filter(person=orderer).update(
        valid_until=timezone.localdate() - timedelta(days=1),
        valid_from=timezone.localdate() - timedelta(days=9),
    )
    assert Order.objects.filter(pk=order.pk).exists()
    assert order.title not in listed(client)
