"""What a year's costs and counted weights are drawn from: a contract's part of the year, the
licences' yearly costs, a project's actuals of the year from its history, and the counts per
department."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from costs.models import Basis
from costs.sources import contract_share, counted_weights, items_of_year, project_items
from portfolio.models import Project
from servicecatalog.models import Contract, Supplier
from tests.portfolio.conftest import at

from .conftest import YEAR, set_actuals

pytestmark = pytest.mark.django_db


def amounts(items, kind):
    return {item.label: item.amount for item in items if item.kind == kind}


def test_a_contract_counts_with_the_part_of_its_value_that_falls_in_the_year(world):
    items, without_value = items_of_year(YEAR)
    assert amounts(items, "contracts") == {"Elevsystem (Skolsystem AB)": Decimal("365000.00")}
    assert without_value == 1


def test_a_contract_starting_in_the_year_counts_its_days_of_the_year_rounded_half_up(db):
    supplier = Supplier.objects.create(name="Leverantör AB")
    contract = Contract(supplier=supplier, title="Halvår", starts_on=date(2025, 7, 1),
                        ends_on=date(2026, 6, 30), value=Decimal("100000.00"))
    # 184 of 365 days: 100 000 · 184 / 365 = 50 410.958… → 50 410.96
    assert contract_share(contract, 2025) == (Decimal("50410.96"), 184, 365)
    assert contract_share(contract, 2026) == (Decimal("49589.04"), 181, 365)
    assert contract_share(contract, 2027)[0] == Decimal("0.00")


def test_licences_count_with_their_yearly_cost(world):
    items, _ = items_of_year(YEAR)
    assert amounts(items, "licences") == {"Elevlicenser": Decimal("240000.00"),
                                          "Omsorgslicenser": Decimal("60000.00")}


def test_a_project_counts_the_growth_of_its_actuals_during_the_year(world):
    assert amounts(project_items(YEAR), "projects") == {"E-arkiv": Decimal("150000.00")}
    # 2024: from nothing at its start to 100 000 at its end.
    assert amounts(project_items(2024), "projects") == {"E-arkiv": Decimal("100000.00")}
    # 2026 (running): nothing has changed since the end of 2025.
    assert project_items(2026) == []


def test_a_correction_of_the_actuals_downwards_is_a_negative_cost(world):
    set_actuals(world["project"], at(2026, 2, 1), "230000")
    assert amounts(project_items(2026), "projects") == {"E-arkiv": Decimal("-20000.00")}


def test_the_end_of_the_year_is_midnight_in_stockholm(world):
    set_actuals(world["project"], at(2025, 12, 31, 23, 59), "260000")
    set_actuals(world["project"], at(2026, 1, 1, 0, 1), "275000")
    assert amounts(project_items(YEAR), "projects") == {"E-arkiv": Decimal("160000.00")}


def test_a_project_without_a_change_in_the_year_is_not_a_cost(world, change_manager,
                                                               department):
    project = Project.objects.create(name="Vilande", sponsor_department=department,
                                     manager=change_manager)
    set_actuals(project, at(2023, 5, 1), "50000")
    assert "Vilande" not in amounts(project_items(YEAR), "projects")


def test_the_counted_weights_by_department(world, department, other_department,
                                           third_department):
    weights = counted_weights(YEAR)
    assert weights[Basis.LICENCES] == {department.pk: 500, other_department.pk: 100}
    assert weights[Basis.SYSTEMS] == {department.pk: 2, other_department.pk: 1}
    assert weights[Basis.ORDERS] == {department.pk: 1, other_department.pk: 3}
    assert third_department.pk not in weights[Basis.SYSTEMS]  # its system is retired
