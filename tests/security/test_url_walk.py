"""Every URL of the project, asked for with GET by every kind of person (as NetBox's view
tests do for every model), in a world where every kind of object exists in one department
(BUF) and in another (SOC).

`ROUTES` says, for each URL name, which kinds may open it (200) and which are sent on by a
documented redirect; every other kind must be refused (403 or 404, or 405 for an address
that only takes POST), and an anonymous visitor is sent to the login page everywhere but the
public addresses. Whatever answers 200 is also read for the titles of the orders and projects
the person may not see (`may_see`): a page, an export or a fragment that shows one fails,
whatever its address said. A URL pattern that is missing from `ROUTES` fails the walk, so a
new route cannot escape it.

Every GET must leave the database as it found it (`fingerprint`), sessions and the time of
the last login aside. `check_response` is the one place where a check of every response
(headers, say) is added.

Django's admin is walked too: no kind here is staff, so every admin page must send them to
the admin's login (or be missing). The world is made once for the module; the walk takes
some tens of seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from board import services as board_services
from board.models import AgendaItem, CalendarFeed
from costs import services as cost_services
from orders import services as order_services
from orders.models import Order
from organisation.models import Role
from portfolio import services as portfolio_services
from raci.models import ConsultationTask, MatrixVersion
from records import services as records_services
from servicecatalog.models import ContinuityScenario, Licence, ManagementPlan
from tests import factories
from tests.security.headers import assert_security_headers
from tests.servicecatalog.catalogue_data import (
    make_contract,
    make_integration,
    make_supplier,
    rich_service,
)

pytestmark = [pytest.mark.django_db]

S = Order.Status

KINDS = (
    "anonymous", "orderer_soc", "orderer_buf", "it_lead_buf", "ordering", "change_manager",
    "it_chief", "provider_staff", "service_desk", "outsider",
)
PEOPLE = frozenset(KINDS) - {"anonymous"}
SEES_ALL = frozenset({"ordering", "change_manager", "it_chief"})
#: The ordering function: the IT coordinator and the change manager (who belongs to it).
ORDERING = frozenset({"ordering", "change_manager"})
#: Called to the board's meetings (the default members), and those who see every order.
BOARD = SEES_ALL
#: Belong to a department (the portfolio's pages open to them).
DEPARTMENTS = frozenset({"orderer_soc", "orderer_buf", "it_lead_buf"})
PORTFOLIO = SEES_ALL | DEPARTMENTS
CHAIR = frozenset({"change_manager"})
#: Keep IT's costs and their sharing (the IT chief), and see a department's share of a
#: published year (its IT lead).
COST_KEEPER = frozenset({"it_chief"})
COST_READERS = COST_KEEPER | {"it_lead_buf"}
#: Keep the retention schedule and the culling record, and a person's personal data (the
#: IT chief); set and lift legal holds (they and the ordering function).
RECORD_KEEPER = frozenset({"it_chief"})
HOLDERS = RECORD_KEEPER | ORDERING
#: Read the register of orders and meetings (diarium).
REGISTER_READERS = ORDERING | {"it_chief"}

#: Orders of the world: (department, state, written by the BUF orderer's colleague).
BUF_STATES = tuple(factories.ALL_STATES)
SOC_STATES = (S.DRAFT, S.SUBMITTED, S.IN_PREPARATION, S.PLANNED)


def may_see(kind: str, order: SimpleNamespace) -> bool:
    """SPEC "Permissions", written out for this world (not read from the code under test)."""
    if kind in SEES_ALL:
        return True
    if kind == "provider_staff":
        return order.planned
    if kind == "it_lead_buf":
        return order.department == "BUF"
    if kind in {"orderer_buf", "orderer_soc"}:
        own_department = order.department == kind.removeprefix("orderer_").upper()
        return own_department and (order.state != S.DRAFT or order.own)
    return False


def sees_project(kind: str, project: SimpleNamespace) -> bool:
    if kind in SEES_ALL:
        return True
    return kind in {"orderer_buf", "it_lead_buf"} if project.department == "BUF" else (
        kind == "orderer_soc")


# --- the expectations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One request of a URL: its arguments (world keys, or literal values after "="), the
    kinds that get 200 and those sent on by a documented redirect (302)."""

    kwargs: dict[str, str] = field(default_factory=dict)
    ok: frozenset[str] | Callable[[SimpleNamespace], frozenset[str]] = frozenset()
    redirect: frozenset[str] | Callable[[SimpleNamespace], frozenset[str]] = frozenset()
    #: Who may open it without logging in (the login page, a calendar address).
    public: bool = False
    #: Asked for by htmx (a fragment of a page).
    htmx: bool = False
    #: An endpoint of the REST API: someone not logged in is answered 401 (a problem
    #: detail asking for a token), not sent to the login page.
    api: bool = False


