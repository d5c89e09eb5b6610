"""Names and titles that look like markup, formulas or foreign letters, through every PDF, CSV
and XLSX the product offers.

One world where the departments, people, providers, orders, meetings, projects, milestones,
services, integrations, suppliers, contracts, licences and the HUKI matrix's roles and
activities are named with `Avtal A<B`, `R&D`, `<img src="/etc/passwd"/>`, `<font ...>`,
`<a href=...>`, Polish and Swedish letters, an emoji, and a 400-character word. Every export
must answer 200 and give the text back as written: a CSV or XLSX cell equals the stored
value (text that starts like a formula keeps its apostrophe); a PDF's text, read back as a
reader would, holds it, embeds the TrueType font and holds no image (a name never becomes an
image from the server).

`test_every_export_of_the_product_is_covered` finds the exports among the URLs (a route or
name of a PDF, CSV, XLSX or export, or a view calling the export helpers), so a new export
fails this module until it is added to `EXPORTS`.
"""

from __future__ import annotations

import csv
import inspect
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from board import services as board_services
from board.models import AgendaItem, Meeting
from orders.models import Order
from organisation.models import Role
from portfolio import services as portfolio_services
from raci.models import Activity, MatrixVersion
from servicecatalog.models import (
    Category,
    Contract,
    Integration,
    Licence,
    ManagementPlan,
    Service,
    Supplier,
)
from tests import factories, pdftext
from tests.raci.conftest import ensure_matrix

pytestmark = pytest.mark.django_db

HOSTILE = (
    "Avtal A<B", "R&D", '<img src="/etc/passwd"/>', "<font color=red>x</font>",
    '<a href="http://evil">', "Łukasz Żółć", "Zoë", "😀",
)
EVIL = " ".join(HOSTILE)
LONG_WORD = ("Långtordsavtalsförvaltningsbeställning" * 11)[:400]
LONG_TEXT = f"{EVIL} {LONG_WORD} slut."
FORMULA = "=HYPERLINK(\"http://evil\",\"Klicka\") " + EVIL


def evil(what: str) -> str:
    return f"{EVIL} {what}"


@dataclass(frozen=True)
class Within:
    """A value that an export shows inside a longer cell (or line), not as a cell of its
    own: a contract's services joined, a milestone after its project."""

    text: str


@dataclass(frozen=True)
class Formula:
    """Text starting like a formula: a spreadsheet cell holds it behind an apostrophe."""

    text: str


