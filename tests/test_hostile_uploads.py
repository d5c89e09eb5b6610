"""Hostile uploads through the pages that take files: an attachment whose content is not
what its name says, a request body larger than the limit, and workbooks for the service
catalogue's and the HUKI matrix's imports that declare XML entities or unpack to gigabytes.
Each is refused with a Swedish message (next to the file field where there is one), and
nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orders.models import Attachment, Order
from organisation.models import Role
from raci.models import MatrixVersion
from servicecatalog.models import Service
from tests import factories
from tests import uploads as files
from tests.orders.test_views import assert_error_by_field
from tests.raci.conftest import ensure_matrix
from tyreso_it.core import uploads

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def order(make_order):
    return make_order(Order.Status.SUBMITTED)


def attach(client, order, name: str, content: bytes, content_type: str = "", **extra):
    upload = SimpleUploadedFile(name, content, content_type=content_type or "application/pdf")
    return client.post(reverse("orders:attachment_add", args=[order.pk]), {"file": upload},
                       **extra)


# --- attachments ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "message"), [
    ("underlag.pdf", files.HTML, "Filen är inte en PDF: innehållet stämmer inte med filnamnet"),
    ("bild.png", files.EXE, "Filen är inte en PNG-bild"),
    ("krav.docx", files.ODT, "Filen är inte ett Word-dokument"),
    ("lista.csv", files.PNG, "Filen är inte en CSV-fil"),
])
def test_an_attachment_whose_content_is_not_its_kind_is_refused_by_the_field(
    client, order, orderer, settings, name, content, message
):
    client.force_login(orderer)
    response = attach(client, order, name, content)
    assert response.status_code == 400
    assert_error_by_field(response, "id_file", message)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("skiss.png", files.PNG, "image/png"),
    ("krav.docx", files.DOCX,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("budget.ods", files.ODS, "application/vnd.oasis.opendocument.spreadsheet"),
])
def test_the_content_type_stored_is_the_one_found_not_the_browsers(
    client, order, orderer, name, content, content_type
):
    client.force_login(orderer)
    response = attach(client, order, name, content, content_type="text/html")
    assert response.status_code == 302
    attachment = Attachment.objects.get(order=order)
    assert attachment.content_type == content_type
    assert attachment.file.read() == content


# --- request bodies -------------------------------------------------------------------------


def test_a_body_claiming_more_than_the_limit_is_refused_before_it_is_read(
    client, order, orderer, settings
):
    client.force_login(orderer)
    # The test client's input holds the few bytes sent: reading the claimed length from it
    # would fail the test, so the 413 proves nothing read the body.
    claimed = settings.REQUEST_BODY_MAX_BYTES + 1
    response = attach(client, order, "underlag.pdf", files.PDF, CONTENT_LENGTH=str(claimed))
    assert response.status_code == 413
    page = response.content.decode()
    assert "Filen är för stor" in page
    assert f"större än {settings.REQUEST_BODY_MAX_BYTES // (1024 * 1024)} MB" in page
    assert not Attachment.objects.exists()


def test_a_body_larger_than_the_limit_is_refused_and_one_within_it_taken(
    client, order, orderer, settings
):
    settings.REQUEST_BODY_MAX_BYTES = 4096
    client.force_login(orderer)
    assert attach(client, order, "stor.pdf", files.PDF + b"x" * 5000).status_code == 413
    assert not Attachment.objects.exists()
    assert attach(client, order, "liten.pdf", files.PDF).status_code == 302
    assert Attachment.objects.get().name == "liten.pdf"


def test_the_limit_takes_the_largest_attachment_with_its_form():
    from django.conf import settings

    assert settings.REQUEST_BODY_MAX_BYTES > settings.ATTACHMENT_MAX_BYTES


# --- the imports ----------------------------------------------------------------------------

HOSTILE_WORKBOOKS = {
    "entities": lambda: files.with_doctype(files.workbook([["Namn"], ["System"]]),
                                           "xl/worksheets/sheet1.xml", files.BILLION_LAUGHS,
                                           reference="&lol9;"),
    "external entity": lambda: files.with_doctype(files.workbook([["Namn"], ["System"]]),
                                                  "xl/workbook.xml",
                                                  files.external_entity("/etc/passwd")),
    "zip bomb": lambda: files.zip_bomb(files.workbook([["Namn"], ["System"]]),
                                       uploads.XLSX_MAX_UNPACKED_BYTES + 1),
}
MESSAGES = {
    "entities": "Arbetsboken innehåller XML-deklarationer som inte är tillåtna (entiteter)",
    "external entity": "Arbetsboken innehåller XML-deklarationer som inte är tillåtna",
    "zip bomb": "Arbetsboken packas upp till mer än 50 MB",
}


@pytest.mark.parametrize("kind", HOSTILE_WORKBOOKS)
def test_the_catalogue_import_refuses_a_hostile_workbook_by_the_field(client, coordinator,
                                                                      kind):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("system.xlsx", HOSTILE_WORKBOOKS[kind]())
    response = client.post(reverse("servicecatalog:import"),
                           {"kind": "services", "file": upload})
    assert response.status_code == 400
    assert_error_by_field(response, "id_file", MESSAGES[kind])
    assert "root:" not in response.content.decode()
    assert not Service.objects.exists()


@pytest.mark.parametrize("kind", HOSTILE_WORKBOOKS)
def test_the_huki_import_refuses_a_hostile_workbook_by_the_field(client, kind):
    ensure_matrix()
    deputy = factories.make_role_user(Role.Code.DEPUTY_IT_CHIEF)
    client.force_login(deputy)
    upload = SimpleUploadedFile("huki.xlsx", HOSTILE_WORKBOOKS[kind]())
    response = client.post(reverse("raci:draft_import"), {"file": upload})
    assert response.status_code == 400
    assert MESSAGES[kind] in " ".join(response.context["form"].errors["file"])
    assert "root:" not in response.content.decode()
    assert not MatrixVersion.objects.filter(status=MatrixVersion.Status.DRAFT).exists()
