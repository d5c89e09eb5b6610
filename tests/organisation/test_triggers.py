"""The database renews the access token on every write to what decides access, whoever
writes (organisation.triggers): proven here with SQL typed by hand, table by table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from board import services as board_services
from organisation import access, triggers
from organisation.models import User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(orderer, it_lead, provider_user, change_manager, coordinator):
    """A row in every watched table: people in roles and groups with permissions, a
    department with its IT lead and register, a provider's staff, a meeting with members."""
    coordinator.user_permissions.add(
        *factories.Role.objects.get(code="it_chief").group.permissions.all())
    board_services.meeting_create(actor=change_manager,
                                  starts_at=timezone.now() + timedelta(days=7))


def run(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def renews(sql: str, params=()) -> bool:
    before = access.current_token()
    run(sql, params)
    return access.current_token() != before


def test_every_watched_table_renews_the_token_on_an_update_by_hand(everything):
    tables = triggers._tables()
    assert len(tables) == len(triggers.WATCHED)
    for table, columns in tables:
        column = (columns or ["id"])[0] if table != "organisation_user" else "first_name"
        sql = (f'UPDATE "{table}" SET "{column}" = "{column}" '  # noqa: S608 - own tables
               f'WHERE "id" = (SELECT MIN("id") FROM "{table}")')
        assert renews(sql), table


@pytest.mark.parametrize("table", [
    "organisation_user_groups", "organisation_user_user_permissions", "auth_group_permissions",
    "organisation_ordererregistration", "organisation_provider_members", "board_meetingmember",
])
def test_a_row_deleted_by_hand_renews_the_token(everything, table):
    assert renews(f'DELETE FROM "{table}" '  # noqa: S608 - own tables
                  f'WHERE "id" = (SELECT MIN("id") FROM "{table}")'), table


def test_a_row_added_by_hand_renews_the_token(orderer, department):
    assert renews(
        "INSERT INTO organisation_ordererregistration (department_id, person_id, valid_from, "
        "valid_until, deputy_id, note) VALUES (%s, %s, %s, NULL, NULL, '')",
        [department.pk, orderer.pk, timezone.localdate()],
    )


def test_a_meetings_chair_changed_by_hand_renews_the_token(everything, coordinator):
    assert renews("UPDATE board_meeting SET chair_id = %s", [coordinator.pk])
    # Its other columns decide nothing about access.
    assert not renews("UPDATE board_meeting SET place = 'Stora salen'")


def test_logging_in_and_a_new_person_leave_the_token_alone(orderer):
    assert not renews("UPDATE organisation_user SET last_login = %s WHERE id = %s",
                      [timezone.now(), orderer.pk])
    before = access.current_token()
    factories.UserFactory()
    assert access.current_token() == before


def test_every_column_of_the_user_but_the_last_login_is_watched():
    watched = dict(triggers._tables())["organisation_user"]
    assert set(watched) == {f.column for f in User._meta.concrete_fields} - {"last_login"}


def test_a_trigger_lost_is_put_back_by_the_next_migrate(everything):
    """SQLite drops a table's triggers when a migration rebuilds the table; every migrate
    (post_migrate) puts them back."""
    present = triggers._existing(connection)
    suffix = ' ON "organisation_user_groups"' if connection.vendor == "postgresql" else ""
    for name, table in present.items():
        if table == "organisation_user_groups":
            run(f'DROP TRIGGER "{name}"{suffix}')
    assert not renews('DELETE FROM "organisation_user_groups" WHERE "id" = '
                      '(SELECT MIN("id") FROM "organisation_user_groups")')

    triggers.install(connection)

    assert triggers._existing(connection) == present
    assert renews('DELETE FROM "organisation_user_groups" WHERE "id" = '
                  '(SELECT MIN("id") FROM "organisation_user_groups")')


def test_an_emptied_token_table_is_filled_again_by_the_next_migrate():
    run("DELETE FROM organisation_accessversion")
    assert access.current_token() is None
    assert access.load(1) is None  # no token: nothing is cached

    triggers.install(connection)

    assert access.current_token()