class World:
    """Everything hostile, made through the services where they check what they write."""

    def __init__(self):
        factories.ensure_roles()
        ensure_matrix()
        factories.ensure_priority_model()
        today = timezone.localdate()
        self.today = today
        self.department = factories.DepartmentFactory(name=evil("förvaltning"),
                                                      short_name="A<B&Ł😀")
        self.orderer = factories.make_orderer(
            self.department, username="hostile-orderer", first_name="<font color=red>x</font>",
            last_name="😀 R&D")
        self.coordinator = factories.make_coordinator(
            username="hostile-coordinator", first_name='R&D <img src="/etc/passwd"/>',
            last_name="Avtal A<B")
        self.chair = factories.make_change_manager(
            username="hostile-chair", first_name='Łukasz Żółć <a href="http://evil">',
            last_name="Zoë <font color=red>x</font> 😀")
        self.it_chief = factories.make_it_chief(
            username="hostile-chief", first_name="Zoë", last_name="Łukasz Żółć")
        self.provider = factories.ProviderFactory(name=evil("utförare"))
        self.provider_user = factories.make_provider_user(
            self.provider, username="hostile-provider", first_name="Avtal A<B",
            last_name="R&D")
        # The HUKI matrix: the change manager's role and an activity of the version in force.
        Role.objects.filter(code=Role.Code.CHANGE_MANAGER).update(name=evil("roll"))
        self.role = Role.objects.get(code=Role.Code.CHANGE_MANAGER)
        self.version = MatrixVersion.objects.get(status=MatrixVersion.Status.PUBLISHED)
        self.activity = Activity.objects.filter(cells__version=self.version).first()
        Activity.objects.filter(pk=self.activity.pk).update(name=evil("aktivitet"))
        self.activity.refresh_from_db()

        self._catalogue()
        self._orders()
        self._meetings()
        self._portfolio()
        self._costs()

    def _catalogue(self) -> None:
        self.supplier = Supplier.objects.create(name=evil("leverantör"),
                                                contact_name="Zoë <font color=red>x</font>")
        self.category = Category.objects.create(name=evil("kat."))
        self.service = Service.objects.create(
            name=evil("system"), description=LONG_TEXT, category=self.category,
            department=self.department, supplier=self.supplier,
            system_owner=self.coordinator, system_manager=self.chair,
            lifecycle=Service.Lifecycle.IN_USE, yearly_cost=Decimal("1000.00"),
            internal_notes=LONG_TEXT,
        )
        self.neighbour = Service.objects.create(
            name=evil("grannsystem"), department=self.department,
            lifecycle=Service.Lifecycle.IN_USE, system_owner=self.orderer)
        self.integration = Integration.objects.create(
            source=self.service, target=self.neighbour, data=evil("uppgifter"),
            method="R&D <b>", frequency="Zoë 😀", owner=self.chair)
        self.contract = Contract.objects.create(
            supplier=self.supplier, title=evil("avtal"), reference="A<B",
            starts_on=self.today - timedelta(days=400), ends_on=self.today + timedelta(days=95),
            notice_months=1, renewal_terms=LONG_TEXT, value=Decimal("500000.00"),
            delivery_manager=self.coordinator)
        self.contract.services.set([self.service])
        self.licence = Licence.objects.create(
            product=evil("licens"), supplier=self.supplier, contract=self.contract,
            service=self.service, count=10, used=12, renews_on=self.today + timedelta(days=30))
        self.plan = ManagementPlan.objects.create(service=self.service, year=self.today.year,
                                                  recovery_time_hours=4)

    def _order(self, state: str, **fields) -> Order:
        return factories.make_order(
            state, department=self.department, orderer=self.orderer, handler=self.coordinator,
            change_manager=self.chair, provider=self.provider, provider_user=self.provider_user,
            **fields)

    def _orders(self) -> None:
        self.order = self._order("in_preparation", title=evil("beställning"), need=LONG_TEXT,
                                 service=self.service)
        self.formula_order = self._order("submitted", title=FORMULA)
        from orders import services as order_services

        self.secret = order_services.order_mark_secret(
            order_id=self.order.pk, actor=self.coordinator, provision=evil("OSL 18 kap. 8 §"),
            reason=LONG_TEXT)
        self.planned = self._order("planned", title=evil("planerad"), need=LONG_TEXT,
                                   kind=Order.Kind.CHANGE, estimated_cost=Decimal("9000000"))

    def _meetings(self) -> None:
        # The adjusted minutes: an order decided with a hostile reason, and a correction.
        decided = self._order("ready_for_decision", title=evil("beslutad"), need=LONG_TEXT)
        starts = timezone.now() + timedelta(days=20)
        self.minutes = board_services.meeting_create(actor=self.chair, starts_at=starts,
                                                     place=evil("rum"))
        assert board_services.agenda_freeze_and_send(meeting_id=self.minutes.pk,
                                                     actor=self.chair)
        # The minutes open when the meeting starts: this one has just begun.
        began = timezone.now() - timedelta(minutes=5)
        Meeting.objects.filter(pk=self.minutes.pk).update(
            starts_at=began, ends_at=began + timedelta(minutes=90))
        board_services.meeting_record_attendance(
            meeting_id=self.minutes.pk, actor=self.chair,
            present={member.pk: True for member in self.minutes.members.all()})
        board_services.meeting_set_adjuster(meeting_id=self.minutes.pk, actor=self.chair,
                                            adjuster=self.it_chief)
        for item in self.minutes.items.order_by("position"):
            if item.kind == AgendaItem.Kind.ORDER:
                board_services.item_record_decision(item_id=item.pk, actor=self.chair,
                                                    outcome="approve", reason=LONG_TEXT,
                                                    note=evil("notering"))
            else:
                board_services.item_record_decision(item_id=item.pk, actor=self.chair,
                                                    outcome="noted")
        board_services.minutes_sign(meeting_id=self.minutes.pk, actor=self.chair)
        board_services.minutes_sign(meeting_id=self.minutes.pk, actor=self.it_chief)
        board_services.minutes_correct(meeting_id=self.minutes.pk, actor=self.chair,
                                       text=LONG_TEXT, paragraph=1)
        self.minutes = Meeting.objects.get(pk=self.minutes.pk)
        assert self.minutes.is_adjusted
        self.decided = Order.objects.get(pk=decided.pk)
        # The meeting pack: the next meeting, with an order's brief and a hostile note.
        self.waiting = self._order("in_preparation", title=evil("väntar"), need=LONG_TEXT)
        from orders import services as order_services

        order_services.order_update_preparation(
            order_id=self.waiting.pk, actor=self.coordinator,
            data={**factories.COMPLETE_BRIEF, "recommendation": LONG_TEXT,
                  "priority_values": dict(factories.PRIORITY_VALUES)},
            expected_version=self.waiting.version)
        order_services.order_mark_ready(order_id=self.waiting.pk, actor=self.coordinator)
        self.pack = board_services.meeting_create(actor=self.chair,
                                                  starts_at=starts + timedelta(days=14),
                                                  place=evil("sal"))
        assert board_services.agenda_freeze_and_send(meeting_id=self.pack.pk, actor=self.chair)
        AgendaItem.objects.filter(meeting=self.pack).update(note=LONG_TEXT)

    def _portfolio(self) -> None:
        year = self.today.year
        self.project = portfolio_services.project_create(actor=self.chair, data={
            "name": evil("projekt"), "sponsor_department": self.department,
            "manager": self.coordinator, "phase": "execution", "status": "active",
            "budget": Decimal("500000"), "planned_start": self.today.replace(day=1),
            "planned_end": self.today.replace(month=12, day=31)})
        self.formula_project = portfolio_services.project_create(actor=self.chair, data={
            "name": FORMULA, "sponsor_department": self.department,
            "manager": self.orderer, "phase": "execution", "status": "active",
            "budget": Decimal("100"), "planned_start": self.today.replace(month=1, day=1),
            "planned_end": self.today.replace(month=12, day=31)})
        self.milestone = portfolio_services.milestone_add(
            project_id=self.project.pk, actor=self.chair, name=evil("milstolpe"),
            due_date=self.today.replace(month=12, day=1))
        portfolio_services.status_report_save(  # by the project manager
            project_id=self.project.pk, actor=self.coordinator,
            period=portfolio_services.month_start(self.today),
            data={"schedule": "amber", "schedule_comment": LONG_TEXT, "cost": "red",
                  "cost_comment": evil("kostnad"), "scope": "green",
                  "summary": LONG_TEXT, "next_steps": evil("nästa"), "risks": evil("risk"),
                  "actual_cost": Decimal("1234.50")})
        portfolio_services.portfolio_add_order(actor=self.chair, order=self.planned,
                                               reason=LONG_TEXT)
        assert year == self.today.year

    def _costs(self) -> None:
        """This year's sharing of IT's costs, with a cost pool of a hostile name, shared by
        the number of users between the hostile department and another."""
        from costs import services as cost_services

        other = factories.DepartmentFactory(name="Socialförvaltningen", short_name="SOC")
        key_set = cost_services.key_set_create(actor=self.it_chief, year=self.today.year)
        key_set = cost_services.key_set_update(
            key_set_id=key_set.pk, actor=self.it_chief, revision=key_set.revision,
            data={"contracts_basis": "users", "licences_basis": "users",
                  "projects_basis": "users", "note": LONG_TEXT},
            entries={self.department.pk: (30, Decimal("60")), other.pk: (20, Decimal("40"))})
        self.pool = cost_services.cost_pool_create(
            key_set_id=key_set.pk, actor=self.it_chief, revision=key_set.revision,
            data={"name": evil("kostnadspost"), "amount": Decimal("1000.00"),
                  "basis": "users"})

    def person(self, user) -> str:
        return str(user)


