"""A person's subject-access export finds them everywhere the product names them, and
pseudonymising a person who has left keeps the statistics right."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from openpyxl import load_workbook

from board import services as board_services
from board.models import MeetingMember, MinutesCorrection
from orders import services as order_services
from orders.models import Order
from organisation.models import Role, User
from portfolio.dashboard.leadtimes import lead_time_figures
from records import services, subject_access
from records.models import Pseudonym
from tests import factories
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db
S = Order.Status


@pytest.fixture
def person(department, coordinator, change_manager, provider, provider_user):
    """Greta, seeded in every place that can name a person."""
    greta = factories.make_orderer(department, username="greta", first_name="Greta",
                                   last_name="Gustafsson", email="greta@tyreso.se")
    factories.add_role(greta, Role.Code.REQUIREMENTS_ANALYST)
    order = factories.make_order(S.IN_PREPARATION, department=department, orderer=greta,
                                 handler=coordinator, change_manager=change_manager,
                                 title="Gretas beställning")
    order_services.comment_add(order_id=order.pk, actor=greta, body="Gretas egen kommentar")
    other = factories.make_order(S.SUBMITTED, department=department,
                                 title="Kollegans beställning")
    order_services.comment_add(order_id=other.pk, actor=other.orderer,
                               body="Fråga Greta Gustafsson om lokalerna")
    meeting = board_services.meeting_create(actor=change_manager,
                                            starts_at=timezone.now() + timedelta(days=10))
    MeetingMember.objects.create(meeting=meeting, person=greta, attended=True)
    MinutesCorrection.objects.create(meeting=meeting, text="Rättelse", created_by=greta)
    OutboxMessage.objects.create(recipients=["greta@tyreso.se"], subject="Till Greta",
                                 body="Hej Greta")
    AccessLog.objects.create(username="greta", ip_address="10.1.2.3", user_agent="Firefox")
    return factories.fresh(greta)


def export_text(person: User) -> str:
    return "\n".join(" | ".join("" if v is None else str(v) for v in row)
                     for row in subject_access.rows(person))


@override("en")
def test_the_export_finds_every_mention_of_the_person(person):
    text = export_text(person)
    role = Role.objects.get(code=Role.Code.REQUIREMENTS_ANALYST).name
    for expected in ("greta@tyreso.se", role,
                     "Gretas beställning", "Gretas egen kommentar",
                     "Fråga Greta Gustafsson om lokalerna", "Rättelse", "Till Greta",
                     "10.1.2.3", "present"):
        assert expected in text, expected
    sections = {row[0] for row in subject_access.rows(person)}
    assert {"History record", "Mentioned in a comment", "Email addressed to them",
            "HUKI role", "Login"} <= sections
    assert any(str(row[0]).lower().startswith("member") for row in
               subject_access.rows(person))


def test_the_export_is_a_spreadsheet_for_the_it_chief_only(client, person, it_chief, orderer):
    url = reverse("records:person_export", args=[person.pk])
    client.force_login(orderer)
    assert client.get(url).status_code == 404
    client.force_login(it_chief)
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Gretas egen kommentar" in cells
    assert "Fråga Greta Gustafsson om lokalerna" in cells


def statistics() -> tuple:
    per_department = sorted(Order.objects.values_list("department").annotate(n=Count("pk")))
    year = timezone.now().year
    figures = lead_time_figures(Order.objects.all(), [year])
    leads = {name: (figures[year][name][0].count, figures[year][name][0].median)
             for name in ("decision", "delivery", "total")}
    return per_department, leads


def test_pseudonymising_keeps_the_statistics(department, it_chief, coordinator,
                                             change_manager, provider, provider_user):
    greta = factories.make_orderer(department, username="greta", first_name="Greta",
                                   last_name="Gustafsson", email="greta@tyreso.se")
    for state in (S.DELIVERED, S.CLOSED, S.SUBMITTED):
        order = factories.make_order(state, department=department, orderer=greta,
                                     handler=coordinator, change_manager=change_manager,
                                     provider=provider, provider_user=provider_user)
    order_services.comment_add(order_id=order.pk, actor=greta, body="Greta Gustafsson här")
    before = statistics()
    User.objects.filter(pk=greta.pk).update(is_active=False)
    services.person_pseudonymise(person_id=greta.pk, actor=it_chief, reason="Slutat 2026")
    greta.refresh_from_db()
    assert (str(greta), greta.email) == (f"Person {greta.pk}", "")
    assert statistics() == before
    assert Order.objects.filter(orderer=greta).count() == 3
    # Free text is kept as written; the comment's author now reads the pseudonym.
    comment = order.comments.get()
    assert comment.body == "Greta Gustafsson här" and str(comment.author) == f"Person {greta.pk}"


def test_only_a_person_who_has_left_and_is_on_no_held_order_is_pseudonymised(
        person, it_chief, coordinator, orderer):
    with pytest.raises(services.NotAllowed):
        services.person_pseudonymise(person_id=person.pk, actor=orderer)
    with pytest.raises(services.Conflict):
        services.person_pseudonymise(person_id=person.pk, actor=it_chief)  # still active
    User.objects.filter(pk=person.pk).update(is_active=False)
    order = Order.objects.get(orderer=person)
    hold = services.legal_hold_set(order_id=order.pk, actor=coordinator, reason="Tvist")
    with pytest.raises(services.Conflict):
        services.person_pseudonymise(person_id=person.pk, actor=it_chief)
    services.legal_hold_lift(hold_id=hold.pk, actor=coordinator, reason="Klar")
    services.person_pseudonymise(person_id=person.pk, actor=it_chief)
    assert Pseudonym.objects.filter(user=person).exists()
    assert not AccessLog.objects.filter(username="greta").exists()
    assert not OutboxMessage.objects.filter(subject="Till Greta").exists()
    with pytest.raises(services.Conflict):
        services.person_pseudonymise(person_id=person.pk, actor=it_chief)