POST_ONLY = "post only"  # GET is answered 405 to everyone logged in
API_POST_ONLY = "api post only"  # the same, and 401 to anyone not logged in (the REST API)
ADMIN = "admin"  # Django's admin: only staff, and no kind here is staff


def seers(key: str) -> Callable[[SimpleNamespace], frozenset[str]]:
    """The kinds who may see the world's order `key`."""
    return lambda world: frozenset(k for k in PEOPLE if may_see(k, world.orders[key]))


def seers_but(key: str, ok: frozenset[str]) -> Callable[[SimpleNamespace], frozenset[str]]:
    """The kinds who may see the order but not do what the page is for: sent to the order."""
    return lambda world: seers(key)(world) - ok


def of(key: str, **more: str) -> dict[str, str]:
    return {"pk": f"order:{key}", **more}


ORDER_PAGES = ("buf:draft", "buf:colleague_draft", "buf:submitted", "buf:planned",
               "buf:closed", "soc:draft", "soc:submitted", "soc:planned")

ROUTES: dict[str, tuple[Case, ...] | str] = {
    "home": (Case(ok=PEOPLE),),
    "login": (Case(public=True, redirect=PEOPLE),),
    "logout": POST_ONLY,
    # Single sign-on: not configured in this world, so its addresses answer 404 to everyone
    # (tests/organisation/test_sso.py walks them with a provider).
    "oidc_authentication_init": (Case(),),
    "oidc_authentication_callback": (Case(), Case({"code": "=x", "state": "=y"})),
    "oidc_logout": POST_ONLY,
    # Orders.
    "orders:list": (Case(ok=PEOPLE), Case({"q": "=Hemlig"}, ok=PEOPLE),
                    Case({"status": "=draft"}, ok=PEOPLE)),
    # The list as a file: the same orders as the list, filters and all.
    "orders:export": (Case({"fmt": "=csv"}, ok=PEOPLE), Case({"fmt": "=xlsx"}, ok=PEOPLE),
                      Case({"fmt": "=csv", "status": "=draft"}, ok=PEOPLE)),
    "orders:create": (Case(ok=DEPARTMENTS, redirect=PEOPLE - DEPARTMENTS),),
    "orders:detail": tuple(Case(of(key), ok=seers(key)) for key in ORDER_PAGES),
    "orders:edit": (
        Case(of("buf:draft"), ok=frozenset({"orderer_buf", "it_lead_buf"}),
             redirect=seers_but("buf:draft", frozenset({"orderer_buf", "it_lead_buf"}))),
        Case(of("soc:submitted"), redirect=seers("soc:submitted")),
    ),
    "orders:prepare": (
        Case(of("buf:in_preparation"), ok=ORDERING,
             redirect=seers_but("buf:in_preparation", ORDERING)),
        Case(of("soc:in_preparation"), ok=ORDERING,
             redirect=seers_but("soc:in_preparation", ORDERING)),
    ),
    "orders:option_add": POST_ONLY,
    "orders:option_delete": POST_ONLY,
    "orders:comment_add": POST_ONLY,
    "orders:attachment_add": POST_ONLY,
    "orders:attachment": (
        Case(of("buf:submitted", attachment_pk="attachment:buf"), ok=seers("buf:submitted")),
        Case(of("soc:submitted", attachment_pk="attachment:soc"), ok=seers("soc:submitted")),
        # The attachment of another order, asked for under an order one may see.
        Case(of("buf:submitted", attachment_pk="attachment:soc")),
    ),
    "orders:assign_handler": POST_ONLY,
    "orders:secrecy_mark": POST_ONLY,
    # The register (diarium): the ordering function and the IT chiefs (and a registrar
    # given its permission, not a kind of this world).
    "registry:register": (Case(ok=REGISTER_READERS),),
    # The accessibility statement: public, at a fixed address.
    "accessibility:statement": (Case(public=True, ok=PEOPLE),),
    "registry:export": tuple(
        Case({"year": f"={timezone.localdate().year}", "fmt": f"={fmt}"}, ok=REGISTER_READERS)
        for fmt in ("csv", "xlsx", "pdf")),
    "orders:secrecy_unmark": POST_ONLY,
    "orders:transition": POST_ONLY,
    # Beslutsråd IT.
    "board:meetings": (Case(ok=BOARD),),
    "board:meeting_create": (Case(ok=CHAIR),),
    "board:feed": (Case({"token": "feed"}, public=True, ok=PEOPLE),
                   Case({"token": "=not-a-token"})),
    "board:my_calendar": (Case(ok=BOARD),),
    "board:reminders": (Case(ok=CHAIR),),
    "board:meeting": (Case({"pk": "meeting"}, ok=BOARD),),
    "board:meeting_edit": (Case({"pk": "meeting"}, ok=CHAIR),),
    "board:meeting_cancel": POST_ONLY,
    "board:members": (Case({"pk": "meeting"}, ok=CHAIR),),
    "board:send_agenda": POST_ONLY,
    "board:item_add": POST_ONLY,
    "board:delegations": (Case({"pk": "meeting"}, ok=BOARD),),
    "board:item_brief": (Case({"pk": "meeting", "item_pk": "item"}, ok=BOARD),),
    "board:item_remove": POST_ONLY,
    "board:item_move": POST_ONLY,
    "board:item_update": (Case({"pk": "meeting", "item_pk": "item"}, ok=CHAIR),),
    "board:minutes": (Case({"pk": "meeting"}, ok=BOARD),),
    "board:attendance": POST_ONLY,
    "board:adjuster": POST_ONLY,
    "board:decision": POST_ONLY,
    "board:sign": POST_ONLY,
    "board:correct": POST_ONLY,
    "board:print": (Case({"pk": "meeting"}, ok=BOARD),),
    "board:pdf": (Case({"pk": "meeting"}, ok=BOARD),),
    "board:ics": (Case({"pk": "meeting"}, ok=BOARD),),
    # Portfolio.
    "portfolio:ranking": (Case(ok=PORTFOLIO), Case({"export": "=csv"}, ok=PORTFOLIO)),
    # Fragments for htmx; without script, the ranking with the form open.
    "portfolio:order_add": (Case(ok=CHAIR, htmx=True), Case(redirect=CHAIR)),
    "portfolio:entry_tools": (Case({"entry_pk": "entry"}, ok=CHAIR, htmx=True),
                              Case({"entry_pk": "entry"}, redirect=CHAIR)),
    "portfolio:entry_move": POST_ONLY,
    "portfolio:entry_remove": POST_ONLY,
    "portfolio:rank_history": (Case(ok=SEES_ALL), Case({"export": "=csv"}, ok=SEES_ALL)),
    "portfolio:projects": (Case(ok=PORTFOLIO),),
    "portfolio:project_create": (Case(ok=CHAIR),),
    "portfolio:project_from_order": (Case({"order_pk": "order:buf:project_order"}, ok=CHAIR),),
    "portfolio:project": (Case({"pk": "project:buf"}, ok=SEES_ALL | {"orderer_buf",
                                                                       "it_lead_buf"}),
                          Case({"pk": "project:soc"}, ok=SEES_ALL | {"orderer_soc"})),
    "portfolio:project_edit": (Case({"pk": "project:buf"}, ok=CHAIR),),
    "portfolio:report": (Case({"pk": "project:buf"}, ok=CHAIR),),
    "portfolio:milestone_add": POST_ONLY,
    "portfolio:milestone_done": POST_ONLY,
    "portfolio:milestone_remove": POST_ONLY,
    "portfolio:order_link": POST_ONLY,
    "portfolio:order_unlink": POST_ONLY,
    "portfolio:timeline": (Case(ok=PORTFOLIO), Case({"export": "=csv"}, ok=PORTFOLIO)),
    "portfolio:dashboard": (Case(ok=SEES_ALL),),
    "portfolio:dashboard_print": (Case(ok=SEES_ALL),),
    "portfolio:dashboard_export": tuple(
        Case({"table": f"={table}", "fmt": "=csv"}, ok=SEES_ALL)
        for table in ("status", "leadtimes", "projects")),
    "portfolio:management_report": (Case(ok=SEES_ALL),),
    # Service catalogue: readable by every employee (§6.5.5).
    "servicecatalog:service_list": (Case(ok=PEOPLE),),
    "servicecatalog:service_export": (Case({"fmt": "=csv"}, ok=PEOPLE),),
    "servicecatalog:service_create": (Case(ok=ORDERING),),
    "servicecatalog:service": (Case({"pk": "service:buf"}, ok=PEOPLE),
                               Case({"pk": "service:soc"}, ok=PEOPLE)),
    "servicecatalog:service_edit": (Case({"pk": "service:buf"}, ok=ORDERING),),
    "servicecatalog:service_print": (Case({"pk": "service:buf"}, ok=PEOPLE),),
    "servicecatalog:systemmap": (Case(ok=PEOPLE),),
    "servicecatalog:systemmap_export": (Case({"fmt": "=csv"}, ok=PEOPLE),),
    "servicecatalog:integration_create": (Case(ok=ORDERING),),
    "servicecatalog:integration_edit": (Case({"pk": "integration"}, ok=ORDERING),),
    "servicecatalog:integration_delete": POST_ONLY,
    "servicecatalog:import": (Case(ok=ORDERING),),
    "servicecatalog:import_confirm": POST_ONLY,
    # The empty file of columns to fill in: nothing of anyone's in it.
    "servicecatalog:import_template": (Case({"slug": "=tjanster", "fmt": "=csv"}, ok=PEOPLE),),
    "servicecatalog:plan_list": (Case(ok=PEOPLE),),
    "servicecatalog:plans_missing": (Case(ok=PEOPLE),),
    "servicecatalog:service_plans": (Case({"service_pk": "service:buf"}, ok=PEOPLE),),
    "servicecatalog:plan_start": POST_ONLY,
    "servicecatalog:plan": (Case({"pk": "plan"}, ok=PEOPLE),),
    "servicecatalog:plan_edit": (Case({"pk": "plan"}, ok=ORDERING),),
    "servicecatalog:plan_approve": POST_ONLY,
    "servicecatalog:scenario_add": POST_ONLY,
    "servicecatalog:scenario_remove": POST_ONLY,
    "servicecatalog:supplier_list": (Case(ok=PEOPLE),),
    "servicecatalog:supplier_create": (Case(ok=ORDERING),),
    "servicecatalog:supplier": (Case({"pk": "supplier"}, ok=PEOPLE),),
    "servicecatalog:supplier_edit": (Case({"pk": "supplier"}, ok=ORDERING),),
    "servicecatalog:contract_list": (Case(ok=PEOPLE),),
    "servicecatalog:contract_create": (Case(ok=ORDERING),),
    "servicecatalog:due_list": (Case(ok=PEOPLE),),
    "servicecatalog:contract": (Case({"pk": "contract"}, ok=PEOPLE),),
    "servicecatalog:contract_edit": (Case({"pk": "contract"}, ok=ORDERING),),
    "servicecatalog:licence_list": (Case(ok=PEOPLE),),
    "servicecatalog:licence_create": (Case(ok=ORDERING),),
    "servicecatalog:licence_edit": (Case({"pk": "licence"}, ok=ORDERING),),
    # The HUKI matrix: readable by all staff; drafts are the process owner's.
    "raci:matrix": (Case(ok=PEOPLE),),
    "raci:versions": (Case(ok=PEOPLE),),
    "raci:version": (Case({"number": "version"}, ok=PEOPLE),),
    "raci:print": (Case({"number": "version"}, ok=PEOPLE),),
    "raci:export": (Case({"number": "version", "fmt": "=csv"}, ok=PEOPLE),),
    "raci:compare": (Case(ok=PEOPLE),),
    "raci:draft": (Case(ok=frozenset({"it_chief"})),),
    "raci:draft_start": POST_ONLY,
    "raci:draft_publish": POST_ONLY,
    "raci:draft_discard": POST_ONLY,
    "raci:draft_import": (Case(ok=frozenset({"it_chief"})),),
    "raci:consultation_answer": POST_ONLY,
    # Key figures of a service: counts that name no order, readable as the catalogue is.
    "servicecatalog:service_report": (Case({"pk": "service:buf", "year": "=2025"}, ok=PEOPLE),),
    "servicecatalog:service_report_export": tuple(
        Case({"pk": "service:buf", "year": "=2025", "fmt": f"={fmt}"}, ok=PEOPLE)
        for fmt in ("csv", "xlsx", "pdf")),
    # IT's costs: the IT chief's; a department's IT lead sees their department's share of a
    # published year, never another department's nor a draft.
    "costs:overview": (Case(ok=COST_READERS),),
    "costs:year_create": POST_ONLY,
    "costs:year": (Case({"year": "costs:published"}, ok=COST_KEEPER),
                   Case({"year": "costs:draft"}, ok=COST_KEEPER)),
    "costs:year_export": (Case({"year": "costs:published", "fmt": "=csv"}, ok=COST_KEEPER),),
    "costs:items": (Case({"year": "costs:published"}, ok=COST_KEEPER),),
    "costs:items_export": (Case({"year": "costs:draft", "fmt": "=csv"}, ok=COST_KEEPER),),
    "costs:keys": (Case({"year": "costs:draft"}, ok=COST_KEEPER),),
    "costs:pool_create": (Case({"year": "costs:draft"}, ok=COST_KEEPER),),
    "costs:pool_edit": (Case({"year": "costs:draft", "pk": "costs:pool"}, ok=COST_KEEPER),),
    "costs:pool_delete": POST_ONLY,
    "costs:publish": POST_ONLY,
    "costs:department": (
        Case({"year": "costs:published", "department": "department:buf"}, ok=COST_READERS),
        Case({"year": "costs:published", "department": "department:soc"}, ok=COST_KEEPER),
        Case({"year": "costs:draft", "department": "department:buf"}, ok=COST_KEEPER)),
    "costs:department_export": (
        Case({"year": "costs:published", "department": "department:buf", "fmt": "=csv"},
             ok=COST_READERS),
        Case({"year": "costs:published", "department": "department:soc", "fmt": "=csv"},
             ok=COST_KEEPER)),
    # Records: the retention schedule, its dry run and the culling record; legal holds; a
    # person's subject-access export and pseudonymisation.
    "records:schedule": (Case(ok=RECORD_KEEPER),),
    "records:rule_edit": (Case({"pk": "records:rule"}, ok=RECORD_KEEPER),),
    "records:dry_run": (Case(ok=RECORD_KEEPER),),
    "records:culling_log": (Case(ok=RECORD_KEEPER),),
    "records:holds": (Case(ok=HOLDERS),),
    "records:hold_lift": POST_ONLY,
    "records:people": (Case(ok=RECORD_KEEPER), Case({"q": "=bestallare"}, ok=RECORD_KEEPER)),
    "records:person_export": (Case({"pk": "records:person"}, ok=RECORD_KEEPER),),
    "records:person_pseudonymise": (Case({"pk": "records:person"}, ok=RECORD_KEEPER),),
    # The REST API: the same people see the same things as on the pages. Its documentation
    # and the token page are pages for everyone logged in.
    "api:schema": (Case(ok=PEOPLE, api=True),),
    "api:docs": (Case(ok=PEOPLE),),
    "api:redoc": (Case(ok=PEOPLE),),
    "api:tokens": (Case(ok=PEOPLE),),
    "api:token_revoke": POST_ONLY,
    "api:orders": (Case(ok=PEOPLE, api=True), Case({"status": "=draft"}, ok=PEOPLE, api=True),
                   Case({"q": "=Hemlig"}, ok=PEOPLE, api=True)),
    "api:order": tuple(Case(of(key), ok=seers(key), api=True) for key in ORDER_PAGES),
    "api:order_comment": API_POST_ONLY,
    "api:order_submit": API_POST_ONLY,
    "api:order_supplement": API_POST_ONLY,
    "api:order_accept": API_POST_ONLY,
    "api:order_deviation": API_POST_ONLY,
    "api:services": (Case(ok=PEOPLE, api=True),),
    "api:service": (Case({"pk": "service:buf"}, ok=PEOPLE, api=True),
                    Case({"pk": "service:soc"}, ok=PEOPLE, api=True)),
    "api:integrations": (Case(ok=PEOPLE, api=True),),
    "api:plans": (Case(ok=PEOPLE, api=True),),
    "api:projects": (Case(ok=PORTFOLIO, api=True),),
    "api:project": (Case({"pk": "project:buf"}, api=True,
                         ok=SEES_ALL | {"orderer_buf", "it_lead_buf"}),
                    Case({"pk": "project:soc"}, ok=SEES_ALL | {"orderer_soc"}, api=True)),
    "api:portfolio": (Case(ok=PORTFOLIO, api=True),),
    "api:meetings": (Case(ok=BOARD, api=True),),
    "api:meeting": (Case({"pk": "meeting"}, ok=BOARD, api=True),),
    "api:huki": (Case(ok=PEOPLE, api=True),),
    "api:not_found": (Case({"rest": "=v1/nothing-here/"}, api=True),),
}