@pytest.fixture(scope="module")
def world(module_transaction) -> World:
    return World()


# --- the exports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """One export of the product: its URL name, its addresses in every format, and the
    stored values it must give back as written."""

    name: str
    urls: Callable[[World], list[str]]
    shows: Callable[[World], list]
    count: int = 2  # how many addresses `urls` gives


def _both(name: str, *args, query: str = "") -> Callable[[World], list[str]]:
    def urls(w: World) -> list[str]:
        resolved = [a(w) if callable(a) else a for a in args]
        return [reverse(name, args=[*resolved, fmt]) + query for fmt in ("csv", "xlsx")]

    return urls


def _exported(name: str, query: str = "") -> Callable[[World], list[str]]:
    """A list page whose export is the page's address with ?export=csv or xlsx."""
    def urls(w: World) -> list[str]:
        separator = "&" if query else ""
        return [f"{reverse(name)}?{query}{separator}export={fmt}" for fmt in ("csv", "xlsx")]

    return urls


def _this_year(w: World) -> str:
    return f"year={w.today.year}"


EXPORTS: list[Export] = [
    Export("orders:export", _both("orders:export"), lambda w: [
        w.order.title, w.planned.title, w.department.name, w.person(w.orderer),
        w.person(w.coordinator), w.provider.name, w.service.name,
        Formula(w.formula_order.title)]),
    # The meeting pack: the agenda with each order's brief.
    Export("board:pdf", lambda w: [reverse("board:pdf", args=[w.pack.pk])], lambda w: [
        w.pack.place, w.waiting.title, w.department.name, w.person(w.orderer),
        w.person(w.coordinator), w.person(w.chair), w.person(w.it_chief), w.role.name,
        LONG_TEXT], count=1),
    # The adjusted minutes: decisions, signatures and a correction.
    Export("board:pdf", lambda w: [reverse("board:pdf", args=[w.minutes.pk])], lambda w: [
        w.minutes.place, w.decided.title, w.person(w.chair), w.person(w.it_chief),
        w.role.name, LONG_TEXT, evil("notering")], count=1),
    Export("portfolio:management_report",
           lambda w: [reverse("portfolio:management_report")], lambda w: [
        w.project.name, f"{w.planned.reference} {w.planned.title}", w.department.short_name,
        w.department.name, w.person(w.coordinator), LONG_TEXT, evil("kostnad"),
        evil("nästa"), evil("risk"), FORMULA], count=1),
    Export("portfolio:projects", _exported("portfolio:projects"), lambda w: [
        w.project.name, w.department.name, w.person(w.coordinator), Formula(FORMULA)]),
    Export("portfolio:ranking", _exported("portfolio:ranking"), lambda w: [
        w.project.name, w.planned.title, w.department.name, Formula(FORMULA)]),
    Export("portfolio:rank_history", _exported("portfolio:rank_history"), lambda w: [
        w.project.name, Within(w.planned.title), w.person(w.chair), LONG_TEXT]),
    Export("portfolio:timeline", lambda w: _exported("portfolio:timeline", _this_year(w))(w),
           lambda w: [w.project.name, w.planned.title, w.department.name,
                      Within(w.milestone.name), Formula(FORMULA)]),
    Export("portfolio:dashboard_export",
           lambda w: [url for table in ("status", "leadtimes", "backlog", "bit", "projects",
                                        "keyfigures", "trends")
                      for url in _both("portfolio:dashboard_export", table)(w)],
           lambda w: [w.department.name, w.waiting.title, w.project.name, Formula(FORMULA)],
           count=14),
    Export("servicecatalog:service_export", _both("servicecatalog:service_export"),
           lambda w: [w.service.name, w.neighbour.name, w.category.name, w.department.name,
                      w.person(w.coordinator), w.person(w.chair), w.supplier.name, LONG_TEXT]),
    Export("servicecatalog:systemmap_export", _both("servicecatalog:systemmap_export"),
           lambda w: [w.service.name, w.neighbour.name, w.integration.data, "R&D <b>",
                      "Zoë 😀", w.person(w.chair)]),
    Export("servicecatalog:import_template",
           lambda w: [url for slug in ("tjanster", "integrationer")
                      for url in _both("servicecatalog:import_template", slug)(w)],
           lambda w: [], count=4),  # the columns and an example row: nothing of the world
    Export("servicecatalog:supplier_list", _exported("servicecatalog:supplier_list"),
           lambda w: [w.supplier.name, "Zoë <font color=red>x</font>"]),
    Export("servicecatalog:contract_list", _exported("servicecatalog:contract_list"),
           lambda w: [w.contract.title, "A<B", w.supplier.name, LONG_TEXT,
                      Within(w.service.name), w.person(w.coordinator)]),
    Export("servicecatalog:licence_list", _exported("servicecatalog:licence_list"),
           lambda w: [w.licence.product, w.supplier.name, w.contract.title, w.service.name]),
    Export("servicecatalog:due_list", _exported("servicecatalog:due_list"),
           lambda w: [w.contract.title, w.licence.product, w.supplier.name, LONG_TEXT]),
    Export("servicecatalog:plan_list", _exported("servicecatalog:plan_list"),
           lambda w: [w.service.name, w.person(w.coordinator), w.person(w.chair)]),
    Export("servicecatalog:plans_missing",
           lambda w: _exported("servicecatalog:plans_missing", _this_year(w))(w),
           lambda w: [w.service.name, w.neighbour.name, w.department.name,
                      w.person(w.coordinator), w.person(w.orderer)]),
    Export("raci:export", lambda w: _both("raci:export", w.version.number)(w),
           lambda w: [w.role.name, w.activity.name]),
    # A service's key figures: its name and the year's figures, the same in every format.
    Export("servicecatalog:service_report_export",
           lambda w: [reverse("servicecatalog:service_report_export",
                              args=[w.service.pk, w.today.year, fmt])
                      for fmt in ("csv", "xlsx", "pdf")],
           lambda w: [], count=3),
    # The register (diarium): the orders' titles, departments and secrecy markings.
    Export("registry:export",
           lambda w: [reverse("registry:export", args=[w.today.year, fmt])
                      for fmt in ("csv", "xlsx", "pdf")],
           lambda w: [w.order.title, w.planned.title, w.department.name,
                      w.secret.secrecy_provision, Formula(w.formula_order.title)], count=3),
    # IT's costs: the departments and the cost pool by their names.
    Export("costs:year_export",
           lambda w: [reverse("costs:year_export", args=[w.today.year, fmt])
                      for fmt in ("csv", "xlsx", "pdf")],
           lambda w: [w.department.name, w.pool.name], count=3),
    Export("costs:items_export", _both("costs:items_export", lambda w: w.today.year),
           lambda w: [w.pool.name]),
    # The list of every cost is the same view as its export (above): its page is no file.
    Export("costs:items", lambda w: [], lambda w: [], count=0),
    Export("costs:department_export",
           lambda w: [reverse("costs:department_export",
                              args=[w.today.year, w.department.pk, fmt])
                      for fmt in ("csv", "xlsx", "pdf")],
           lambda w: [w.pool.name], count=3),
    # A person's subject-access export: their name, and their orders' titles in the rows
    # that name the orders.
    Export("records:person_export",
           lambda w: [reverse("records:person_export", args=[w.orderer.pk])],
           lambda w: [str(w.orderer), Within(w.order.title), Within(w.department.name)],
           count=1),
]


