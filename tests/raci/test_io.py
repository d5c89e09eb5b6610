"""Export to CSV and XLSX for a Swedish Excel, and import of the same format: a file with any
error writes nothing and its errors are told by row, in Swedish."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from organisation.models import Role
from raci import selectors, services
from raci.models import Activity, Cell, MatrixVersion
from raci.rules import role_sort_key

pytestmark = pytest.mark.django_db

R = Role.Code


def export(client, version, fmt="csv"):
    response = client.get(reverse("raci:export", args=[version.number, fmt]))
    assert response.status_code == 200
    return response


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM a Swedish Excel needs
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8")), delimiter=";"))


def upload(rows: list[list[str]], name="huki.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return SimpleUploadedFile(name, b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"),
                              "text/csv")


@pytest.fixture
def reader(client, outsider, in_force):
    client.force_login(outsider)
    return client


def test_the_csv_export_has_a_column_per_role_and_a_row_per_activity(reader, in_force):
    rows = csv_rows(export(reader, in_force).getvalue())

    roles = sorted(Role.objects.all(), key=role_sort_key)
    assert rows[0] == ["Process", "Kod", "Aktivitet", *(role.name for role in roles)]
    assert rows[0][3:6] == ["Behörig beställare", "Samordnande IT-ansvarig", "IT-samordnare"]
    assert len(rows) == 1 + Activity.objects.count()
    submit = next(row for row in rows if row[1] == "ordering-submit")
    letters = dict(zip(rows[0][3:], submit[3:], strict=True))
    assert submit[:3] == ["Beställning", "ordering-submit", "Skicka in beställningen"]
    assert {role: letter for role, letter in letters.items() if letter} == {
        "Behörig beställare": "U", "Samordnande IT-ansvarig": "H", "IT-samordnare": "I"}


def test_the_xlsx_export_holds_the_same_table(reader, in_force):
    response = export(reader, in_force, "xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == csv_rows(export(reader, in_force).getvalue())


def test_text_that_looks_like_a_formula_is_exported_as_text(reader, in_force):
    activity = Activity.objects.get(code="desk-on-site")
    activity.name = '=HYPERLINK("http://example.com","Klicka")'
    activity.save()

    rows = csv_rows(export(reader, in_force).getvalue())
    sheet = load_workbook(io.BytesIO(export(reader, in_force, "xlsx").getvalue())).active

    row = next(r for r in rows if r[1] == "desk-on-site")
    assert row[2] == "'=HYPERLINK(\"http://example.com\",\"Klicka\")"
    cell = next(r for r in sheet.iter_rows() if r[1].value == "desk-on-site")[2]
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")


def test_an_export_imported_again_is_the_same_matrix(client, deputy, in_force):
    client.force_login(deputy)
    content = export(client, in_force).getvalue()

    response = client.post(reverse("raci:draft_import"), {
        "file": SimpleUploadedFile("huki.csv", content, "text/csv")})

    assert response.status_code == 302
    draft = MatrixVersion.objects.get(status="draft")
    assert selectors.version_letters(draft) == selectors.version_letters(in_force)


def test_an_imported_xlsx_file_replaces_the_drafts_letters(client, deputy, in_force):
    client.force_login(deputy)
    sheet = load_workbook(io.BytesIO(export(client, in_force, "xlsx").getvalue())).active
    header = [cell.value for cell in sheet[1]]
    chief = header.index("IT-chef") + 1
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == "delivery-deliver":
            sheet.cell(row=row[0].row, column=chief, value="i")  # lower case is fine
    buffer = io.BytesIO()
    sheet.parent.save(buffer)

    response = client.post(reverse("raci:draft_import"), {
        "file": SimpleUploadedFile("huki.xlsx", buffer.getvalue())})

    assert response.status_code == 302
    draft = MatrixVersion.objects.get(status="draft")
    key = (Activity.objects.get(code="delivery-deliver").pk,
           Role.objects.get(code=R.IT_CHIEF).pk)
    assert selectors.version_letters(draft)[key] == "I"
    assert draft.history.first().history_change_reason.startswith("Importerat från fil")


def test_a_bad_file_writes_nothing_and_tells_every_error_by_row(client, deputy, in_force):
    client.force_login(deputy)
    draft = services.draft_start(actor=deputy)
    before = (list(Cell.objects.order_by("pk").values_list("pk", "letter")), draft.revision)
    rows = csv_rows(export(client, draft).getvalue())
    header = rows[0]
    by_code = {row[1]: number for number, row in enumerate(rows)}
    chief, orderer = header.index("IT-chef"), header.index("Behörig beställare")
    lead = header.index("Samordnande IT-ansvarig")
    rows[by_code["delivery-deliver"]][chief] = "X"               # not a letter
    rows[by_code["ordering-submit"]][orderer] = "H"              # two H's and no U
    rows[by_code["ordering-need"]][lead] = ""                    # no H
    rows[by_code["desk-on-site"]][1] = "desk-nowhere"            # unknown code
    del rows[by_code["governance-budget"]]                       # missing activity

    response = client.post(reverse("raci:draft_import"), {"file": upload(rows)})

    assert response.status_code == 400
    errors = [(e.row, e.message) for e in response.context["errors"]]
    number = {code: index + 1 for code, index in by_code.items()}
    assert (number["delivery-deliver"],
            "IT-chef: ”X” är ingen HUKI-bokstav. Skriv någon av H, U, K, I eller lämna "
            "cellen tom.") in errors
    assert (number["ordering-submit"],
            "Skicka in beställningen: 2 roller är huvudansvariga (H): Behörig beställare, "
            "Samordnande IT-ansvarig. Exakt en får vara det.") in errors
    assert (number["ordering-submit"],
            "Skicka in beställningen: Ingen roll är utförare (U): markera minst en.") in errors
    assert (number["ordering-need"], "Beskriva behov och funktionella krav: Ingen roll är "
            "huvudansvarig (H): markera exakt en.") in errors
    assert (number["desk-on-site"],
            "Det finns ingen aktivitet med koden ”desk-nowhere”.") in errors
    assert any(row is None and "Ge användarstöd på plats" in message for row, message in errors)
    assert any(row is None and "Ansvara för IT:s budget" in message for row, message in errors)
    content = response.content.decode()
    assert "Filen importerades inte" in content
    draft.refresh_from_db()
    assert (list(Cell.objects.order_by("pk").values_list("pk", "letter")), draft.revision) == before


def test_a_file_whose_columns_are_not_the_roles_writes_nothing(client, deputy, in_force):
    client.force_login(deputy)
    rows = csv_rows(export(client, in_force).getvalue())
    rows[0][rows[0].index("Servicedesk")] = "Vaktmästare"

    response = client.post(reverse("raci:draft_import"), {"file": upload(rows)})

    assert response.status_code == 400
    messages = [e.message for e in response.context["errors"]]
    assert "Kolumnen ”Vaktmästare” är varken en roll eller någon av Process, Kod och " \
           "Aktivitet." in messages
    assert "Kolumnen för rollen ”Servicedesk” saknas." in messages
    assert not MatrixVersion.objects.filter(status="draft").exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("huki.pdf", b"%PDF", "Välj en CSV- eller XLSX-fil"),
    ("huki.xlsx", b"not a workbook", "ingen läsbar XLSX-arbetsbok"),
    # Django's own message (its Swedish, or the REST framework's, which says "var tom").
    ("huki.csv", b"", "Den skickade filen"),
    ("huki.csv", b"\r\n;;\r\n", "Filen är tom."),
    ("huki.csv", b"Namn;Roll\r\nx;y", "Filen har ingen kolumn ”Kod”"),
])
def test_a_file_that_cannot_be_read_is_refused_at_the_field(client, deputy, in_force, name,
                                                           content, message):
    client.force_login(deputy)

    response = client.post(reverse("raci:draft_import"),
                           {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert not MatrixVersion.objects.filter(status="draft").exists()


def test_a_csv_saved_by_an_older_excel_in_windows_1252_is_read(client, deputy, in_force):
    client.force_login(deputy)
    text = export(client, in_force).getvalue()[3:].decode("utf-8")

    response = client.post(reverse("raci:draft_import"), {
        "file": SimpleUploadedFile("huki.csv", text.encode("cp1252"), "text/csv")})

    assert response.status_code == 302


def test_an_empty_workbook_sheet_is_refused(client, deputy, in_force):
    client.force_login(deputy)
    buffer = io.BytesIO()
    Workbook().save(buffer)

    response = client.post(reverse("raci:draft_import"),
                           {"file": SimpleUploadedFile("tom.xlsx", buffer.getvalue())})

    assert response.status_code == 400
