"""A small municipality's IT costs of 2025, with every figure known.

Departments: BUF (`department`), SOC (`other_department`) and KFF.

Costs of 2025:
    contracts   Elevsystem: 1 461 000 kr over 2024-01-01–2027-12-31 (1 461 days), 365 in
                2025: 365 000.00. Avtal utan värde: no value, not counted. Gammalt avtal:
                ended 2024, not counted.
    licences    Elevlicenser 240 000.00 (500 licences, BUF's system), Omsorgslicenser
                60 000.00 (100 licences, SOC's system), Kartlicenser 0 (no yearly cost:
                not counted).
    projects    E-arkiv: actuals 100 000 at the end of 2024, 250 000 during 2025: 150 000.00.
    together    815 000.00 drawn from the product (and the draft's pool "Nätverk", 100 000)

Counted weights of 2025:
    licences held    BUF 500, SOC 100, KFF 0
    systems owned    BUF 2 (one in use, one being phased out), SOC 1, KFF 0 (retired)
    orders delivered BUF 1, SOC 3, KFF 0 (and one delivered in 2024, not counted)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from costs import services
from costs.models import KeySet
from orders.models import Order
from organisation.models import Role
from portfolio.models import Project
from servicecatalog.models import Contract, Licence, Service, Supplier
from tests import factories
from tests.portfolio.conftest import at

YEAR = 2025


@pytest.fixture
def third_department(db):
    return factories.DepartmentFactory(name="Kultur- och fritidsförvaltningen",
                                       short_name="KFF")


@pytest.fixture
def deputy(db):
    return factories.make_role_user(Role.Code.DEPUTY_IT_CHIEF, username="deputy",
                                    first_name="Dora")


@pytest.fixture
def other_it_lead(other_department):
    return factories.make_it_lead(
        other_department, factories.UserFactory(username="other_it_lead", first_name="Sigge"))


def delivered(department, moment) -> Order:
    order = factories.OrderFactory(department=department, status=Order.Status.DELIVERED,
                                   title="HEMLIG-BESTÄLLNING")
    Order.objects.filter(pk=order.pk).update(submitted_at=moment, decided_at=moment,
                                             delivered_at=moment)
    return order


def set_actuals(project: Project, moment, amount: str) -> None:
    """Record a change of the project's actuals at `moment`, as its history keeps it."""
    project.actual_cost = Decimal(amount)
    project.save()
    latest = Project.history.filter(id=project.pk).order_by("-history_id").first()
    Project.history.filter(history_id=latest.history_id).update(history_date=moment)


@pytest.fixture
def world(department, other_department, third_department, change_manager):
    supplier = Supplier.objects.create(name="Skolsystem AB")
    buf_system = Service.objects.create(name="Elevadministrativt system", department=department)
    Service.objects.create(name="Lärplattform", department=department,
                           lifecycle=Service.Lifecycle.PHASING_OUT)
    soc_system = Service.objects.create(name="Omsorgssystem", department=other_department)
    Service.objects.create(name="Gammalt bibliotekssystem", department=third_department,
                           lifecycle=Service.Lifecycle.RETIRED)
    Contract.objects.create(supplier=supplier, title="Elevsystem", starts_on=date(2024, 1, 1),
                            ends_on=date(2027, 12, 31), value=Decimal("1461000.00"))
    Contract.objects.create(supplier=supplier, title="Avtal utan värde",
                            starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    Contract.objects.create(supplier=supplier, title="Gammalt avtal", starts_on=date(2022, 1, 1),
                            ends_on=date(2024, 12, 31), value=Decimal("900000.00"))
    Licence.objects.create(product="Elevlicenser", service=buf_system, count=500,
                           yearly_cost=Decimal("240000.00"))
    Licence.objects.create(product="Omsorgslicenser", service=soc_system, count=100,
                           yearly_cost=Decimal("60000.00"))
    Licence.objects.create(product="Kartlicenser", count=25)
    project = Project.objects.create(name="E-arkiv", sponsor_department=department,
                                     manager=change_manager)
    Project.history.filter(id=project.pk).update(history_date=at(2024, 3, 1))
    set_actuals(project, at(2024, 11, 1), "100000")
    set_actuals(project, at(2025, 6, 1), "250000")
    delivered(department, at(2025, 5, 5))
    for day in (1, 2, 3):
        delivered(other_department, at(2025, 9, day))
    delivered(other_department, at(2024, 12, 31, 23, 30))
    return {"departments": [department, other_department, third_department],
            "project": project}


@pytest.fixture
def draft(world, it_chief, department, other_department, third_department) -> KeySet:
    """The draft of 2025: contracts by systems owned, licences by licences held, projects
    by users; users BUF 600, SOC 300, KFF 100; fixed shares 50, 30, 20; a pool "Nätverk" of
    100 000 by users."""
    key_set = services.key_set_create(actor=it_chief, year=YEAR)
    key_set = services.key_set_update(
        key_set_id=key_set.pk, actor=it_chief, revision=key_set.revision,
        data={"contracts_basis": "systems", "licences_basis": "licences",
              "projects_basis": "users", "note": "Enligt översynen."},
        entries={department.pk: (600, Decimal("50")), other_department.pk: (300, Decimal("30")),
                 third_department.pk: (100, Decimal("20"))})
    services.cost_pool_create(key_set_id=key_set.pk, actor=it_chief,
                              revision=key_set.revision,
                              data={"name": "Nätverk", "amount": Decimal("100000.00"),
                                    "basis": "users"})
    key_set.refresh_from_db()
    return key_set


@pytest.fixture
def published(draft, it_chief) -> KeySet:
    return services.key_set_publish(key_set_id=draft.pk, actor=it_chief,
                                    revision=draft.revision)
