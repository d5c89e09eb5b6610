"""Property-based tests of every endpoint, generated from the OpenAPI schema (schemathesis),
as three kinds of person: an orderer of one department, the ordering function and the IT
chief. Every answer must be no server error, documented (its status, its content type) and
match the schema; and the orderer must never be shown another department's orders.

The requests go to the project's WSGI application in this process, inside the test's
transaction; the examples per operation are few, so the module stays well within two minutes.
"""

from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from board import services as board_services
from orders.models import Order
from portfolio import services as portfolio_services
from servicecatalog.models import ManagementPlan
from tests import factories
from tests.api.conftest import make_token
from tests.servicecatalog.catalogue_data import make_integration, rich_service

pytestmark = pytest.mark.django_db

S = Order.Status
PEOPLE = ("orderer", "ordering", "it_chief")
EXAMPLES = 5


@pytest.fixture(scope="module")
def world(module_transaction):
    from django.utils import timezone

    buf = factories.DepartmentFactory(name="Barn- och utbildningsförvaltningen",
                                      short_name="BUF")
    soc = factories.DepartmentFactory(name="Socialförvaltningen", short_name="SOC")
    people = {
        "orderer": factories.make_orderer(buf, username="bestallare-buf"),
        "ordering": factories.make_coordinator(username="samordnare"),
        "it_chief": factories.make_it_chief(username="it-chef"),
    }
    change_manager = factories.make_change_manager(username="andringsansvarig")
    soc_orderer = factories.make_orderer(soc, username="bestallare-soc")
    for state in (S.DRAFT, S.SUBMITTED, S.AWAITING_SUPPLEMENT, S.READY_FOR_DECISION,
                  S.DELIVERED):
        factories.make_order(state, department=buf, orderer=people["orderer"],
                             handler=people["ordering"], change_manager=change_manager,
                             title=f"BUF {state}", estimated_cost=Decimal("5000"))
        factories.make_order(state, department=soc, orderer=soc_orderer,
                             handler=people["ordering"], change_manager=change_manager,
                             title=f"Hemlig SOC {state}", estimated_cost=Decimal("5000"))
    meeting = board_services.meeting_create(actor=change_manager,
                                            starts_at=timezone.now() + timezone.timedelta(5))
    for department in (buf, soc):
        portfolio_services.project_create(actor=change_manager, data={
            "name": f"Projekt {department.short_name}", "sponsor_department": department,
            "manager": change_manager, "phase": "execution", "status": "active"})
    first, second = rich_service(buf, name="Skolsystem"), rich_service(soc, name="Omsorg")
    make_integration(first, second)
    ManagementPlan.objects.create(service=first, year=2026)
    return SimpleNamespace(
        tokens={kind: make_token(person) for kind, person in people.items()},
        hidden=[o.title for o in Order.objects.filter(department=soc)], meeting=meeting)


@pytest.fixture(scope="module")
def api_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))


@pytest.fixture
def app():
    """The project's WSGI application, answering inside the test's transaction (as Django's
    test client does, the connection is not closed at the end of each request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.mark.parametrize("kind", PEOPLE)
def test_every_endpoint_answers_as_documented(world, api_schema, app, kind):
    headers = {"Authorization": f"Bearer {world.tokens[kind]}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 17
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(app=app, headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            if kind == "orderer":
                for title in world.hidden:
                    assert title not in response.text, (
                        f"{case.method} {case.formatted_path} showed {title!r}")

        run()