# --- walking the URL patterns ---------------------------------------------------------------


def url_patterns() -> list[tuple[str, URLPattern]]:
    """Every named URL pattern of the project, with its namespaced name."""
    found: list[tuple[str, URLPattern]] = []

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, inner)
            else:
                name = pattern.name or f"<unnamed {pattern.pattern}>"
                found.append((f"{namespace}:{name}" if namespace else name, pattern))

    walk(get_resolver(), None)
    return found


def is_admin(name: str) -> bool:
    return name == "admin" or name.startswith("admin:")


def test_every_url_pattern_has_an_expectation():
    missing = sorted({name for name, _ in url_patterns() if not is_admin(name)} - set(ROUTES))
    assert not missing, (
        "These URL patterns are not in tests/security/test_url_walk.py ROUTES: "
        f"{', '.join(missing)}. Add each with the kinds of person that may open it, so the "
        "walk checks that no one else can."
    )


def test_no_expectation_is_left_for_a_route_that_is_gone():
    names = {name for name, _ in url_patterns()}
    assert not set(ROUTES) - names


# --- the world ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    """The world's attachments, kept for the whole module."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, media_root) -> None:
    settings.MEDIA_ROOT = media_root


@pytest.fixture(scope="module")
def world(module_transaction, media_root):
    """Every kind of object in BUF and in SOC, and a person of every kind."""
    now = timezone.now()
    buf = factories.DepartmentFactory(name="Barn- och utbildningsförvaltningen",
                                      short_name="BUF")
    soc = factories.DepartmentFactory(name="Socialförvaltningen", short_name="SOC")
    provider = factories.ProviderFactory(name="IT-enheten", kind="internal")
    people = {
        "orderer_buf": factories.make_orderer(buf, username="bestallare-buf"),
        "orderer_soc": factories.make_orderer(soc, username="bestallare-soc"),
        "it_lead_buf": factories.make_it_lead(buf, factories.UserFactory(username="lead-buf")),
        "ordering": factories.make_coordinator(username="samordnare"),
        "change_manager": factories.make_change_manager(username="andringsansvarig"),
        "it_chief": factories.make_it_chief(username="it-chef"),
        "provider_staff": factories.make_provider_user(provider, username="utforare"),
        "service_desk": factories.make_role_user(Role.Code.SERVICE_DESK, username="desk"),
        "outsider": factories.make_outsider(username="utomstaende"),
    }
    colleague = factories.make_orderer(buf, username="kollega-buf")
    orders: dict[str, SimpleNamespace] = {}

    def order(department, short, state, writer, key, own=True):
        made = factories.make_order(
            state, department=department, orderer=writer, handler=people["ordering"],
            change_manager=people["change_manager"], provider=provider,
            provider_user=people["provider_staff"],
            title=f"Hemlig {short} {key} beställning", estimated_cost=Decimal("50000"),
        )
        orders[f"{short.lower()}:{key}"] = SimpleNamespace(
            obj=made, department=short, state=state, own=own,
            planned=made.provider_id is not None,
        )
        return made

    for state in BUF_STATES:
        order(buf, "BUF", state, people["orderer_buf"], state)
    project_order = factories.make_order(
        S.APPROVED, department=buf, orderer=people["orderer_buf"], handler=people["ordering"],
        change_manager=people["change_manager"], kind=Order.Kind.PROJECT,
        title="Hemlig BUF projektbeställning", estimated_cost=Decimal("50000"))
    orders["buf:project_order"] = SimpleNamespace(obj=project_order, department="BUF",
                                                  state=S.APPROVED, own=True, planned=False)
    order(buf, "BUF", S.DRAFT, colleague, "colleague_draft", own=False)
    for state in SOC_STATES:
        order(soc, "SOC", state, people["orderer_soc"], state)

    def attach(key):
        with override_settings(MEDIA_ROOT=media_root):
            return order_services.attachment_add(
                order_id=orders[key].obj.pk, actor=orders[key].obj.orderer,
                upload=SimpleUploadedFile("behov.pdf", b"%PDF-1.4 bilaga", "application/pdf"))

    objects = {
        "attachment:buf": attach("buf:submitted"), "attachment:soc": attach("soc:submitted"),
    }
    order_services.comment_add(order_id=orders["buf:submitted"].obj.pk,
                               actor=people["orderer_buf"], body="Hemlig kommentar BUF")
    option = order_services.option_add(
        order_id=orders["buf:in_preparation"].obj.pk, actor=people["ordering"],
        data={"title": "Hemligt alternativ BUF"})
    objects["option"] = option
    meeting = board_services.meeting_create(actor=people["change_manager"],
                                            starts_at=now + timedelta(days=10))
    board_services.agenda_add_item(meeting_id=meeting.pk, actor=people["change_manager"],
                                   order=orders["buf:ready_for_decision"].obj)
    objects["meeting"] = meeting
    objects["item"] = AgendaItem.objects.filter(meeting=meeting,
                                                order__isnull=False).first()
    objects["feed"] = CalendarFeed.objects.create(person=people["change_manager"])
    projects = {}
    for short, department in (("BUF", buf), ("SOC", soc)):
        projects[short] = portfolio_services.project_create(
            actor=people["change_manager"],
            data={"name": f"Hemligt projekt {short}", "sponsor_department": department,
                  "manager": people["change_manager"], "phase": "execution",
                  "status": "active",
                  "budget": Decimal("500000"), "planned_start": now.date(),
                  "planned_end": now.date() + timedelta(days=200)},
        )
    objects["project:buf"], objects["project:soc"] = projects["BUF"], projects["SOC"]
    objects["entry"] = projects["BUF"].entry
    services = {short: rich_service(department, name=f"System {short}")
                for short, department in (("BUF", buf), ("SOC", soc))}
    objects["service:buf"], objects["service:soc"] = services["BUF"], services["SOC"]
    objects["integration"] = make_integration(services["BUF"], services["SOC"])
    objects["plan"] = ManagementPlan.objects.create(service=services["BUF"], year=now.year)
    ContinuityScenario.objects.create(plan=objects["plan"], scenario="Strömavbrott")
    supplier = make_supplier("Norrsken AB")
    objects["supplier"] = supplier
    objects["contract"] = make_contract(supplier, title="Hemligt avtal")
    objects["licence"] = Licence.objects.create(product="Kontorspaket", supplier=supplier,
                                                count=10)
    objects["version"] = MatrixVersion.objects.get(status=MatrixVersion.Status.PUBLISHED)
    objects["consultation"] = ConsultationTask.objects.filter(
        order=orders["buf:in_preparation"].obj).first()
    objects["department:buf"], objects["department:soc"] = buf, soc
    # IT's costs: last year's sharing published, this year's a draft with a cost pool.
    keeper = people["it_chief"]
    published = cost_services.key_set_create(actor=keeper, year=now.year - 1)
    published = cost_services.key_set_update(
        key_set_id=published.pk, actor=keeper, revision=published.revision,
        data={"contracts_basis": "users", "licences_basis": "users",
              "projects_basis": "users"},
        entries={buf.pk: (600, Decimal("60")), soc.pk: (400, Decimal("40"))})
    cost_services.cost_pool_create(key_set_id=published.pk, actor=keeper,
                                   revision=published.revision,
                                   data={"name": "Nätverk", "amount": Decimal("100000.00"),
                                         "basis": "users"})
    published.refresh_from_db()
    objects["costs:published"] = cost_services.key_set_publish(
        key_set_id=published.pk, actor=keeper, revision=published.revision)
    draft = cost_services.key_set_create(actor=keeper, year=now.year)
    objects["costs:draft"] = draft
    objects["costs:pool"] = cost_services.cost_pool_create(
        key_set_id=draft.pk, actor=keeper, revision=draft.revision,
        data={"name": "Support", "amount": Decimal("5000.00"), "basis": "users"})
    # Records: the schedule's rules, a finished order under a legal hold, and a person.
    objects["records:rule"] = records_services.schedule_ensure()[0]
    records_services.legal_hold_set(order_id=orders["buf:closed"].obj.pk,
                                    actor=people["ordering"], reason="Hemlig prövning")
    objects["records:person"] = people["orderer_buf"]
    return SimpleNamespace(people={k: factories.fresh(v) for k, v in people.items()},
                           orders=orders, objects=objects, projects={
                               "BUF": SimpleNamespace(obj=projects["BUF"], department="BUF"),
                               "SOC": SimpleNamespace(obj=projects["SOC"], department="SOC")})


