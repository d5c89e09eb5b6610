"""The management plan pages: who reads and who writes, the budget kept internal, the version
conflict, approval making a plan read-only, the list of systems without a current plan, its
exports and the pages' query counts."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from servicecatalog import plans
from servicecatalog.forms_plans import PlanForm
from servicecatalog.models import ManagementPlan, Service
from tests.amounts import shows_amount
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = ManagementPlan.Status
THIS_YEAR = timezone.localdate().year
LOGIN = reverse("login")

CONTENT = {
    "goals": "Stabil drift och nöjda användare.",
    "activities": "Uppgradering i mars.",
    "budget": Decimal("451234.00"),
    "recovery_time_hours": 24,
    "manual_fallback": "Närvaro på papperslistor.",
}


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", first_name="Ägare")


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", first_name="Förvaltare")


@pytest.fixture
def system(department, owner, manager):
    return Service.objects.create(
        name="Elevadministrativt system", department=department, system_owner=owner,
        system_manager=manager,
    )


@pytest.fixture
def plan(system, manager):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=manager, data=CONTENT)
    plans.scenario_add(plan_id=plan.pk, actor=manager, data={
        "scenario": "Leverantörens tjänst ligger nere", "impact": "Inga betyg kan sättas",
        "measures": "Avtalad återställningstid 8 timmar"})
    return ManagementPlan.objects.get(pk=plan.pk)


def post_edit(client, plan, **changes):
    data = {**{k: ("" if v is None else v) for k, v in CONTENT.items()},
            "version": plan.version, **changes}
    return client.post(reverse("servicecatalog:plan_edit", args=[plan.pk]), data)


# --- reading -----------------------------------------------------------------------------


def read_urls(plan):
    return [
        reverse("servicecatalog:plan_list"),
        reverse("servicecatalog:plans_missing"),
        reverse("servicecatalog:service_plans", args=[plan.service_id]),
        reverse("servicecatalog:plan", args=[plan.pk]),
    ]


def test_anonymous_visitors_are_sent_to_the_login(client, plan):
    urls = read_urls(plan) + [reverse("servicecatalog:plan_edit", args=[plan.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN)
    response = client.post(reverse("servicecatalog:plan_approve", args=[plan.pk]))
    assert response["Location"].startswith(LOGIN)
    assert ManagementPlan.objects.get(pk=plan.pk).status == S.DRAFT


def test_every_employee_reads_the_plans(client, plan, outsider):
    client.force_login(outsider)
    for url in read_urls(plan):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("servicecatalog:plan", args=[plan.pk])).content.decode()
    assert "Stabil drift" in page
    assert "Leverantörens tjänst ligger nere" in page
    assert "Närvaro på papperslistor" in page


def test_a_missing_plan_is_a_404(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("servicecatalog:plan", args=[987654])).status_code == 404
    assert client.get(reverse("servicecatalog:service_plans", args=[987654])).status_code == 404


def test_the_budget_is_shown_only_to_those_who_see_internal_figures(
    client, plan, outsider, other_orderer, orderer, owner, coordinator, it_chief, manager
):
    plans.plan_update(plan_id=plan.pk, actor=manager, data={"budget": Decimal("461234")},
                      expected_version=plan.version)
    url = reverse("servicecatalog:plan", args=[plan.pk])
    for person in (outsider, other_orderer):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert not shows_amount(451234, page) and not shows_amount(461234, page), person
    # The owning department's staff, the system's people and the ordering function see it.
    for person in (orderer, owner, coordinator, it_chief):
        client.force_login(person)
        assert shows_amount(461234, client.get(url).content.decode()), person


def test_the_edit_form_drops_the_budget_for_someone_who_may_not_see_it(plan):
    # Editors always see internal figures today; the form does not rely on it.
    assert "budget" not in PlanForm(instance=plan, show_budget=False).fields


# --- writing -----------------------------------------------------------------------------


def test_people_without_the_right_are_refused_every_write(
    client, plan, outsider, other_orderer, orderer, it_chief
):
    scenario = plan.scenarios.get()
    for person in (outsider, other_orderer, orderer, it_chief):
        client.force_login(person)
        assert client.get(reverse("servicecatalog:plan_edit", args=[plan.pk])).status_code == 403
        assert post_edit(client, plan, goals="Fel").status_code == 403
        assert client.post(reverse("servicecatalog:plan_approve", args=[plan.pk]),
                           {"version": plan.version}).status_code == 403
        assert client.post(reverse("servicecatalog:scenario_add", args=[plan.pk]),
                           {"scenario": "x", "impact": "y"}).status_code == 403
        assert client.post(reverse("servicecatalog:scenario_remove",
                                   args=[plan.pk, scenario.pk])).status_code == 403
        assert client.post(reverse("servicecatalog:plan_start", args=[plan.service_id]),
                           {"year": THIS_YEAR + 1}).status_code == 403
    fresh = ManagementPlan.objects.get(pk=plan.pk)
    assert (fresh.goals, fresh.status, fresh.version) == (plan.goals, S.DRAFT, plan.version)
    assert fresh.scenarios.count() == 1
    assert ManagementPlan.objects.count() == 1


def test_the_system_manager_edits_the_plan(client, plan, manager):
    client.force_login(manager)
    assert client.get(reverse("servicecatalog:plan_edit", args=[plan.pk])).status_code == 200
    response = post_edit(client, plan, goals="Nya mål för året")
    assert response.status_code == 302
    fresh = ManagementPlan.objects.get(pk=plan.pk)
    assert fresh.goals == "Nya mål för året"
    assert fresh.history.order_by("-history_id").first().history_user == manager


def test_the_ordering_function_edits_any_plan(client, plan, coordinator):
    client.force_login(coordinator)
    assert post_edit(client, plan, activities="Byte av leverantör").status_code == 302
    assert ManagementPlan.objects.get(pk=plan.pk).activities == "Byte av leverantör"


def test_a_stale_edit_is_a_409_that_keeps_the_input_beside_the_saved_version(
    client, plan, manager, owner
):
    plans.plan_update(plan_id=plan.pk, actor=owner, data={"goals": "Ägarens mål"},
                      expected_version=plan.version)
    client.force_login(manager)
    response = post_edit(client, plan, goals="Förvaltarens mål")
    assert response.status_code == 409
    page = response.content.decode()
    assert "Förvaltarens mål" in page  # the input, kept in the form
    assert "Ägarens mål" in page  # the version that now stands
    form = response.context["form"]
    assert form.data["version"] == ManagementPlan.objects.get(pk=plan.pk).version
    assert ManagementPlan.objects.get(pk=plan.pk).goals == "Ägarens mål"
    # Saving again from the refreshed form goes through.
    retry = client.post(reverse("servicecatalog:plan_edit", args=[plan.pk]), form.data)
    assert retry.status_code == 302
    assert ManagementPlan.objects.get(pk=plan.pk).goals == "Förvaltarens mål"


def test_an_invalid_edit_is_a_400_with_the_error_at_its_field(client, plan, manager):
    client.force_login(manager)
    response = post_edit(client, plan, budget="-5")
    assert response.status_code == 400
    assert "budget" in response.context["form"].errors


def test_scenarios_are_added_and_removed_on_the_plan_page(client, plan, manager):
    client.force_login(manager)
    response = client.post(reverse("servicecatalog:scenario_add", args=[plan.pk]), {
        "scenario": "Cyberangrepp krypterar databasen", "impact": "Allt stannar",
        "measures": "Återläsning från säkerhetskopia"})
    assert response.status_code == 302
    added = plan.scenarios.get(scenario__startswith="Cyberangrepp")
    response = client.post(reverse("servicecatalog:scenario_add", args=[plan.pk]),
                           {"scenario": "", "impact": ""})
    assert response.status_code == 400
    assert client.post(reverse("servicecatalog:scenario_remove",
                               args=[plan.pk, added.pk])).status_code == 302
    assert plan.scenarios.count() == 1
    assert client.post(reverse("servicecatalog:scenario_remove",
                               args=[plan.pk, added.pk])).status_code == 404


def test_the_owner_approves_and_the_plan_is_read_only_afterwards(client, plan, owner, manager):
    client.force_login(manager)
    assert client.post(reverse("servicecatalog:plan_approve", args=[plan.pk]),
                       {"version": plan.version}).status_code == 403
    client.force_login(owner)
    response = client.post(reverse("servicecatalog:plan_approve", args=[plan.pk]),
                           {"version": plan.version})
    assert response.status_code == 302
    approved = ManagementPlan.objects.get(pk=plan.pk)
    assert (approved.status, approved.approved_by) == (S.APPROVED, owner)

    client.force_login(manager)
    page = client.get(reverse("servicecatalog:plan", args=[plan.pk])).content.decode()
    assert reverse("servicecatalog:plan_edit", args=[plan.pk]) not in page
    assert reverse("servicecatalog:scenario_add", args=[plan.pk]) not in page
    response = post_edit(client, approved, goals="Ändrat i efterhand")
    assert response.status_code == 302 and response["Location"] == approved.get_absolute_url()
    assert client.post(reverse("servicecatalog:scenario_add", args=[plan.pk]),
                       {"scenario": "x", "impact": "y"}).status_code == 409
    client.force_login(owner)
    assert client.post(reverse("servicecatalog:plan_approve", args=[plan.pk]),
                       {"version": approved.version}).status_code == 409
    fresh = ManagementPlan.objects.get(pk=plan.pk)
    assert fresh.goals == CONTENT["goals"] and fresh.version == approved.version
    assert fresh.scenarios.count() == 1


def test_approving_a_version_the_approver_has_not_seen_is_a_409(client, plan, owner, manager):
    plans.plan_update(plan_id=plan.pk, actor=manager, data={"goals": "Ändrat nyss"},
                      expected_version=plan.version)
    client.force_login(owner)
    response = client.post(reverse("servicecatalog:plan_approve", args=[plan.pk]),
                           {"version": plan.version})
    assert response.status_code == 409
    assert "Ändrat nyss" in response.content.decode()
    assert ManagementPlan.objects.get(pk=plan.pk).status == S.DRAFT


def test_next_years_plan_starts_as_a_copy_of_the_approved_one(client, plan, owner, manager):
    plans.plan_approve(plan_id=plan.pk, actor=owner)
    client.force_login(manager)
    page = client.get(reverse("servicecatalog:plan", args=[plan.pk])).content.decode()
    start = reverse("servicecatalog:plan_start", args=[plan.service_id])
    assert start in page
    response = client.post(start, {"year": THIS_YEAR + 1, "copy": "on"})
    new = ManagementPlan.objects.get(service=plan.service, year=THIS_YEAR + 1)
    assert response["Location"] == reverse("servicecatalog:plan_edit", args=[new.pk])
    assert (new.status, new.goals, new.scenarios.count()) == (S.DRAFT, CONTENT["goals"], 1)
    # A second start for the same year is refused with the error at the year.
    again = client.post(start, {"year": THIS_YEAR + 1, "copy": "on"})
    assert again.status_code == 400
    assert "year" in again.context["start_form"].errors


def test_an_editor_starts_an_empty_plan_from_the_systems_page(client, system, manager):
    client.force_login(manager)
    page = client.get(reverse("servicecatalog:service_plans", args=[system.pk]))
    assert page.context["start_form"] is not None
    response = client.post(reverse("servicecatalog:plan_start", args=[system.pk]),
                           {"year": THIS_YEAR})
    assert response.status_code == 302
    assert ManagementPlan.objects.get(service=system, year=THIS_YEAR).goals == ""


def test_a_reader_is_not_offered_to_start_a_plan(client, system, outsider):
    client.force_login(outsider)
    page = client.get(reverse("servicecatalog:service_plans", args=[system.pk]))
    assert page.context["start_form"] is None


# --- the list of systems without a current plan, and exports ---------------------------


def test_the_missing_list_shows_systems_without_an_approved_plan_or_continuity(
    client, plan, owner, outsider
):
    complete = Service.objects.create(name="Komplett system", system_owner=owner)
    done = plans.plan_create(service=complete, year=THIS_YEAR, actor=owner, data=CONTENT)
    plans.plan_approve(plan_id=done.pk, actor=owner)
    Service.objects.create(name="Utan plan")
    client.force_login(outsider)
    response = client.get(reverse("servicecatalog:plans_missing"))
    names = [row.service.name for row in response.context["rows"]]
    assert names == ["Elevadministrativt system", "Utan plan"]
    last_year = client.get(reverse("servicecatalog:plans_missing"), {"year": THIS_YEAR - 1})
    assert {r.service.name for r in last_year.context["rows"]} == {
        "Elevadministrativt system", "Utan plan", "Komplett system"}


def read_csv(response) -> list[list[str]]:
    content = response.getvalue()  # streamed: it can be read once
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.getvalue())).active


MISSING_HEADERS = ["System", "Ägande förvaltning", "Systemägare", "Systemförvaltare",
                   "Månad för den årliga översynen", "Plan för året", "Godkänd plan",
                   "Kontinuitetsplan"]


def test_the_missing_list_exports_as_csv_and_xlsx_with_formula_text_kept_as_text(
    client, plan, outsider
):
    Service.objects.create(name="=HYPERLINK(\"http://evil\")", review_month=4)
    client.force_login(outsider)
    url = reverse("servicecatalog:plans_missing")
    rows = read_csv(client.get(url, {"export": "csv"}))
    assert rows[0] == MISSING_HEADERS
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["'=HYPERLINK(\"http://evil\")"][5] == "Saknas"
    assert by_name["Elevadministrativt system"][5:] == ["Utkast", "Nej", "Ja"]
    sheet = read_xlsx(client.get(url, {"export": "xlsx"}))
    assert [c.value for c in sheet[1]] == MISSING_HEADERS
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    evil = next(c for c in cells if "HYPERLINK" in c.value)
    assert evil.data_type == "s" and evil.value.startswith("'=")


def test_the_plan_list_exports_without_the_budget(client, plan, outsider):
    client.force_login(outsider)
    rows = read_csv(client.get(reverse("servicecatalog:plan_list"), {"export": "csv"}))
    assert rows[0] == ["System", "År", "Status", "Godkänd av", "Godkänd",
                       "Mål för återställningstid (timmar)", "Kontinuitetsplan", "Systemägare",
                       "Systemförvaltare"]
    assert rows[1][:3] == ["Elevadministrativt system", str(THIS_YEAR), "Utkast"]
    assert not any(shows_amount(451234, cell) for row in rows for cell in row)


def test_the_plan_list_filters_by_year_and_status(client, plan, owner, outsider):
    old = plans.plan_create(service=plan.service, year=THIS_YEAR - 1, actor=owner, data=CONTENT)
    plans.plan_approve(plan_id=old.pk, actor=owner)
    client.force_login(outsider)
    url = reverse("servicecatalog:plan_list")
    assert [p.pk for p in client.get(url).context["plans"]] == [plan.pk, old.pk]
    assert [p.pk for p in client.get(url, {"year": THIS_YEAR - 1}).context["plans"]] == [old.pk]
    assert [p.pk for p in client.get(url, {"status": "draft"}).context["plans"]] == [plan.pk]
    # A bad year drops that filter only.
    assert [p.pk for p in client.get(url, {"year": "x", "status": "approved"})
            .context["plans"]] == [old.pk]


# --- query counts ------------------------------------------------------------------------
# Each count is taken on the second of two identical requests (warm process-wide caches).
# A page's count is the layout's (session, user, permissions, and what the navigation asks)
# plus the page's own queries, listed with each test. The layout's share is measured on a
# page that has nothing else: a 404 for an address no view answers.


def layout_queries(client) -> int:
    """Measured before the page: each request resets the connection's query log."""
    client.get("/tjanster/planer/finns-inte/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/tjanster/planer/finns-inte/").status_code == 404
    return len(ctx)


