"""Suppliers, contracts and licences through their services, and what is due in the coming
months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from servicecatalog import contracts
from servicecatalog.contracts import ContractState, contract_state
from servicecatalog.models import Contract, Licence, Service, Supplier

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)


@pytest.fixture
def supplier(db):
    return Supplier.objects.create(name="Skolsystem AB", contact_email="avtal@skolsystem.se")


def contract_data(supplier, **fields):
    return {
        "supplier": supplier, "title": "Elevadministration", "reference": "UH-2023-014",
        "starts_on": date(2024, 1, 1), "ends_on": date(2027, 12, 31), "notice_months": 6,
        "renewal_terms": "Förlängs med ett år i taget om det inte sägs upp.",
        "value": Decimal("2400000.00"), "delivery_manager": None, "is_terminated": False,
        **fields,
    }


def test_the_ordering_function_records_a_supplier_contract_and_licence(supplier, coordinator):
    service = Service.objects.create(name="Elevadministrativt system")
    contract = contracts.contract_create(
        actor=coordinator,
        data={**contract_data(supplier, delivery_manager=coordinator), "services": [service]})
    assert contract.notice_date == date(2027, 6, 30)
    assert list(contract.services.all()) == [service]
    assert contract.history.get().history_user == coordinator
    licence = contracts.licence_create(actor=coordinator, data={
        "product": "Elevregister", "supplier": supplier, "contract": contract,
        "service": service, "count": 900, "used": 912, "yearly_cost": Decimal("180000"),
        "renews_on": date(2027, 1, 1)})
    assert licence.history.get().history_user == coordinator
    updated = contracts.supplier_update(supplier_id=supplier.pk, actor=coordinator,
                                        data={"contact_name": "Eva Avtal"})
    assert updated.history.order_by("-history_id").first().history_user == coordinator


def test_nobody_outside_the_ordering_function_writes_contracts(
    supplier, outsider, orderer, it_chief
):
    for person in (outsider, orderer, it_chief):
        with pytest.raises(contracts.NotAllowed):
            contracts.supplier_create(actor=person, data={"name": "Annan AB"})
        with pytest.raises(contracts.NotAllowed):
            contracts.contract_create(actor=person, data=contract_data(supplier))
        with pytest.raises(contracts.NotAllowed):
            contracts.licence_create(actor=person, data={"product": "x", "count": 1})
    assert Supplier.objects.count() == 1
    assert not Contract.objects.exists() and not Licence.objects.exists()


def test_a_contract_cannot_end_before_it_starts(supplier, coordinator):
    with pytest.raises(contracts.ContractError):
        contracts.contract_create(actor=coordinator, data=contract_data(
            supplier, starts_on=date(2027, 1, 1), ends_on=date(2026, 1, 1)))
    assert not Contract.objects.exists()


def test_a_second_supplier_with_the_same_name_is_refused_at_the_name(supplier, coordinator):
    with pytest.raises(contracts.ContractError) as exc:
        contracts.supplier_create(actor=coordinator, data={"name": "Skolsystem AB"})
    assert exc.value.field == "name"


def test_linked_services_are_replaced_on_edit(supplier, coordinator):
    a = Service.objects.create(name="A")
    b = Service.objects.create(name="B")
    contract = contracts.contract_create(actor=coordinator,
                                         data={**contract_data(supplier), "services": [a]})
    contracts.contract_update(contract_id=contract.pk, actor=coordinator,
                              data={"services": [b], "notice_months": 3})
    contract.refresh_from_db()
    assert list(contract.services.all()) == [b]
    assert contract.notice_date == date(2027, 9, 30)


def test_a_contracts_state_follows_its_dates(supplier):
    contract = Contract(supplier=supplier, title="x", starts_on=date(2024, 1, 1),
                        ends_on=date(2027, 3, 31), notice_months=3)
    assert contract_state(contract, date(2026, 12, 31)) == ContractState.ACTIVE
    assert contract.notice_date == date(2026, 12, 31)
    assert contract_state(contract, date(2027, 1, 1)) == ContractState.NOTICE_PASSED
    assert contract_state(contract, date(2027, 4, 1)) == ContractState.ENDED
    contract.is_terminated = True
    assert contract_state(contract, date(2026, 1, 1)) == ContractState.TERMINATED


def test_notice_dates_and_renewals_in_the_coming_months_are_due_soonest_first(supplier):
    def contract(title, ends_on, notice_months=6, **fields):
        return Contract.objects.create(supplier=supplier, title=title,
                                       starts_on=date(2020, 1, 1), ends_on=ends_on,
                                       notice_months=notice_months, **fields)

    contract("Inom perioden", date(2027, 9, 30))  # notice 2027-03-30
    contract("Uppsägningsdag i dag", date(2027, 5, 28))  # notice 2026-11-28
    contract("Redan passerad", date(2027, 5, 27))  # notice 2026-11-27
    contract("Utanför perioden", date(2027, 12, 31))  # notice 2027-06-30
    contract("Uppsagt", date(2027, 9, 30), is_terminated=True)
    Licence.objects.create(product="Kartprogram", count=10, renews_on=date(2027, 1, 15))
    Licence.objects.create(product="Gammal", count=10, renews_on=date(2026, 11, 27))
    Licence.objects.create(product="Senare", count=10, renews_on=date(2027, 6, 1))

    items = contracts.due_items(TODAY, months=6)
    assert [(i.kind, i.title, i.day) for i in items] == [
        ("contract", "Uppsägningsdag i dag", date(2026, 11, 28)),
        ("licence", "Kartprogram", date(2027, 1, 15)),
        ("contract", "Inom perioden", date(2027, 3, 30)),
    ]
    assert items[0].days_left == 0
    longer = contracts.due_items(TODAY, months=8)
    assert {i.title for i in longer} >= {"Utanför perioden", "Senare"}
