"""The IT chief's dashboard and the year's timeline in the browser, checked by axe-core; and the
change manager's ranked portfolio with an entry's move form opened."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from organisation.models import Department, Role, User
from portfolio import services, snapshots
from tests import factories

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "en-lång-lösenfras-2026"


def _person(username: str, first: str, last: str, role: str) -> User:
    user = User.objects.create_user(
        username, f"{username}@tyreso.se", PASSWORD, first_name=first, last_name=last
    )
    Role.objects.get(code=role).group.user_set.add(user)
    return User.objects.get(pk=user.pk)


def _log_in(page, username: str) -> None:
    page.goto(page.base_url + "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")


def _portfolio() -> None:
    factories.ensure_roles()
    buf = Department.objects.create(name="Barn- och utbildningsförvaltningen", short_name="BUF")
    soc = Department.objects.create(name="Socialförvaltningen", short_name="SOC")
    _person("itchef", "Eva", "Dahlgren", Role.Code.IT_CHIEF)
    chair = _person("andringsansvarig", "Mikael", "Öberg", Role.Code.CHANGE_MANAGER)
    orderer = factories.UserFactory()
    now, today = timezone.now(), timezone.localdate()
    states = [Order.Status.SUBMITTED, Order.Status.IN_PREPARATION, Order.Status.READY_FOR_DECISION,
              Order.Status.PLANNED, Order.Status.IN_PROGRESS, Order.Status.CLOSED]
    for i, status in enumerate(states * 2):
        decided = status in {Order.Status.PLANNED, Order.Status.IN_PROGRESS, Order.Status.CLOSED}
        Order.objects.create(
            title=f"Beställning {i}", department=(buf, soc)[i % 2], orderer=orderer,
            kind=Order.Kind.CHANGE, need="Behov", status=status, reference=f"B-1901-{i:04d}",
            submitted_at=now - timedelta(days=30 + i * 3),
            decided_at=now - timedelta(days=10 + i) if decided else None,
            delivered_at=now - timedelta(days=2) if status == Order.Status.CLOSED else None,
            planned_start=today - timedelta(days=20) if decided else None,
            planned_end=today + timedelta(days=40 + i * 5) if decided else None,
            estimated_cost=Decimal(150_000 + i * 10_000), priority_score=i,
        )
    for name, department, health in (("E-arkiv", buf, "red"), ("Nattillsyn", soc, "green")):
        project = services.project_create(actor=chair, data={
            "name": name, "sponsor_department": department, "manager": chair,
            "phase": "execution", "budget": Decimal(800_000),
            "planned_start": today - timedelta(days=60), "planned_end": today + timedelta(days=90),
        })
        services.milestone_add(project_id=project.pk, actor=chair, name="Driftstart",
                               due_date=today + timedelta(days=30))
        services.status_report_save(
            project_id=project.pk, actor=chair, period=today.replace(day=1),
            data={"schedule": health, "schedule_comment": "Sent" if health != "green" else "",
                  "cost": "green", "scope": "green", "summary": "Arbetet pågår.",
                  "actual_cost": Decimal(300_000)},
        )
    snapshots.snapshot_take(today)
    snapshots.snapshot_take(date(today.year, 1, 31) if today.month > 1 else today)


def assert_bar_labels_are_whole_and_clear(page) -> None:
    """Every bar's label on the timeline shows whole (nothing cut, inside the chart) and no
    milestone's diamond covers it."""
    problems = page.evaluate("""() => {
        const problems = [];
        const overlap = (a, b) => a.left < b.right && b.left < a.right
            && a.top < b.bottom && b.top < a.bottom;
        for (const track of document.querySelectorAll(".gantt-body .gantt-track")) {
            const chart = track.getBoundingClientRect();
            for (const label of track.querySelectorAll(".gantt-bar-label")) {
                const box = label.getBoundingClientRect();
                const text = label.textContent;
                if (label.scrollWidth > label.clientWidth + 1) problems.push(`cut: ${text}`);
                if (box.left < chart.left - 1 || box.right > chart.right + 1)
                    problems.push(`off the chart: ${text}`);
                for (const mark of track.querySelectorAll(".gantt-milestone"))
                    if (overlap(box, mark.getBoundingClientRect()))
                        problems.push(`covered by a milestone: ${text}`);
            }
        }
        return problems;
    }""")
    assert problems == []
    assert page.locator(".gantt-bar-label").count() == page.locator(".gantt-bar").count()


def test_the_dashboard_and_the_timeline_have_no_accessibility_violations(page):
    _portfolio()
    _log_in(page, "itchef")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Projektportfölj").click()
    page.get_by_role("link", name="Översikt").click()
    page.wait_for_selector("#h-states")
    assert_accessible(page)
    # A figure leads to the list behind it.
    page.locator("#h-backlog").scroll_into_view_if_needed()
    page.goto(page.base_url + "/portfolj/oversikt/utskrift/")
    assert_accessible(page)
    page.goto(page.base_url + "/portfolj/tidplan/")
    page.wait_for_selector(".gantt")
    assert_accessible(page)
    assert page.locator(".gantt-today").count() == 1
    for width in (1280, 600):
        page.set_viewport_size({"width": width, "height": 900})
        assert_bar_labels_are_whole_and_clear(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert "E-arkiv" in page.locator("#h-timeline-table + .table-wrap").inner_text()
    # A count by department and quarter leads to the timeline of that quarter.
    page.locator("#h-timeline-departments ~ .table-wrap a").first.click()
    page.wait_for_selector(".gantt")
    assert_accessible(page)


def test_the_ranked_portfolio_with_its_move_form_open_has_no_violations(page):
    _portfolio()
    _log_in(page, "andringsansvarig")
    page.goto(page.base_url + "/portfolj/")
    # The forms of an entry come into its row on request, with the new place focused.
    page.locator("a.rank-open").first.click()
    page.wait_for_selector("details.rank-tools[open] input[name$='-to_rank']")
    assert page.evaluate("document.activeElement.name").endswith("-to_rank")
    assert_accessible(page)
    page.goto(page.base_url + "/portfolj/projekt/")
    assert_accessible(page)
