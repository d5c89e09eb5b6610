"""Management plans through their services: one per system and year, copied from last year,
edited under a version check, approved by the system owner or the ordering function and
read-only from then on, with every change in the history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from servicecatalog import plans
from servicecatalog.models import ContinuityScenario, ManagementPlan, Service
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = ManagementPlan.Status
THIS_YEAR = timezone.localdate().year


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
        system_manager=manager, review_month=3,
    )


CONTENT = {
    "goals": "Stabil drift och nöjda användare.",
    "activities": "Uppgradering i mars.\nUtbildning av nya lärare i augusti.",
    "budget": Decimal("450000.00"),
    "recovery_time_hours": 24,
    "manual_fallback": "Närvaro på papperslistor; rektor beslutar.",
}


def approved_plan(system, actor, year=THIS_YEAR - 1, scenarios=2) -> ManagementPlan:
    plan = plans.plan_create(service=system, year=year, actor=actor, data=CONTENT)
    for n in range(scenarios):
        plans.scenario_add(plan_id=plan.pk, actor=actor, data={
            "scenario": f"Scenario {n}", "impact": f"Påverkan {n}", "measures": f"Åtgärd {n}"})
    plan.refresh_from_db()
    return plans.plan_approve(plan_id=plan.pk, actor=actor, expected_version=plan.version)


# --- creating and copying ----------------------------------------------------------------


def test_the_system_manager_starts_an_empty_draft(system, manager):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=manager)
    assert plan.status == S.DRAFT
    assert plan.version == 1
    record = plan.history.get()
    assert record.history_user == manager
    assert record.history_change_reason


def test_a_system_has_one_plan_per_year(system, manager):
    plans.plan_create(service=system, year=THIS_YEAR, actor=manager)
    with pytest.raises(plans.PlanError) as exc:
        plans.plan_create(service=system, year=THIS_YEAR, actor=manager)
    assert exc.value.field == "year"
    assert ManagementPlan.objects.filter(service=system).count() == 1


def test_a_year_far_from_now_is_refused(system, manager):
    with pytest.raises(plans.PlanError):
        plans.plan_create(service=system, year=THIS_YEAR + 5, actor=manager)


def test_someone_who_is_neither_owner_manager_nor_ordering_function_cannot_start_a_plan(
    system, outsider, orderer
):
    for person in (outsider, orderer):
        with pytest.raises(plans.NotAllowed):
            plans.plan_create(service=system, year=THIS_YEAR, actor=person)
    assert not ManagementPlan.objects.exists()


def test_the_ordering_function_may_start_any_systems_plan(system, coordinator):
    assert plans.plan_create(service=system, year=THIS_YEAR, actor=coordinator).pk


def test_copying_last_years_plan_starts_a_draft_with_its_content_and_scenarios(
    system, owner, manager
):
    last = approved_plan(system, owner)
    plan = plans.plan_copy_from_previous_year(service=system, year=THIS_YEAR, actor=manager)
    assert plan.status == S.DRAFT
    assert plan.approved_by is None and plan.approved_at is None
    for field in plans.PLAN_FIELDS:
        assert getattr(plan, field) == getattr(last, field)
    copied = list(plan.scenarios.values_list("scenario", "impact", "measures"))
    assert copied == list(last.scenarios.order_by("pk").values_list(
        "scenario", "impact", "measures"))
    assert len(copied) == 2
    # The old plan keeps its own scenarios and stays approved.
    last.refresh_from_db()
    assert last.status == S.APPROVED
    assert last.scenarios.count() == 2
    assert plan.history.get().history_user == manager


def test_copying_takes_the_latest_earlier_plan_when_last_year_is_missing(system, owner):
    approved_plan(system, owner, year=THIS_YEAR - 3)
    newer = approved_plan(system, owner, year=THIS_YEAR - 2, scenarios=1)
    plan = plans.plan_copy_from_previous_year(service=system, year=THIS_YEAR, actor=owner)
    assert list(plan.scenarios.values_list("scenario", flat=True)) == list(
        newer.scenarios.values_list("scenario", flat=True))


def test_copying_without_an_earlier_plan_is_refused(system, owner):
    with pytest.raises(plans.PlanError):
        plans.plan_copy_from_previous_year(service=system, year=THIS_YEAR, actor=owner)


def test_copying_onto_a_year_that_has_a_plan_is_refused(system, owner):
    approved_plan(system, owner)
    plans.plan_create(service=system, year=THIS_YEAR, actor=owner)
    with pytest.raises(plans.PlanError):
        plans.plan_copy_from_previous_year(service=system, year=THIS_YEAR, actor=owner)
    assert ContinuityScenario.objects.filter(plan__year=THIS_YEAR).count() == 0


# --- editing -----------------------------------------------------------------------------


def test_an_edit_saves_the_changed_fields_and_counts_a_version(system, manager):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=manager)
    plan = plans.plan_update(plan_id=plan.pk, actor=manager, data=CONTENT, expected_version=1)
    plan.refresh_from_db()
    assert plan.version == 2
    assert plan.budget == Decimal("450000.00")
    assert plan.has_continuity_plan
    latest = plan.history.order_by("-history_id").first()
    assert latest.history_user == manager


def test_an_edit_from_a_stale_version_is_refused_and_changes_nothing(system, owner, manager):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=manager)
    plans.plan_update(plan_id=plan.pk, actor=owner, data={"goals": "Ägarens mål"},
                      expected_version=1)
    with pytest.raises(plans.StaleVersion) as exc:
        plans.plan_update(plan_id=plan.pk, actor=manager, data={"goals": "Förvaltarens mål"},
                          expected_version=1)
    assert exc.value.status_code == 409
    plan.refresh_from_db()
    assert plan.goals == "Ägarens mål"


def test_an_edit_without_changes_writes_no_version(system, manager):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=manager, data=CONTENT)
    plans.plan_update(plan_id=plan.pk, actor=manager, data=CONTENT, expected_version=1)
    plan.refresh_from_db()
    assert plan.version == 1
    assert plan.history.count() == 1


def test_someone_else_cannot_edit_the_plan(system, manager, outsider):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=manager)
    with pytest.raises(plans.NotAllowed):
        plans.plan_update(plan_id=plan.pk, actor=outsider, data={"goals": "x"},
                          expected_version=1)


def test_scenarios_are_added_and_removed_on_a_draft_and_each_is_a_plan_version(
    system, manager
):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=manager)
    scenario = plans.scenario_add(plan_id=plan.pk, actor=manager, data={
        "scenario": "Strömavbrott i serverhallen", "impact": "Ingen närvaroregistrering",
        "measures": "Reservkraft"})
    assert scenario.history.get().history_user == manager
    plans.scenario_remove(plan_id=plan.pk, scenario_id=scenario.pk, actor=manager)
    assert not plan.scenarios.exists()
    plan.refresh_from_db()
    assert plan.version == 3


# --- approval ----------------------------------------------------------------------------


def test_the_system_owner_approves_and_who_and_when_are_recorded(system, owner, manager):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=manager, data=CONTENT)
    before = timezone.now()
    plan = plans.plan_approve(plan_id=plan.pk, actor=owner, expected_version=1)
    assert plan.status == S.APPROVED
    assert plan.approved_by == owner
    assert plan.approved_at >= before
    latest = plan.history.order_by("-history_id").first()
    assert latest.history_user == owner
    assert latest.status == S.APPROVED


def test_the_ordering_function_may_approve(system, coordinator, manager):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=manager, data=CONTENT)
    assert plans.plan_approve(plan_id=plan.pk, actor=coordinator).status == S.APPROVED


def test_the_system_manager_alone_cannot_approve(system, manager, outsider):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=manager, data=CONTENT)
    for person in (manager, outsider):
        with pytest.raises(plans.NotAllowed):
            plans.plan_approve(plan_id=plan.pk, actor=person)
    plan.refresh_from_db()
    assert plan.status == S.DRAFT


def test_a_plan_changed_after_the_approver_read_it_is_not_approved(system, owner, manager):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=manager, data=CONTENT)
    plans.plan_update(plan_id=plan.pk, actor=manager, data={"goals": "Nya mål"},
                      expected_version=1)
    with pytest.raises(plans.StaleVersion):
        plans.plan_approve(plan_id=plan.pk, actor=owner, expected_version=1)
    plan.refresh_from_db()
    assert plan.status == S.DRAFT


def test_an_empty_plan_cannot_be_approved(system, owner):
    plan = plans.plan_create(service=system, year=THIS_YEAR, actor=owner)
    with pytest.raises(plans.PlanError):
        plans.plan_approve(plan_id=plan.pk, actor=owner)


def test_an_approved_plan_is_read_only(system, owner, coordinator):
    plan = approved_plan(system, owner, year=THIS_YEAR)
    scenario = plan.scenarios.first()
    attempts = [
        lambda: plans.plan_update(plan_id=plan.pk, actor=coordinator, data={"goals": "x"},
                                  expected_version=plan.version),
        lambda: plans.scenario_add(plan_id=plan.pk, actor=coordinator,
                                   data={"scenario": "x", "impact": "y"}),
        lambda: plans.scenario_remove(plan_id=plan.pk, scenario_id=scenario.pk,
                                      actor=coordinator),
        lambda: plans.plan_approve(plan_id=plan.pk, actor=coordinator),
    ]
    for attempt in attempts:
        with pytest.raises(plans.InvalidTransition):
            attempt()
    fresh = ManagementPlan.objects.get(pk=plan.pk)
    assert fresh.goals == CONTENT["goals"]
    assert fresh.scenarios.count() == 2
    assert fresh.approved_by == owner
    assert fresh.version == plan.version


def test_approval_is_offered_to_exactly_those_the_service_accepts(
    system, owner, manager, coordinator, outsider
):
    """The plan's page and `plan_approve` read one transition table: who may approve a draft,
    and nobody an approved plan, with the refusal said in Swedish."""
    draft = plans.plan_create(service=system, year=THIS_YEAR, actor=manager, data=CONTENT)
    assert {p.username: plans.can_approve_plan(p, draft)
            for p in (owner, coordinator, manager, outsider)} == {
        "owner": True, "coordinator": True, "manager": False, "outsider": False}
    with pytest.raises(plans.NotAllowed, match="systemägaren eller beställarfunktionen"):
        plans.plan_approve(plan_id=draft.pk, actor=manager)

    approved = plans.plan_approve(plan_id=draft.pk, actor=owner)
    assert not any(plans.can_approve_plan(p, approved) for p in (owner, coordinator))
    with pytest.raises(plans.InvalidTransition, match="redan godkänd"):
        plans.plan_approve(plan_id=draft.pk, actor=coordinator)


# --- the list of what is missing ---------------------------------------------------------


def test_systems_without_an_approved_plan_or_a_continuity_plan_are_listed(owner):
    def system(name, **fields):
        return Service.objects.create(name=name, system_owner=owner, **fields)

    complete = system("Komplett")
    approved_plan(complete, owner, year=THIS_YEAR)
    no_continuity = system("Utan kontinuitet")
    plan = plans.plan_create(service=no_continuity, year=THIS_YEAR, actor=owner,
                             data={**CONTENT, "manual_fallback": " "})
    plans.plan_approve(plan_id=plan.pk, actor=owner)
    draft = system("Utkast")
    plans.plan_create(service=draft, year=THIS_YEAR, actor=owner, data=CONTENT)
    only_last_year = system("Bara förra året")
    approved_plan(only_last_year, owner, year=THIS_YEAR - 1)
    system("Pensionerat", lifecycle=Service.Lifecycle.RETIRED)
    system("Planerat", lifecycle=Service.Lifecycle.PLANNED)
    system("Utfasas", lifecycle=Service.Lifecycle.PHASING_OUT)

    rows = plans.systems_missing_plans(THIS_YEAR)
    listed = {row.service.name: row for row in rows}
    assert set(listed) == {"Utan kontinuitet", "Utkast", "Bara förra året", "Utfasas"}
    assert listed["Utan kontinuitet"].has_current_plan
    assert not listed["Utan kontinuitet"].has_continuity_plan
    assert not listed["Utkast"].has_current_plan and listed["Utkast"].has_continuity_plan
    assert listed["Bara förra året"].plan is None
    # Last year is complete for the system that only has last year's plan.
    assert "Bara förra året" not in {r.service.name for r in
                                     plans.systems_missing_plans(THIS_YEAR - 1)}
    # The dashboard's figure counts exactly the systems listed.
    assert plans.count_systems_missing_plans(THIS_YEAR) == len(rows) == 4
    assert plans.count_systems_missing_plans(THIS_YEAR - 1) == len(
        plans.systems_missing_plans(THIS_YEAR - 1))


def test_the_list_can_be_limited_to_one_department(department, other_department, owner):
    Service.objects.create(name="BUF-system", department=department)
    Service.objects.create(name="SOC-system", department=other_department)
    rows = plans.systems_missing_plans(THIS_YEAR, department_id=department.pk)
    assert [row.service.name for row in rows] == ["BUF-system"]
    assert plans.count_systems_missing_plans(THIS_YEAR, department_id=department.pk) == 1


def test_a_review_month_is_named(owner):
    service = Service.objects.create(name="X", review_month=10)
    row = plans.MissingRow(service=service, plan=None)
    with translation.override("sv"):
        assert str(row.review_month_name).lower() == "oktober"