def argument(world: SimpleNamespace, value: str) -> str:
    if value.startswith("="):
        return value[1:]
    if value.startswith("order:"):
        return str(world.orders[value.removeprefix("order:")].obj.pk)
    obj = world.objects[value]
    if value == "feed":
        return obj.token
    if value == "version":
        return str(obj.number)
    if value.startswith("costs:") and value != "costs:pool":
        return str(obj.year)
    return str(obj.pk)


def address(world: SimpleNamespace, name: str, case: Case, pattern: URLPattern) -> str:
    """The case's URL: its path arguments reversed, the others as the query string."""
    wanted = set(pattern.pattern.converters)
    kwargs = {k: argument(world, v) for k, v in case.kwargs.items() if k in wanted}
    query = {k: argument(world, v) for k, v in case.kwargs.items() if k not in wanted}
    url = reverse(name, kwargs=kwargs)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def kinds(value, world) -> frozenset[str]:
    return value(world) if callable(value) else value


# --- what every response is checked for --------------------------------------------------------


def fingerprint() -> tuple:
    """What a GET must not change, sessions aside.

    On PostgreSQL: the rows inserted, updated and deleted in each table by the transaction so
    far (the test's own: `pg_stat_xact_user_tables`), which sees every write, an UPDATE by
    `QuerySet.update` included. Elsewhere: the number of rows of every table, the newest
    history record of every tracked model, the orders' versions and the access token (which
    a write to anything deciding access renews).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
                "WHERE relname <> 'django_session' AND n_tup_ins + n_tup_upd + n_tup_del > 0 "
                "ORDER BY relname"
            )
            return tuple(cursor.fetchall())
        quote = connection.ops.quote_name
        parts = []
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table == "django_session" or not model._meta.managed:
                continue
            parts.append(f"(SELECT COUNT(*) FROM {quote(table)})")  # noqa: S608 - own tables
            if "historical" in table:
                column = quote(model._meta.pk.column)
                parts.append(f"(SELECT MAX({column}) FROM {quote(table)})")  # noqa: S608
        parts.append("(SELECT SUM(version) FROM orders_order)")
        parts.append("(SELECT token FROM organisation_accessversion)")
        cursor.execute("SELECT " + ", ".join(parts))  # noqa: S608 - the models' own tables
        return cursor.fetchone()


def check_response(response, url: str, kind: str) -> list[str]:
    """Checks of every response, whatever its address: the security headers (a strict
    Content-Security-Policy, nothing a cache may keep). Problems, if any."""
    try:
        assert_security_headers(response)
    except AssertionError as problem:
        return [f"{url} as {kind}: {problem}"]
    return []


def hidden_titles(world: SimpleNamespace, kind: str) -> list[str]:
    titles = [o.obj.title for o in world.orders.values() if not may_see(kind, o)]
    titles += [p.obj.name for p in world.projects.values() if not sees_project(kind, p)]
    return titles


#: Responses read for the titles of what the person may not see (PDFs and spreadsheets are
#: compressed: their addresses are held to the same kinds by status alone). Board pages show
#: the agenda's briefs to the meeting's members; in this world every member sees every order,
#: so they are read like any other page.
TEXT_TYPES = ("text/", "application/json", "application/xhtml")


def request_as(client: Client, world: SimpleNamespace, kind: str, name: str, case: Case,
               url: str) -> list[str]:
    """Ask for `url` as `kind`; the problems found, if any."""
    problems: list[str] = []
    response = client.get(url, headers={"HX-Request": "true"} if case.htmx else {})
    status = response.status_code
    problems += check_response(response, url, kind)
    if kind == "anonymous":
        if case.api:
            if status != 401 or response["Content-Type"] != "application/problem+json":
                problems.append(f"{url} as anonymous: {status}, expected a 401 problem")
        elif case.public:
            if status != 200:
                problems.append(f"{url} as anonymous: {status}, expected 200 (public)")
        elif not (status == 404 or (
                status == 302 and response["Location"].startswith(reverse("login"))) or (
                # htmx follows a redirect it is told of in a header, not a 302.
                case.htmx and status == 200
                and response.get("HX-Redirect", "").startswith(reverse("login")))):
            problems.append(f"{url} as anonymous: {status}, expected the login page or 404")
        return problems
    ok, redirect = kinds(case.ok, world), kinds(case.redirect, world)
    if kind in ok:
        if status != 200:
            problems.append(f"{url} as {kind}: {status}, expected 200")
    elif kind in redirect:
        if status != 302:
            problems.append(f"{url} as {kind}: {status}, expected a redirect")
    elif status not in {403, 404}:
        problems.append(f"{url} as {kind}: {status}, expected 403 or 404")
    if status == 200 and response.get("Content-Type", "").startswith(TEXT_TYPES):
        content = b"".join(response) if response.streaming else response.content
        text = content.decode("utf-8", errors="replace")
        for title in hidden_titles(world, kind):
            if title in text:
                problems.append(f"{url} as {kind} shows “{title}”, which is not theirs to see")
    return problems


def walk(world: SimpleNamespace, kind: str) -> list[str]:
    client = Client()
    if kind != "anonymous":
        client.force_login(world.people[kind])
    problems: list[str] = []
    before = fingerprint()
    for name, pattern in url_patterns():
        if is_admin(name):
            # No kind here is staff: every page of the admin sends them to its login page
            # (which itself answers, and the logout takes POST only).
            url = admin_address(name, pattern)
            if url is None:
                continue
            response = client.get(url)
            problems += check_response(response, url, kind)
            status = response.status_code
            if name == "admin:login":
                fine = status == 200
            elif name == "admin:logout":
                fine = status in {302, 405}
            else:
                fine = status == 404 or (status == 302 and response["Location"].startswith(
                    (reverse("admin:login"), reverse("login"))))
            if not fine:
                problems.append(f"{url} (admin) as {kind}: {status}")
        else:
            route = ROUTES.get(name)
            if route is None:
                continue  # test_every_url_pattern_has_an_expectation says so
            if route in (POST_ONLY, API_POST_ONLY):
                url = address(world, name, Case(kwargs=dummy_kwargs(pattern)), pattern)
                response = client.get(url)
                problems += check_response(response, url, kind)
                expected = {405} if kind != "anonymous" else (
                    {401} if route == API_POST_ONLY else {302})
                if response.status_code not in expected:
                    problems.append(f"{url} (POST only) as {kind}: {response.status_code}")
            else:
                for case in route:
                    url = address(world, name, case, pattern)
                    problems += request_as(client, world, kind, name, case, url)
        after = fingerprint()
        if after != before:
            problems.append(f"GET {name} as {kind} changed the database")
            before = after
    return problems


def dummy_kwargs(pattern: URLPattern) -> dict[str, str]:
    return {name: ("=x" if converter.regex != "[0-9]+" else "=1")
            for name, converter in pattern.pattern.converters.items()}


def admin_address(name: str, pattern: URLPattern) -> str | None:
    kwargs = {key: ("1" if converter.regex == "[0-9]+" else "x")
              for key, converter in pattern.pattern.converters.items()}
    if "app_label" in kwargs:
        kwargs["app_label"] = "organisation"
    try:
        return reverse(name, kwargs=kwargs) if name != "admin" else None
    except Exception:
        return None


@pytest.mark.parametrize("kind", KINDS)
def test_every_url_as_every_kind_of_person(world, kind):
    problems = walk(world, kind)
    assert not problems, "\n".join(problems)
