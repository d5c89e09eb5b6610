"""The dashboard counts in Swedish, each noun agreeing with its own number: "1 röd", "2 röda",
"1 beställning väntar", "1 dag"; in the page's summaries, tiles and notes alike."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from portfolio.dashboard import projects

from .conftest import at, days_ago, timed_order

pytestmark = pytest.mark.django_db
S = Order.Status
URL = reverse("portfolio:dashboard")


def report(project, actor, schedule: str) -> None:
    from portfolio import services

    services.status_report_save(
        project_id=project.pk, actor=actor, period=date(2026, 1, 1),
        data={"schedule": schedule, "cost": "green", "scope": "green", "summary": "x",
              "schedule_comment": "x"})


def test_one_of_a_health_is_counted_in_the_singular(client, make_project, change_manager,
                                                    it_chief):
    report(make_project("Ett"), change_manager, "red")
    report(make_project("Två"), change_manager, "amber")
    report(make_project("Tre"), change_manager, "amber")
    client.force_login(it_chief)
    page = client.get(URL + "?year=2026").content.decode()
    assert "3 pågående projekt: 1 röd, 2 gula, 0 gröna, 0 ej rapporterade." in page
    # The tiles write their number before their words.
    assert '<span class="tile-number">1</span> Rött projekt' in page
    assert '<span class="tile-number">0</span> Statusrapporter saknas' in page


def test_many_of_a_health_are_counted_in_the_plural(client, make_project, change_manager,
                                                    it_chief):
    for name in ("Ett", "Två"):
        report(make_project(name), change_manager, "red")
    make_project("Utan rapport")
    client.force_login(it_chief)
    page = client.get(URL + "?year=2026").content.decode()
    assert "3 pågående projekt: 2 röda, 0 gula, 0 gröna, 1 ej rapporterad." in page
    assert '<span class="tile-number">2</span> Röda projekt' in page


def test_the_chart_names_one_project_shown(client, make_project, it_chief, monkeypatch):
    monkeypatch.setattr(projects, "PROJECTS_SHOWN", 1)
    make_project("Ett")
    make_project("Två")
    client.force_login(it_chief)
    page = client.get(URL + "?year=2026").content.decode()
    assert "Diagrammet visar det första projektet i portföljens ordning." in page
    assert "(det första projektet i portföljens ordning visas)" in page


def test_one_order_waiting_and_one_day_are_singular(client, department, it_chief):
    today = timezone.localdate()
    timed_order(department, S.SUBMITTED, submitted_at=days_ago(today, 1, hour=0))
    client.force_login(it_chief)
    page = client.get(URL).content.decode()
    assert ("1 beställning väntar på beslut (medianålder 1 dag, den äldsta 1 dag); "
            "0 beslutade beställningar väntar på leverans.") in page
    assert '<span class="tile-note">median 1 dag</span>' in page


def test_many_orders_waiting_and_days_are_plural(client, department, it_chief):
    today = timezone.localdate()
    for days in (3, 5):
        timed_order(department, S.SUBMITTED, submitted_at=days_ago(today, days, hour=0))
    timed_order(department, S.APPROVED, submitted_at=days_ago(today, 20, hour=0),
                decided_at=days_ago(today, 2, hour=0))
    client.force_login(it_chief)
    page = client.get(URL).content.decode()
    assert ("2 beställningar väntar på beslut (medianålder 4 dagar, den äldsta 5 dagar); "
            "1 beslutad beställning väntar på leverans.") in page


def test_the_lead_times_count_one_decided_and_one_delivered(client, department, it_chief):
    timed_order(department, S.CLOSED, submitted_at=at(2025, 3, 1), decided_at=at(2025, 3, 11),
                delivered_at=at(2025, 4, 10))
    client.force_login(it_chief)
    page = client.get(URL + "?year=2025").content.decode()
    assert "(1 beslutad 2025)" in page and "(1 levererad)" in page


def test_the_notice_date_note_and_a_single_minute_are_singular(client, it_chief, settings):
    settings.PORTFOLIO_OUTBOX_OVERDUE_MINUTES = 1
    client.force_login(it_chief)
    page = client.get(URL).content.decode()
    assert "Meddelanden som inte skickats 1 minut efter att de köades" in page
    assert "Uppsägningsdatum och licensförnyelser de kommande 6 månaderna" in page
    assert "0 uppsägningsdatum" in page
