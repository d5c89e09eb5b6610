"""Rows of the service catalogue for the catalogue, system map and import tests.

Written directly (no service, like `tests.factories.OrderFactory`): for tests that only need
services and integrations to exist. Tests of the writes call `servicecatalog.services`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

from servicecatalog.models import Category, Contract, Integration, Service, Supplier

_numbers = count(1)


def make_service(**fields: Any) -> Service:
    number = next(_numbers)
    fields.setdefault("name", f"System {number:04d}")
    fields.setdefault("description", f"Beskrivning av system {number}.")
    return Service.objects.create(**fields)


def make_category(name: str | None = None) -> Category:
    return Category.objects.create(name=name or f"Kategori {next(_numbers)}")


def make_supplier(name: str | None = None) -> Supplier:
    return Supplier.objects.create(name=name or f"Leverantör {next(_numbers)} AB")


def make_contract(supplier: Supplier | None = None, **fields: Any) -> Contract:
    fields.setdefault("title", f"Avtal {next(_numbers)}")
    fields.setdefault("starts_on", date(2024, 1, 1))
    fields.setdefault("ends_on", date(2027, 12, 31))
    return Contract.objects.create(supplier=supplier or make_supplier(), **fields)


def make_integration(source: Service, target: Service, **fields: Any) -> Integration:
    fields.setdefault("data", f"Uppgifter {next(_numbers)}")
    return Integration.objects.create(source=source, target=target, **fields)


def rich_service(department, **fields: Any) -> Service:
    """A service with every field the service page shows filled in."""
    defaults = {
        "category": make_category(),
        "department": department,
        "supplier": make_supplier(),
        "availability_target": Decimal("99.50"),
        "support_hours": "Vardagar 7–17",
        "confidentiality": Service.Level.HIGH,
        "integrity": Service.Level.MEDIUM,
        "availability": Service.Level.LOW,
        "personal_data": True,
        "contact": "Servicedesk, tfn 08-578 291 00",
        "yearly_cost": Decimal("123456.00"),
        "internal_notes": "HEMLIG-ANTECKNING om avtalet",
    }
    service = make_service(**{**defaults, **fields})
    for priority, response, resolution in ((1, "1.0", "4.0"), (3, "8.0", "40.0")):
        service.levels.create(priority=priority, response_hours=Decimal(response),
                              resolution_hours=Decimal(resolution))
    return service
