"""Import of services and integrations from CSV and XLSX: a preview lists every row with its
errors, nothing is written while any row is invalid, and the confirmed import writes every row
in one transaction.

Counts of services, integrations, categories and history records are taken before and after,
so "nothing written" is checked, not assumed.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from servicecatalog import selectors, services
from servicecatalog.models import Category, Integration, Service
from servicecatalog.views.catalogue import IMPORT_SESSION_KEY

from .catalogue_data import make_service, make_supplier

pytestmark = pytest.mark.django_db

UPLOAD = reverse("servicecatalog:import")
CONFIRM = reverse("servicecatalog:import_confirm")

SERVICE_HEADER = ["Namn", "Typ", "Kategori", "Livscykelstatus", "Ägande förvaltning",
                  "Systemägare", "Leverantör", "Mål för tillgänglighet (%)",
                  "Konfidentialitet", "Innehåller personuppgifter", "Kan beställas"]


def csv_file(rows: list[list[str]], *, delimiter: str = ";", bom: bool = True,
             name: str = "system.csv") -> SimpleUploadedFile:
    text = "\r\n".join(delimiter.join(cells) for cells in rows) + "\r\n"
    raw = text.encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" + raw) if bom else raw, "text/csv")


def xlsx_file(rows: list[list], name: str = "system.xlsx", title: str = "Blad1"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def counts() -> tuple[int, ...]:
    return (Service.objects.count(), Integration.objects.count(), Category.objects.count(),
            Service.history.count(), Integration.history.count())


def upload(client, file, kind: str = "services"):
    return client.post(UPLOAD, {"kind": kind, "file": file})


def confirm(client, response):
    return client.post(CONFIRM, {"token": response.context["token"]})


@pytest.fixture
def people(department, coordinator):
    owner = coordinator.__class__.objects.create_user(
        "sara.system", "sara.system@tyreso.se", "x", first_name="Sara", last_name="Systemsson")
    return {"owner": owner}


def valid_rows(department) -> list[list[str]]:
    return [
        SERVICE_HEADER,
        ["Elevregister", "Verksamhetssystem", "Skola", "I bruk", "BUF", "sara.system", "",
         "99,5", "Hög", "Ja", "Nej"],
        ["Lärplattform", "verksamhetssystem", "Skola", "i bruk", department.name,
         "Sara Systemsson", "", "99.9", "2", "ja", "nej"],
        ["Skrivarservice", "IT-tjänst", "Arbetsplats", "Planerad", "", "", "", "", "", "nej",
         "ja"],
    ]


# --- rights --------------------------------------------------------------------------------


def test_only_the_ordering_function_imports(client, orderer, outsider, department):
    for person in (orderer, outsider):
        client.force_login(person)
        assert client.get(UPLOAD).status_code == 403
        assert upload(client, csv_file(valid_rows(department))).status_code == 403
        assert client.post(CONFIRM, {"token": "x"}).status_code == 403
    assert Service.objects.count() == 0


def said(response) -> list[str]:
    """The messages the response left for the next page."""
    from django.contrib.messages import get_messages

    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_import_page_offers_the_templates(client, coordinator):
    client.force_login(coordinator)
    page = client.get(UPLOAD).content.decode()
    for slug in ("tjanster", "integrationer"):
        for fmt in ("csv", "xlsx"):
            assert reverse("servicecatalog:import_template", args=[slug, fmt]) in page


# --- a valid file ----------------------------------------------------------------------------


def test_a_valid_csv_is_previewed_without_writing_and_imported_on_confirm(
    client, coordinator, department, people
):
    client.force_login(coordinator)
    before = counts()
    response = upload(client, csv_file(valid_rows(department)))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.is_valid, [row.errors for row in result.rows]
    assert [row.number for row in result.rows] == [2, 3, 4]
    assert [row.action for row in result.rows] == ["create"] * 3
    assert result.new_categories == ["Arbetsplats", "Skola"]
    page = response.content.decode()
    assert 'id="row-2"' in page and 'id="row-4"' in page
    assert counts() == before  # the preview writes nothing

    response = confirm(client, response)
    assert response.status_code == 302 and response.url == reverse("servicecatalog:service_list")
    assert said(response) == ["Importen är klar: 3 tillagda och 0 uppdaterade."]
    assert Service.objects.count() == before[0] + 3
    assert Category.objects.count() == before[2] + 2
    register = Service.objects.get(name="Elevregister")
    assert register.department == department and register.system_owner == people["owner"]
    assert register.availability_target == Decimal("99.50")
    assert register.confidentiality == Service.Level.HIGH and register.personal_data
    assert register.category.name == "Skola"
    assert register.history.first().history_user == coordinator
    printer = Service.objects.get(name="Skrivarservice")
    assert printer.kind == Service.Kind.SERVICE and printer.lifecycle == "planned"
    assert printer.orderable and printer.department is None
    assert IMPORT_SESSION_KEY not in client.session


def test_comma_separated_without_bom_and_xlsx_are_read_alike(client, coordinator, department,
                                                             people):
    client.force_login(coordinator)
    rows = [[cell.replace(",", ".") for cell in row] for row in valid_rows(department)]
    response = upload(client, csv_file(rows, delimiter=",", bom=False))
    assert response.context["result"].is_valid
    assert [r.cleaned["name"] for r in response.context["result"].rows] == [
        "Elevregister", "Lärplattform", "Skrivarservice"]
    numeric = [row[:] for row in valid_rows(department)]
    numeric[1][7] = 99.5  # a number cell, as Excel stores it
    response = upload(client, xlsx_file(numeric))
    result = response.context["result"]
    assert result.is_valid, [row.errors for row in result.rows]
    assert result.rows[0].cleaned["availability_target"] == Decimal("99.50")
    confirm(client, response)
    assert Service.objects.filter(name__in=["Elevregister", "Lärplattform"]).count() == 2


def test_a_row_with_an_existing_name_updates_that_service(client, coordinator, department):
    existing = make_service(name="Elevregister", support_hours="Vardagar",
                            lifecycle=Service.Lifecycle.PHASING_OUT)
    client.force_login(coordinator)
    response = upload(client, csv_file([
        ["Namn", "Supporttider", "Livscykelstatus"],
        ["Elevregister", "Dygnet runt", ""],
    ]))
    row = response.context["result"].rows[0]
    assert row.action == "update" and row.existing_id == existing.pk
    before = counts()
    response = confirm(client, response)
    existing.refresh_from_db()
    assert existing.support_hours == "Dygnet runt"
    assert said(response) == ["Importen är klar: 0 tillagda och 1 uppdaterad."]
    assert existing.lifecycle == Service.Lifecycle.PHASING_OUT  # empty: left as it was
    assert Service.objects.count() == before[0]


def test_an_export_imports_again_unchanged(client, coordinator, department, people):
    make_service(name="Elevregister", department=department, system_owner=people["owner"],
                 supplier=make_supplier("Norrsken AB"), description="=SUM(A1)",
                 availability_target=Decimal("99.5"), confidentiality=3, personal_data=True,
                 yearly_cost=Decimal("1000.50"), internal_notes="Internt")
    client.force_login(coordinator)
    for fmt, name in (("csv", "export.csv"), ("xlsx", "export.xlsx")):
        exported = client.get(reverse("servicecatalog:service_export", args=[fmt]))
        response = upload(client, SimpleUploadedFile(name, exported.getvalue()))
        result = response.context["result"]
        assert result.is_valid, (fmt, result.file_errors, [r.errors for r in result.rows])
        assert [r.action for r in result.rows] == ["update"]
        cleaned = result.rows[0].cleaned
        assert cleaned["description"] == "=SUM(A1)"  # the formula guard is taken off again
        assert cleaned["yearly_cost"] == Decimal("1000.50")
        assert cleaned["system_owner"] == people["owner"]


# --- an invalid file ------------------------------------------------------------------------


def test_an_invalid_file_shows_every_error_by_row_and_column_and_writes_nothing(
    client, coordinator, department, people
):
    make_service(name="Finns redan")
    client.force_login(coordinator)
    rows = valid_rows(department)
    rows += [
        ["", "Verksamhetssystem", "", "", "", "", "", "", "", "", ""],
        ["Trasigt", "Rymdskepp", "", "I bruk", "XYZ", "okänd.person", "Okänd AB", "101",
         "Jättehög", "kanske", "Ja"],
        ["Elevregister", "", "", "Avvecklad", "", "", "", "", "", "", "ja"],
    ]
    before = counts()
    response = upload(client, csv_file(rows))
    assert response.status_code == 400
    result = response.context["result"]
    assert not result.is_valid
    errors = {(row.number, error.column) for row in result.rows for error in row.errors}
    assert errors == {
        (5, "Namn"),
        (6, "Typ"), (6, "Ägande förvaltning"), (6, "Systemägare"), (6, "Leverantör"),
        (6, "Mål för tillgänglighet (%)"), (6, "Konfidentialitet"),
        (6, "Innehåller personuppgifter"),
        (7, "Namn"),  # the same name as row 2
        (7, "Kan beställas"),  # a retired service cannot be ordered
    }
    messages = {(row.number, e.column): e.message for row in result.rows for e in row.errors}
    assert messages[(5, "Namn")] == "Det här fältet måste fyllas i."
    assert "rad 2" in messages[(7, "Namn")]
    page = response.content.decode()
    assert 'id="import-errors"' in page and 'name="token"' not in page
    assert 'id="row-6"' in page and "Ägande förvaltning:" in page
    assert counts() == before
    # Confirming the invalid preview anyway writes nothing either.
    client.post(CONFIRM, {"token": client.session[IMPORT_SESSION_KEY]["token"]})
    assert counts() == before


def test_header_errors_are_told(client, coordinator):
    client.force_login(coordinator)
    response = upload(client, csv_file([["Beskrivning", "Färg", "Beskrivning"],
                                        ["Något", "Blå", "Igen"]]))
    result = response.context["result"]
    assert {(e.column, e.message) for e in result.file_errors} == {
        ("Färg", "Okänd kolumn. Ta bort den eller ge den samma namn som i mallen."),
        ("Beskrivning", "Kolumnen finns två gånger."),
        ("Namn", "Kolumnen saknas. Den måste finnas med."),
    }
    assert response.status_code == 400 and counts()[0] == 0


@pytest.mark.parametrize(("name", "raw"), [
    ("system.csv", "Namn\nÅsa".encode("cp1252")),
    ("system.xlsx", b"not a zip file"),
    ("system.csv", b""),
    ("system.csv", b"Namn;Beskrivning\r\n"),
])
def test_an_unreadable_file_is_refused_by_the_file_field(client, coordinator, name, raw):
    client.force_login(coordinator)
    response = upload(client, SimpleUploadedFile(name, raw))
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()
    assert IMPORT_SESSION_KEY not in client.session


def test_other_file_types_are_refused(client, coordinator):
    client.force_login(coordinator)
    response = upload(client, SimpleUploadedFile("system.txt", b"Namn\nA"))
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()


# --- between preview and confirm ------------------------------------------------------------


def test_a_changed_or_replaced_preview_is_not_confirmed(client, coordinator, department,
                                                       people):
    client.force_login(coordinator)
    first = upload(client, csv_file(valid_rows(department)))
    upload(client, csv_file([["Namn"], ["Något annat"]]))  # a second preview replaces it
    response = client.post(CONFIRM, {"token": first.context["token"]})
    assert response.status_code == 302 and response.url == UPLOAD
    assert Service.objects.count() == 0
    # Tampering with the rows kept in the session is caught by the token.
    session = client.session
    session[IMPORT_SESSION_KEY]["rows"][0][1]["name"] = "Smuggel"
    session.save()
    client.post(CONFIRM, {"token": session[IMPORT_SESSION_KEY]["token"]})
    assert Service.objects.count() == 0


def test_a_service_edited_after_the_preview_is_not_overwritten(client, coordinator,
                                                               change_manager):
    existing = make_service(name="Elevregister")
    client.force_login(coordinator)
    response = upload(client, csv_file([["Namn", "Supporttider"],
                                        ["Elevregister", "Från filen"],
                                        ["Nytt system", ""]]))
    services.service_update(actor=change_manager, service_id=existing.pk,
                            data={"support_hours": "Ändrad under tiden"},
                            expected_version=selectors.service_version(existing.pk))
    before = counts()
    response = confirm(client, response)
    assert response.status_code == 409
    assert counts() == before
    existing.refresh_from_db()
    assert existing.support_hours == "Ändrad under tiden"


def test_a_refusal_while_writing_rolls_back_every_row(client, coordinator, monkeypatch):
    client.force_login(coordinator)
    response = upload(client, csv_file([["Namn"], ["Första"], ["Andra"], ["Tredje"]]))
    real = services.service_create

    def refuse_the_third(*, actor, data, **kwargs):
        if data["name"] == "Tredje":
            raise services.CatalogueError("Nej.", "name")
        return real(actor=actor, data=data, **kwargs)

    monkeypatch.setattr(services, "service_create", refuse_the_third)
    before = counts()
    response = confirm(client, response)
    assert response.status_code == 409
    assert counts() == before
    assert response.context["result"].rows[2].errors[0].message == "Nej."


# --- integrations ------------------------------------------------------------------------


INTEGRATION_HEADER = ["Källsystem", "Målsystem", "Riktning", "Data",
                      "Överföringsteknik eller metod", "Frekvens", "Ägare"]


def test_integrations_import_and_refer_to_systems_by_name(client, coordinator, people):
    a, b = make_service(name="Elevregister"), make_service(name="Lärplattform")
    client.force_login(coordinator)
    response = upload(client, xlsx_file([
        INTEGRATION_HEADER,
        ["Elevregister", "Lärplattform", "Från källsystem till målsystem", "Elever", "REST",
         "Varje natt", "sara.system@tyreso.se"],
        ["Lärplattform", "Elevregister", "↔", "Betyg", "", "", ""],
    ], title="Integrationer"), kind="integrations")
    result = response.context["result"]
    assert result.is_valid, [r.errors for r in result.rows]
    response = confirm(client, response)
    assert response.url == reverse("servicecatalog:systemmap")
    first = Integration.objects.get(data="Elever")
    assert (first.source, first.target, first.owner) == (a, b, people["owner"])
    assert Integration.objects.get(data="Betyg").direction == Integration.Direction.BOTH


def test_invalid_integrations_write_nothing(client, coordinator):
    make_service(name="Elevregister")
    client.force_login(coordinator)
    before = counts()
    response = upload(client, csv_file([
        INTEGRATION_HEADER,
        ["Elevregister", "Finns inte", "", "Elever", "", "", ""],
        ["Elevregister", "Elevregister", "åt alla håll", "", "", "", ""],
    ]), kind="integrations")
    assert response.status_code == 400
    errors = {(row.number, e.column) for row in response.context["result"].rows
              for e in row.errors}
    assert errors == {(2, "Målsystem"), (3, "Målsystem"), (3, "Riktning"), (3, "Data")}
    assert counts() == before


# --- the template ------------------------------------------------------------------------


def test_the_templates_have_the_import_columns(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("servicecatalog:import_template", args=["tjanster", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["Namn", "Typ", "Kategori", "Livscykelstatus", "Ägande förvaltning"]
    assert "Årlig kostnad (kr)" in header
    response = client.get(reverse("servicecatalog:import_template",
                                  args=["integrationer", "csv"]))
    first_line = response.getvalue().decode("utf-8-sig").splitlines()[0]
    assert first_line.split(";") == INTEGRATION_HEADER
    assert client.get(reverse("servicecatalog:import_template",
                              args=["annat", "csv"])).status_code == 404


def test_the_service_template_imports_as_it_is(client, coordinator, department):
    department.short_name = "BUF"
    department.save()
    client.force_login(coordinator)
    template = client.get(reverse("servicecatalog:import_template", args=["tjanster", "csv"]))
    response = upload(client, SimpleUploadedFile("mall.csv", template.getvalue()))
    result = response.context["result"]
    assert result.is_valid, [r.errors for r in result.rows]
