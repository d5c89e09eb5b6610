"""The portfolio's beat tasks: the nightly snapshot and the missing status report reminder,
called as functions (as beat would call them), more than once."""

from __future__ import annotations

from datetime import date, datetime
from unittest import mock

import pytest
from django.utils import timezone

from orders.models import Order
from portfolio import reminders, services, snapshots, tasks
from portfolio.models import DashboardSnapshot, Project
from tests.factories import OrderFactory
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def frozen(day: date, hour: int = 3):
    """`timezone.now` standing still at `hour` o'clock of `day`, Stockholm time."""
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, hour))
    return mock.patch.object(timezone, "now", lambda: moment)


def test_the_snapshot_task_run_twice_on_one_day_keeps_one_snapshot(department):
    OrderFactory(department=department, status=Order.Status.SUBMITTED, reference="B-1901-1")
    with frozen(date(2026, 3, 14), hour=2):
        tasks.take_dashboard_snapshot()
    OrderFactory(department=department, status=Order.Status.SUBMITTED, reference="B-1901-2")
    with frozen(date(2026, 3, 14), hour=23):
        tasks.take_dashboard_snapshot()
    snapshot = DashboardSnapshot.objects.get()
    assert snapshot.day == date(2026, 3, 14)
    # The rerun replaced the day's figures: both orders are counted.
    assert snapshot.data["orders"] == [[department.pk, "new_function", "submitted", 2]]
    with frozen(date(2026, 3, 15), hour=2):
        tasks.take_dashboard_snapshot()
    assert DashboardSnapshot.objects.count() == 2


def test_a_snapshot_counts_projects_by_health(make_project, department, change_manager):
    project = make_project()
    services.status_report_save(
        project_id=project.pk, actor=change_manager, period=date(2026, 1, 1),
        data={"schedule": "amber", "schedule_comment": "Sent", "cost": "green",
              "scope": "green", "summary": "x"},
    )
    make_project("Utan rapport")
    snapshot = snapshots.snapshot_take(date(2026, 2, 1))
    assert snapshot.data["projects"] == [[department.pk, "amber", 1], [department.pk, "none", 1]]


def project_begun_on(make_project, day: date, **data) -> Project:
    with frozen(day, hour=10):
        return make_project(**data)


def test_a_missing_status_report_is_reminded_once(make_project, coordinator):
    project = project_begun_on(make_project, date(2026, 2, 10), manager=coordinator)
    # In March, February's report is missing.
    with frozen(date(2026, 3, 2)):
        assert reminders.status_report_reminders_send() == 1
        assert reminders.status_report_reminders_send() == 0
        assert tasks.send_status_report_reminders() == 0
    message = OutboxMessage.objects.get()
    assert message.recipients == [coordinator.email]
    assert message.dedupe_key == f"portfolio-status-report:{project.pk}:2026-02"
    assert project.name in message.subject
    assert f"/portfolj/projekt/{project.pk}/statusrapport/?period=2026-02" in message.body
    # Later in the month: still no second reminder for February.
    with frozen(date(2026, 3, 28)):
        assert reminders.status_report_reminders_send() == 0
    assert OutboxMessage.objects.count() == 1


def test_no_reminder_once_the_report_is_written_or_for_a_project_not_running(
    make_project, coordinator
):
    reported = project_begun_on(make_project, date(2026, 1, 5), name="Rapporterat",
                                manager=coordinator)
    with frozen(date(2026, 3, 1)):
        services.status_report_save(
            project_id=reported.pk, actor=coordinator, period=date(2026, 2, 1),
            data={"schedule": "green", "cost": "green", "scope": "green", "summary": "Klart."},
        )
    project_begun_on(make_project, date(2026, 1, 5), name="Vilande", status="on_hold",
                     manager=coordinator)
    # Begun in March: nothing is due for February.
    project_begun_on(make_project, date(2026, 3, 1), name="Nytt", manager=coordinator)
    with frozen(date(2026, 3, 2)):
        assert reminders.status_report_reminders_send() == 0
    assert not OutboxMessage.objects.exists()


def test_each_month_is_reminded_once(make_project, coordinator):
    project_begun_on(make_project, date(2026, 1, 5), manager=coordinator)
    for day in (date(2026, 2, 1), date(2026, 2, 20), date(2026, 3, 1), date(2026, 3, 9)):
        with frozen(day):
            reminders.status_report_reminders_send()
    keys = sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True))
    assert [key.rsplit(":", 1)[1] for key in keys] == ["2026-01", "2026-02"]