def _cases() -> list:
    """Each address of each export, by its place in `EXPORTS` (the addresses need the world,
    so they are counted here and built in the test)."""
    return [pytest.param(position, index, id=f"{export.name}-{position}-{index}")
            for position, export in enumerate(EXPORTS) for index in range(export.count)]


# --- reading what came out ------------------------------------------------------------------


def _cells(content: bytes, fmt: str) -> list[str]:
    if fmt == "csv":
        assert content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        return [cell for row in rows for cell in row]
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row
            if isinstance(cell, str)]


def _pdf_text(content: bytes) -> str:
    """The documents' text without each page's footer and number (drawn first on every
    page), so a paragraph that runs over a page is read whole."""
    return pdftext.compact("".join(run for page in pdftext.pages(content) for run in page[2:]))


def _format(url: str) -> str:
    match = re.search(r"(?:\.|export=)(csv|xlsx|pdf)\b", url)
    assert match, url
    return match.group(1)


@pytest.mark.parametrize(("position", "index"), _cases())
def test_every_export_gives_hostile_names_back_as_written(client, world, position, index):
    export = EXPORTS[position]
    name = export.name
    urls = export.urls(world)
    assert len(urls) == export.count
    url = urls[index]
    client.force_login(world.it_chief)
    response = client.get(url)
    assert response.status_code == 200, url
    content = response.getvalue()
    fmt = _format(url)
    expected = export.shows(world)
    if name == "portfolio:dashboard_export":
        # Each table shows its own part of the world.
        table = url.split("/export/")[1].split(".")[0]
        expected = {"status": [world.department.name], "bit": [world.waiting.title],
                    "projects": [world.project.name, Formula(FORMULA)]}.get(table, [])
    if fmt == "pdf":
        assert response["Content-Type"] == "application/pdf"
        parsed = pdftext.parse(content)
        assert parsed.embeds_truetype, "the PDF does not embed its TrueType font"
        assert parsed.images == [], "a name became an image"
        text = _pdf_text(content)
        for value in expected:
            shown = value.text if isinstance(value, Within | Formula) else value
            assert pdftext.compact(shown) in text, f"{url}: {shown[:60]!r}"
        return
    cells = _cells(content, fmt)
    assert cells, url
    for value in expected:
        if isinstance(value, Within):
            assert any(value.text in cell for cell in cells), f"{url}: {value.text[:60]!r}"
        elif isinstance(value, Formula):
            assert "'" + value.text in cells, f"{url}: {value.text[:60]!r}"
            assert value.text not in cells
        else:
            assert value in cells, f"{url}: {value[:60]!r}"
    # Only numbers may start like a formula (a negative count of licences left).
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))
                and not re.fullmatch(r"-\d+(,\d+)?", cell)]


