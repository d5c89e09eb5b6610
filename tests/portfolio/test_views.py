"""Every portfolio page: anonymous, without permission (404), with permission, and another
department's project (404, as if it did not exist); and the changes made through the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import services as order_services
from orders.models import Order
from portfolio import services
from portfolio.models import Milestone, PortfolioEntry, Project, RankChange, StatusReport

from .conftest import timed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_project, decided_order, coordinator, other_department):
    """A project of `department` (managed by the coordinator, with a milestone), one of the
    other department, and an approved project order without a project."""
    own = make_project("Skolans lärplattform", manager=coordinator)
    services.milestone_add(project_id=own.pk, actor=coordinator, name="Upphandlad",
                           due_date=date(2026, 4, 1))
    other = make_project("Socialtjänstens journal", sponsor_department=other_department)
    waiting = decided_order()
    return {"own": own, "other": other, "order": waiting,
            "milestone": own.milestones.get()}


def page_urls(world) -> dict[str, str]:
    own = world["own"]
    return {
        "ranking": reverse("portfolio:ranking"),
        "projects": reverse("portfolio:projects"),
        "project": own.get_absolute_url(),
        "timeline": reverse("portfolio:timeline"),
        "dashboard": reverse("portfolio:dashboard"),
        "dashboard_print": reverse("portfolio:dashboard_print"),
        "dashboard_export": reverse("portfolio:dashboard_export", args=["status", "csv"]),
        "management_report": reverse("portfolio:management_report"),
        "rank_history": reverse("portfolio:rank_history"),
        "project_create": reverse("portfolio:project_create"),
        "project_from_order": reverse("portfolio:project_from_order", args=[world["order"].pk]),
        "project_edit": reverse("portfolio:project_edit", args=[own.pk]),
    }


PAGES = ["ranking", "projects", "project", "timeline", "dashboard", "dashboard_print",
         "dashboard_export", "management_report", "rank_history", "project_create",
         "project_from_order", "project_edit"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_log_in(client, world, name):
    url = page_urls(world)[name]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_a_person_without_a_department_or_role_gets_404(client, world, outsider, name):
    client.force_login(outsider)
    assert client.get(page_urls(world)[name]).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_the_change_manager_opens_every_page(client, world, change_manager, name):
    client.force_login(change_manager)
    response = client.get(page_urls(world)[name])
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["ranking", "projects", "project", "timeline", "dashboard",
                                  "dashboard_print", "dashboard_export", "management_report",
                                  "rank_history"])
def test_the_it_chief_reads_the_whole_portfolio(client, world, it_chief, name):
    client.force_login(it_chief)
    assert client.get(page_urls(world)[name]).status_code == 200


@pytest.mark.parametrize("name", ["project_create", "project_from_order", "project_edit"])
def test_the_it_chief_changes_nothing(client, world, it_chief, name):
    client.force_login(it_chief)
    assert client.get(page_urls(world)[name]).status_code == 403


def test_a_member_of_the_sponsor_department_sees_its_projects_only(client, world, orderer):
    client.force_login(orderer)
    response = client.get(reverse("portfolio:projects"))
    assert response.status_code == 200
    assert list(response.context["projects"]) == [world["own"]]
    assert client.get(world["own"].get_absolute_url()).status_code == 200
    assert client.get(world["other"].get_absolute_url()).status_code == 404
    ranking = client.get(reverse("portfolio:ranking"))
    assert [row["entry"].project for row in ranking.context["rows"]] == [world["own"]]
    assert "Socialtjänstens journal" not in ranking.content.decode()
    timeline = client.get(reverse("portfolio:timeline"))
    assert [row.title for row in timeline.context["timeline"].projects] == [
        "Skolans lärplattform"]


@pytest.mark.parametrize("name", ["dashboard", "dashboard_print", "dashboard_export",
                                  "management_report", "rank_history"])
def test_whole_portfolio_pages_are_not_for_a_department(client, world, orderer, name):
    client.force_login(orderer)
    assert client.get(page_urls(world)[name]).status_code == 404


def test_another_departments_project_is_a_404_on_every_address(client, world, other_orderer):
    client.force_login(other_orderer)
    own = world["own"]
    milestone = world["milestone"]
    for url in (own.get_absolute_url(), reverse("portfolio:project_edit", args=[own.pk]),
                reverse("portfolio:report", args=[own.pk])):
        assert client.get(url).status_code == 404, url
    for url in (reverse("portfolio:milestone_add", args=[own.pk]),
                reverse("portfolio:milestone_done", args=[own.pk, milestone.pk]),
                reverse("portfolio:milestone_remove", args=[own.pk, milestone.pk]),
                reverse("portfolio:order_link", args=[own.pk])):
        assert client.post(url, {"name": "x", "due_date": "2026-05-01"}).status_code == 404, url
    assert not Milestone.objects.filter(name="x").exists()


def test_the_project_manager_writes_the_monthly_report(client, world, coordinator):
    project = world["own"]
    client.force_login(coordinator)
    url = reverse("portfolio:report", args=[project.pk])
    assert client.get(url).status_code == 200
    period = (timezone.localdate().replace(day=1)).strftime("%Y-%m")
    bad = client.post(url, {"period": period, "schedule": "red", "cost": "green",
                            "scope": "green", "summary": "Försenat."})
    assert bad.status_code == 400
    assert "schedule_comment" in bad.context["form"].errors
    response = client.post(url, {
        "period": period, "schedule": "red", "schedule_comment": "Leverantören är sen.",
        "cost": "green", "scope": "green", "summary": "Försenat.",
        "actual_cost": "125000",
    })
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.health == "red"
    assert project.actual_cost == Decimal("125000")
    listing = client.get(reverse("portfolio:projects"))
    assert 'class="health health-red"' in listing.content.decode()


def test_a_stale_report_form_gets_409_and_keeps_the_text(client, world, coordinator):
    project = world["own"]
    client.force_login(coordinator)
    period = timezone.localdate().replace(day=1)
    services.status_report_save(project_id=project.pk, actor=coordinator, period=period,
                                data={"schedule": "green", "cost": "green", "scope": "green",
                                      "summary": "Först."})
    response = client.post(reverse("portfolio:report", args=[project.pk]), {
        "period": period.strftime("%Y-%m"), "schedule": "green", "cost": "green",
        "scope": "green", "summary": "Mitt eget utkast.", "version": "",
    })
    assert response.status_code == 409
    assert "Mitt eget utkast." in response.content.decode()
    assert StatusReport.objects.get().summary == "Först."


def test_only_the_project_manager_opens_the_report_form(client, world, change_manager):
    client.force_login(change_manager)
    assert client.get(reverse("portfolio:report", args=[world["own"].pk])).status_code == 403


def test_a_stale_project_form_gets_409(client, world, change_manager):
    project = world["own"]
    client.force_login(change_manager)
    form = {
        "name": project.name, "description": "",
        "sponsor_department": project.sponsor_department_id,
        "manager": project.manager_id, "phase": "execution", "status": "active",
        "budget": "500000", "actual_cost": "0", "planned_start": "2026-02-01",
        "planned_end": "2026-10-31", "actual_start": "", "actual_end": "",
        "version": project.version,
    }
    url = reverse("portfolio:project_edit", args=[project.pk])
    assert client.post(url, {**form, "phase": "closing"}).status_code == 302
    stale = client.post(url, {**form, "phase": "planning"})
    assert stale.status_code == 409
    assert Project.objects.get(pk=project.pk).phase == "closing"


def test_the_change_manager_creates_a_project_from_an_order(client, world, change_manager):
    order = world["order"]
    client.force_login(change_manager)
    url = reverse("portfolio:project_from_order", args=[order.pk])
    page = client.get(url)
    assert page.context["form"].initial["name"] == order.title
    response = client.post(url, {
        "name": order.title, "sponsor_department": order.department_id,
        "manager": change_manager.pk, "phase": "planning", "status": "active",
        "budget": "50000", "actual_cost": "0",
    })
    assert response.status_code == 302
    project = Project.objects.get(order=order)
    assert response["Location"] == project.get_absolute_url()
    # The order has its project: the address is gone.
    assert client.get(url).status_code == 404


def test_a_project_from_a_secret_order_does_not_carry_its_need(client, world, change_manager,
                                                               coordinator):
    order = world["order"]
    assert order.need
    order_services.order_mark_secret(order_id=order.pk, actor=coordinator,
                                     provision="OSL 18 kap. 8 §", reason="Larmets placering.")
    client.force_login(change_manager)
    page = client.get(reverse("portfolio:project_from_order", args=[order.pk]))
    assert page.context["form"].initial["description"] == ""
    assert order.need not in page.content.decode()


def test_moving_an_entry_through_the_page_records_the_reason(client, world, change_manager):
    client.force_login(change_manager)
    other = PortfolioEntry.objects.get(project=world["other"])
    url = reverse("portfolio:entry_move", args=[other.pk])
    prefix = f"move-{other.pk}"
    missing = client.post(url, {f"{prefix}-to_rank": 1, f"{prefix}-expected_rank": 2})
    assert missing.status_code == 400
    response = client.post(url, {f"{prefix}-to_rank": 1, f"{prefix}-expected_rank": 2,
                                 f"{prefix}-reason": "Lagkrav."})
    assert response.status_code == 302
    change = RankChange.objects.get(from_rank=2)
    assert (change.to_rank, change.actor, change.reason) == (1, change_manager, "Lagkrav.")
    stale = client.post(url, {f"{prefix}-to_rank": 2, f"{prefix}-expected_rank": 2,
                              f"{prefix}-reason": "Tillbaka."})
    assert stale.status_code == 409
    history = client.get(reverse("portfolio:rank_history"))
    assert "Lagkrav." in history.content.decode()


def test_ranking_is_refused_to_others(client, world, it_chief):
    client.force_login(it_chief)
    entry = PortfolioEntry.objects.get(project=world["own"])
    response = client.post(reverse("portfolio:entry_move", args=[entry.pk]),
                           {f"move-{entry.pk}-to_rank": 2, f"move-{entry.pk}-reason": "x",
                            f"move-{entry.pk}-expected_rank": 1})
    assert response.status_code == 403
    assert client.post(reverse("portfolio:order_add"), {}).status_code == 403


def test_a_larger_change_order_is_ranked_through_the_page(client, world, decided_order,
                                                            change_manager):
    order = decided_order(kind=Order.Kind.CHANGE, estimated_cost=Decimal("300000"))
    client.force_login(change_manager)
    page = client.get(reverse("portfolio:ranking") + "?add=1")
    assert order in page.context["add_form"].fields["order"].queryset
    response = client.post(reverse("portfolio:order_add"),
                           {"order": order.pk, "reason": "Berör alla skolor."})
    assert response.status_code == 302
    assert PortfolioEntry.objects.get(order=order).rank == 3


def test_milestones_and_linked_orders_through_the_page(client, world, department,
                                                       change_manager, coordinator):
    project, milestone = world["own"], world["milestone"]
    client.force_login(coordinator)
    assert client.post(reverse("portfolio:milestone_done",
                               args=[project.pk, milestone.pk])).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    assert client.post(reverse("portfolio:milestone_add", args=[project.pk]),
                       {"name": "Driftstart", "due_date": "2026-09-01"}).status_code == 302
    # Linking orders is the change manager's.
    order = timed_order(department, Order.Status.SUBMITTED)
    assert client.post(reverse("portfolio:order_link", args=[project.pk]),
                       {"order": order.pk}).status_code == 403
    client.force_login(change_manager)
    assert client.post(reverse("portfolio:order_link", args=[project.pk]),
                       {"order": order.pk}).status_code == 302
    assert order in project.linked_orders.all()
    page = client.get(project.get_absolute_url())
    assert order.title in page.content.decode()
    assert client.post(reverse("portfolio:order_unlink",
                               args=[project.pk, order.pk])).status_code == 302
    assert order not in project.linked_orders.all()


def test_a_member_sees_only_the_linked_orders_they_may_see(client, world, change_manager,
                                                           orderer, other_department):
    project = world["own"]
    secret = timed_order(other_department, Order.Status.SUBMITTED,
                         title="Annan förvaltnings beställning")
    services.project_link_order(project_id=project.pk, actor=change_manager, order=secret)
    client.force_login(orderer)
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    assert "Annan förvaltnings beställning" not in page.content.decode()


def test_the_management_report_is_a_pdf(client, world, it_chief):
    client.force_login(it_chief)
    response = client.get(reverse("portfolio:management_report"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_unknown_dashboard_table_or_format_is_a_404(client, world, it_chief):
    client.force_login(it_chief)
    assert client.get(reverse("portfolio:dashboard_export",
                              args=["secrets", "csv"])).status_code == 404
    assert client.get(reverse("portfolio:dashboard_export",
                              args=["status", "pdf"])).status_code == 404