def measure(client, url: str, **params):
    assert client.get(url, params).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, ctx


def assert_count(ctx, expected: int) -> None:
    """`expected`: the page's own queries, on top of the layout's."""
    sql = "\n".join(f"{i}. {q['sql'][:200]}" for i, q in enumerate(ctx.captured_queries, 1))
    assert len(ctx) == expected, f"{len(ctx)} queries, expected {expected}:\n{sql}"


def make_plans(count: int, actor) -> list[ManagementPlan]:
    """Systems each with their own owner and manager, each with a plan for this year (every
    second one approved) and one for last year."""
    made = []
    start = Service.objects.count()
    for n in range(start, start + count):
        system = Service.objects.create(
            name=f"System {n:03d}", system_owner=UserFactory(), system_manager=UserFactory())
        plan = plans.plan_create(service=system, year=THIS_YEAR, actor=actor, data=CONTENT)
        if n % 2:
            plans.plan_approve(plan_id=plan.pk, actor=actor)
        plans.plan_create(service=system, year=THIS_YEAR - 1, actor=actor, data=CONTENT)
        made.append(plan)
    return made


# The plan list: the plans with their systems, people and approvers (one query).
PLAN_LIST = 1
# The missing list: the systems with their people, their plans of the year, the departments
# of the filter.
MISSING_LIST = 3