def test_the_world_is_as_hostile_as_intended(world):
    """The names the exports are checked with hold every hostile string, and the long texts
    the 400-character word."""
    for value in (world.department.name, world.order.title, world.project.name,
                  world.minutes.place, world.service.name, world.role.name,
                  world.activity.name, world.supplier.name, world.provider.name):
        assert all(part in value for part in HOSTILE), value
    people = " ".join(str(p) for p in (world.orderer, world.coordinator, world.chair,
                                       world.it_chief))
    assert all(part in people for part in HOSTILE)
    assert len(LONG_WORD) == 400 and " " not in LONG_WORD
    assert LONG_WORD in world.order.need


# --- finding the exports --------------------------------------------------------------------

EXPORT_ROUTE = re.compile(r"(pdf|csv|xlsx|export)", re.IGNORECASE)
#: What a view that gives a file calls: a list page with ?export=, a PDF.
EXPORT_CALLS = {"export_response", "export_format", "_export_format", "meeting_pdf",
                "management_report_pdf"}


def _url_patterns(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def export_url_names() -> set[str]:
    """The named URLs that give a PDF, CSV or XLSX: by their route or name, or by a view
    that calls the export helpers (the admin's aside)."""
    found = set()
    for name, pattern in _url_patterns(get_resolver()):
        if name.startswith("admin:"):
            continue
        view = inspect.unwrap(pattern.callback)
        calls = set(getattr(getattr(view, "__code__", None), "co_names", ()))
        if EXPORT_ROUTE.search(str(pattern.pattern)) or EXPORT_ROUTE.search(
                name.split(":")[-1]) or calls & EXPORT_CALLS:
            found.add(name)
    return found


def test_every_export_of_the_product_is_covered():
    found = export_url_names()
    covered = {export.name for export in EXPORTS}
    assert found - covered == set(), f"exports without hostile names: {found - covered}"
    assert covered - found == set(), f"not found as exports: {covered - found}"
    # The discovery finds both kinds: file routes and list pages with ?export=.
    assert {"orders:export", "board:pdf", "servicecatalog:contract_list"} <= found
