"""Projects, status reports and the ranked portfolio, through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.models import Order
from portfolio import selectors, services
from portfolio.models import Health, PortfolioEntry, Project, RankChange, StatusReport
from tests import factories

pytestmark = pytest.mark.django_db

GREEN = {"schedule": "green", "cost": "green", "scope": "green", "summary": "Enligt plan."}


def report_data(**changes):
    return {**GREEN, "schedule_comment": "", "cost_comment": "", "scope_comment": "",
            **changes}


# --- projects -----------------------------------------------------------------------------


def test_an_approved_project_order_becomes_one_project_that_keeps_the_link(
    decided_order, make_project
):
    order = decided_order()
    project = make_project("Ny lärplattform", order=order)
    assert project.order == order
    assert selectors.linked_orders(factories.fresh(project.manager), project) == [order]
    assert project.entry.rank == 1
    with pytest.raises(services.PortfolioError) as caught:
        make_project("Samma beställning igen", order=order)
    assert caught.value.status_code == 400
    assert Project.objects.filter(order=order).count() == 1


def test_an_order_not_approved_or_not_a_project_does_not_become_a_project(
    decided_order, make_project
):
    waiting = decided_order(Order.Status.READY_FOR_DECISION)
    change = decided_order(kind=Order.Kind.CHANGE)
    for order in (waiting, change):
        with pytest.raises(services.PortfolioError):
            make_project(order=order)


def test_the_database_refuses_a_second_project_for_an_order(decided_order, make_project,
                                                             change_manager, department):
    order = decided_order()
    make_project(order=order)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(name="Dubblett", order=order, sponsor_department=department,
                               manager=change_manager)


def test_only_the_change_manager_enters_projects(it_chief, coordinator, department):
    for person in (it_chief, coordinator):
        with pytest.raises(services.NotAllowed):
            services.project_create(actor=person, data={
                "name": "X", "sponsor_department": department, "manager": person})


def test_a_stale_edit_is_refused_with_409(make_project, change_manager):
    project = make_project()
    services.project_update(project_id=project.pk, actor=change_manager,
                            data={"phase": "closing"}, expected_version=project.version)
    with pytest.raises(services.StaleVersion) as caught:
        services.project_update(project_id=project.pk, actor=change_manager,
                                data={"phase": "planning"}, expected_version=project.version)
    assert caught.value.status_code == 409
    assert Project.objects.get(pk=project.pk).phase == "closing"


def test_the_project_manager_keeps_the_facts_but_not_the_budget(make_project, coordinator):
    project = make_project(manager=coordinator)
    project = services.project_update(
        project_id=project.pk, actor=coordinator,
        data={"phase": "closing", "actual_start": date(2026, 2, 3)},
        expected_version=project.version,
    )
    assert project.phase == "closing"
    with pytest.raises(services.NotAllowed):
        services.project_update(project_id=project.pk, actor=coordinator,
                                data={"budget": Decimal("9000000")},
                                expected_version=project.version)


def test_closing_a_project_takes_it_out_of_the_ranking_with_a_reason(make_project,
                                                                       change_manager):
    first, second = make_project("Ett"), make_project("Två")
    services.project_update(project_id=first.pk, actor=change_manager,
                            data={"status": "completed"}, expected_version=first.version)
    assert not PortfolioEntry.objects.filter(project=first).exists()
    assert PortfolioEntry.objects.get(project=second).rank == 1
    removal = RankChange.objects.get(project=first, to_rank=None)
    assert removal.from_rank == 1 and removal.actor == change_manager
    assert Project.Status.COMPLETED.label.lower() in removal.reason


def test_dates_must_be_in_order(make_project):
    with pytest.raises(services.PortfolioError) as caught:
        make_project(planned_start=date(2026, 5, 1), planned_end=date(2026, 4, 1))
    assert caught.value.field == "planned_end"


# --- status reports -----------------------------------------------------------------------


def test_a_status_report_sets_the_project_health_and_actuals(make_project, coordinator):
    project = make_project(manager=coordinator)
    services.status_report_save(project_id=project.pk, actor=coordinator,
                                period=date(2026, 9, 1),
                                data=report_data(actual_cost=Decimal("120000")))
    services.status_report_save(
        project_id=project.pk, actor=coordinator, period=date(2026, 10, 14),
        data=report_data(cost="red", cost_comment="Konsulterna kostar mer.",
                         actual_cost=Decimal("200000")),
    )
    project.refresh_from_db()
    assert project.latest_report.period == date(2026, 10, 1)
    assert project.health == Health.RED
    assert project.actual_cost == Decimal("200000")
    # Correcting an older month keeps the latest month's health and actuals.
    september = StatusReport.objects.get(project=project, period=date(2026, 9, 1))
    services.status_report_save(
        project_id=project.pk, actor=coordinator, period=date(2026, 9, 1),
        data=report_data(actual_cost=Decimal("130000")), expected_version=september.version,
    )
    project.refresh_from_db()
    assert project.health == Health.RED
    assert project.actual_cost == Decimal("200000")


def test_an_aspect_that_is_not_green_needs_a_comment(make_project, coordinator):
    project = make_project(manager=coordinator)
    with pytest.raises(services.PortfolioError) as caught:
        services.status_report_save(project_id=project.pk, actor=coordinator,
                                    period=date(2026, 9, 1),
                                    data=report_data(schedule="amber"))
    assert caught.value.field == "schedule_comment"
    assert not StatusReport.objects.exists()


def test_the_database_refuses_a_red_aspect_without_a_comment(make_project, coordinator):
    project = make_project(manager=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReport.objects.create(project=project, period=date(2026, 9, 1),
                                    author=coordinator, schedule="green", cost="red",
                                    scope="green", summary="x")


def test_reports_are_written_by_the_project_manager_only(make_project, coordinator,
                                                         change_manager):
    project = make_project(manager=coordinator)
    with pytest.raises(services.NotAllowed):
        services.status_report_save(project_id=project.pk, actor=change_manager,
                                    period=date(2026, 9, 1), data=report_data())


def test_a_month_that_has_not_begun_cannot_be_reported(make_project, coordinator):
    project = make_project(manager=coordinator)
    next_year = timezone.localdate().year + 1
    with pytest.raises(services.PortfolioError):
        services.status_report_save(project_id=project.pk, actor=coordinator,
                                    period=date(next_year, 1, 1), data=report_data())


def test_a_report_saved_meanwhile_by_someone_else_is_not_overwritten(make_project, coordinator):
    project = make_project(manager=coordinator)
    services.status_report_save(project_id=project.pk, actor=coordinator,
                                period=date(2026, 9, 1), data=report_data())
    # A second form opened before the first was saved carries no version.
    with pytest.raises(services.StaleVersion):
        services.status_report_save(project_id=project.pk, actor=coordinator,
                                    period=date(2026, 9, 1),
                                    data=report_data(summary="Annat"), expected_version=None)
    assert StatusReport.objects.get().summary == "Enligt plan."


# --- the ranked portfolio -------------------------------------------------------------------


def ranks() -> list[str]:
    return [entry.title for entry in
            PortfolioEntry.objects.select_related("project", "order").order_by("rank")]


def test_a_rank_change_records_who_and_why(make_project, change_manager):
    make_project("A"), make_project("B")
    c = make_project("C")
    entry = PortfolioEntry.objects.get(project=c)
    services.portfolio_move(entry_id=entry.pk, actor=change_manager, to_rank=1,
                            reason="Lagkrav från 1 juli.", expected_rank=3)
    assert ranks() == ["C", "A", "B"]
    assert list(PortfolioEntry.objects.order_by("rank").values_list("rank", flat=True)) == [
        1, 2, 3]
    change = RankChange.objects.filter(from_rank__isnull=False).get()
    assert (change.project, change.from_rank, change.to_rank) == (c, 3, 1)
    assert change.actor == change_manager
    assert change.reason == "Lagkrav från 1 juli."
    assert change.title == "C"


def test_a_move_needs_a_reason(make_project, change_manager):
    make_project("A")
    entry = PortfolioEntry.objects.get(project=make_project("B"))
    with pytest.raises(services.PortfolioError) as caught:
        services.portfolio_move(entry_id=entry.pk, actor=change_manager, to_rank=1,
                                reason="  ", expected_rank=2)
    assert caught.value.field == "reason"
    assert ranks() == ["A", "B"]


def test_a_move_on_a_portfolio_reordered_meanwhile_is_refused(make_project, change_manager):
    make_project("A")
    b, c = make_project("B"), make_project("C")
    services.portfolio_move(entry_id=PortfolioEntry.objects.get(project=c).pk,
                            actor=change_manager, to_rank=1, reason="Först", expected_rank=3)
    with pytest.raises(services.StaleVersion):
        # The page still showed B at place 2; it is at 3 now.
        services.portfolio_move(entry_id=PortfolioEntry.objects.get(project=b).pk,
                                actor=change_manager, to_rank=1, reason="Nej, B först",
                                expected_rank=2)
    assert ranks() == ["C", "A", "B"]


def test_only_the_change_manager_ranks(make_project, it_chief, coordinator):
    entry = PortfolioEntry.objects.get(project=make_project())
    for person in (it_chief, coordinator):
        with pytest.raises(services.NotAllowed):
            services.portfolio_move(entry_id=entry.pk, actor=person, to_rank=1, reason="x",
                                    expected_rank=1)


def test_a_larger_change_order_is_ranked_and_removed_with_reasons(
    decided_order, make_project, change_manager
):
    make_project("A")
    order = decided_order(kind=Order.Kind.CHANGE, estimated_cost=Decimal("250000"))
    entry = services.portfolio_add_order(actor=change_manager, order=order,
                                         reason="Stor ändring.")
    assert entry.rank == 2 and ranks() == ["A", f"{order.reference} {order.title}"]
    services.portfolio_remove(entry_id=entry.pk, actor=change_manager, reason="Levererad.")
    assert ranks() == ["A"]
    added, removed = RankChange.objects.filter(order=order).order_by("pk")
    assert (added.from_rank, added.to_rank, added.reason) == (None, 2, "Stor ändring.")
    assert (removed.from_rank, removed.to_rank, removed.reason) == (2, None, "Levererad.")


def test_a_small_order_is_not_ranked(decided_order, change_manager):
    order = decided_order(kind=Order.Kind.CHANGE, estimated_cost=Decimal("20000"))
    with pytest.raises(services.PortfolioError):
        services.portfolio_add_order(actor=change_manager, order=order, reason="Liten")


def test_milestones_by_the_project_manager(make_project, coordinator, outsider):
    project = make_project(manager=coordinator)
    milestone = services.milestone_add(project_id=project.pk, actor=coordinator,
                                       name="Driftstart", due_date=date(2026, 6, 1))
    services.milestone_done(milestone_id=milestone.pk, actor=coordinator,
                            done_on=date(2026, 6, 3))
    milestone.refresh_from_db()
    assert milestone.done_on == date(2026, 6, 3)
    with pytest.raises(services.NotAllowed):
        services.milestone_add(project_id=project.pk, actor=factories.fresh(outsider),
                               name="X", due_date=date(2026, 7, 1))