@pytest.mark.parametrize(("name", "expected"), [("plan_list", PLAN_LIST),
                                                 ("plans_missing", MISSING_LIST)])
def test_plan_lists_have_a_fixed_number_of_queries(client, coordinator, outsider, name,
                                                   expected):
    made = make_plans(4, coordinator)
    client.force_login(outsider)
    layout = layout_queries(client)
    response, ctx = measure(client, reverse(f"servicecatalog:{name}"))
    assert_count(ctx, layout + expected)
    assert "System 00" in response.content.decode()
    assert len(made) == 4


@pytest.mark.parametrize("name", ["plan_list", "plans_missing"])
def test_plan_list_query_counts_do_not_grow_with_rows(client, coordinator, outsider, name):
    client.force_login(outsider)
    url = reverse(f"servicecatalog:{name}")
    make_plans(2, coordinator)
    _, few = measure(client, url)
    make_plans(12, coordinator)
    response, many = measure(client, url)
    assert len(many) == len(few)
    assert response.content.decode().count("System 0") >= 7


# The plan page for a reader: the plan with its system, people and approver; its scenarios;
# its history with the users. Whether the reader may see the budget needs their departments,
# which the layout has already looked up for the request; whether next year's plan exists is
# not asked of a draft.
PLAN_PAGE = 3


def test_the_plan_page_has_a_fixed_number_of_queries(client, plan, manager, outsider):
    for n in range(3):
        plans.scenario_add(plan_id=plan.pk, actor=manager,
                           data={"scenario": f"Scenario {n}", "impact": "Påverkan"})
    client.force_login(outsider)
    layout = layout_queries(client)
    _, ctx = measure(client, reverse("servicecatalog:plan", args=[plan.pk]))
    assert_count(ctx, layout + PLAN_PAGE)


def test_the_plan_page_query_count_does_not_grow_with_scenarios_or_history(
    client, plan, manager, outsider
):
    client.force_login(outsider)
    url = reverse("servicecatalog:plan", args=[plan.pk])
    _, few = measure(client, url)
    for n in range(8):
        plans.scenario_add(plan_id=plan.pk, actor=manager,
                           data={"scenario": f"Scenario {n}", "impact": "Påverkan"})
    response, many = measure(client, url)
    assert len(many) == len(few)
    assert "Scenario 7" in response.content.decode()
