"""The cost pages for everyone who may ask for them: anonymous (to the login page), people
without the right (404, as a page that does not exist), the IT chief and deputy (everything),
and a department's IT lead (their own department's published report; another department's,
or a draft, is a 404). Exports and PDFs say what the pages say and no more; bad input gets a
Swedish message next to its field."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from costs.models import CostPool, KeySet
from tests.servicecatalog.test_key_figures import pdf_text

from .conftest import YEAR

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


def keeper_pages(key_set: KeySet, department) -> list[str]:
    year = key_set.year
    pages = [
        reverse("costs:year", args=[year]),
        reverse("costs:items", args=[year]),
        reverse("costs:items_export", args=[year, "csv"]),
        *[reverse("costs:year_export", args=[year, fmt]) for fmt in ("csv", "xlsx", "pdf")],
    ]
    if key_set.is_draft:
        pages += [reverse("costs:keys", args=[year]), reverse("costs:pool_create", args=[year]),
                  reverse("costs:pool_edit", args=[year, key_set.pools.get().pk])]
    return pages


def department_pages(key_set: KeySet, department) -> list[str]:
    return [reverse("costs:department", args=[key_set.year, department.pk]),
            *[reverse("costs:department_export", args=[key_set.year, department.pk, fmt])
              for fmt in ("csv", "xlsx", "pdf")]]


def posts(key_set: KeySet) -> list[tuple[str, dict]]:
    year = key_set.year
    pool = key_set.pools.get()
    return [
        (reverse("costs:year_create"), {"year": year + 1}),
        (reverse("costs:keys", args=[year]), {"revision": key_set.revision}),
        (reverse("costs:pool_create", args=[year]),
         {"revision": key_set.revision, "name": "Drift", "amount": "1", "basis": "users"}),
        (reverse("costs:pool_edit", args=[year, pool.pk]),
         {"revision": key_set.revision, "name": "Drift", "amount": "1", "basis": "users"}),
        (reverse("costs:pool_delete", args=[year, pool.pk]), {"revision": key_set.revision}),
        (reverse("costs:publish", args=[year]), {"revision": key_set.revision}),
    ]


# --- who may open what -----------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in_everywhere(client, draft, department):
    for url in [reverse("costs:overview"), *keeper_pages(draft, department),
                *department_pages(draft, department)]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url
    for url, data in posts(draft):
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url
    draft.refresh_from_db()
    assert draft.is_draft and draft.pools.exists()


@pytest.mark.parametrize("who", ["outsider", "orderer", "coordinator", "change_manager"])
def test_people_without_the_right_find_no_such_page(client, request, draft, published_2024,
                                                    department, who):
    client.force_login(request.getfixturevalue(who))
    pages = [reverse("costs:overview"), *keeper_pages(draft, department),
             *department_pages(draft, department), *department_pages(published_2024,
                                                                      department)]
    for url in pages:
        assert client.get(url).status_code == 404, url
    for url, data in posts(draft):
        assert client.post(url, data).status_code == 404, url
    draft.refresh_from_db()
    assert draft.is_draft and draft.pools.count() == 1
    assert KeySet.objects.count() == 2


@pytest.mark.parametrize("who", ["it_chief", "deputy"])
def test_the_it_chief_and_deputy_open_every_page(client, request, draft, published_2024,
                                                 department, other_department, who):
    client.force_login(request.getfixturevalue(who))
    pages = [reverse("costs:overview"), *keeper_pages(draft, department),
             *keeper_pages(published_2024, department)]
    for other in (department, other_department):
        pages += department_pages(draft, other) + department_pages(published_2024, other)
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_an_it_lead_sees_their_departments_published_report_only(
        client, it_lead, draft, published_2024, department, other_department):
    client.force_login(it_lead)
    overview = client.get(reverse("costs:overview"))
    assert overview.status_code == 200
    own = reverse("costs:department", args=[2024, department.pk])
    assert own in overview.getvalue().decode()
    for url in department_pages(published_2024, department):
        assert client.get(url).status_code == 200, url
    # Another department's report, any draft and the whole municipality's pages: 404.
    refused = [*department_pages(published_2024, other_department),
               *department_pages(draft, department),
               *keeper_pages(published_2024, department), *keeper_pages(draft, department)]
    for url in refused:
        assert client.get(url).status_code == 404, url
    for url, data in posts(draft):
        assert client.post(url, data).status_code == 404, url


def test_another_departments_it_lead_sees_their_own_and_not_the_first(
        client, other_it_lead, published_2024, department, other_department):
    client.force_login(other_it_lead)
    assert client.get(reverse("costs:department", args=[2024, other_department.pk])
                      ).status_code == 200
    assert client.get(reverse("costs:department", args=[2024, department.pk])
                      ).status_code == 404


@pytest.fixture
def published_2024(draft, it_chief, department, other_department, third_department):
    """2024, published: a year a department's IT lead may read, beside the 2025 draft."""
    from costs import services

    key_set = services.key_set_create(actor=it_chief, year=2024)
    services.key_set_update(
        key_set_id=key_set.pk, actor=it_chief, revision=key_set.revision,
        data={"contracts_basis": "users", "licences_basis": "users",
              "projects_basis": "users"},
        entries={department.pk: (1, Decimal(0)), other_department.pk: (2, Decimal(0)),
                 third_department.pk: (1, Decimal(0))})
    key_set.refresh_from_db()
    services.cost_pool_create(key_set_id=key_set.pk, actor=it_chief,
                              revision=key_set.revision,
                              data={"name": "Support", "amount": Decimal("1000.00"),
                                    "basis": "users"})
    key_set.refresh_from_db()
    return services.key_set_publish(key_set_id=key_set.pk, actor=it_chief,
                                    revision=key_set.revision)


# --- what the pages and exports say --------------------------------------------------------


def test_the_year_page_shows_the_matrix_with_totals_that_add_up(client, it_chief, draft):
    client.force_login(it_chief)
    page = client.get(reverse("costs:year", args=[YEAR])).getvalue().decode()
    assert 'id="draft-notice"' in page
    matrix = page.split('id="matrix"', 1)[1].split("</table>", 1)[0]
    assert "243\xa0333,33" in matrix and "121\xa0666,67" in matrix
    assert "915\xa0000,00" in matrix
    assert reverse("costs:publish", args=[YEAR]) in page


def test_the_matrix_exports_as_csv_and_xlsx_and_each_column_adds_up(client, it_chief, draft):
    client.force_login(it_chief)
    response = client.get(reverse("costs:year_export", args=[YEAR, "csv"]))
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Förvaltning", "Avtal", "Licenser", "Projekt", "Nätverk", "Totalt"]
    assert rows[-1] == ["Totalt", "365000,00", "300000,00", "150000,00", "100000,00",
                        "915000,00"]
    body = [[Decimal(c.replace(",", ".")) for c in row[1:]] for row in rows[1:-1]]
    for column in range(5):
        assert sum(row[column] for row in body) == Decimal(rows[-1][column + 1]
                                                           .replace(",", "."))

    response = client.get(reverse("costs:year_export", args=[YEAR, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[-1] == ("Totalt", 365000, 300000, 150000, 100000, 915000)


def test_the_year_prints_as_pdf(client, it_chief, draft):
    client.force_login(it_chief)
    response = client.get(reverse("costs:year_export", args=[YEAR, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.getvalue())
    assert "IT-kostnader 2025 fördelade på förvaltningarna" in text
    assert "Socialförvaltningen" in text and "121 666,67" in text.replace("\xa0", " ")


def test_the_items_page_lists_every_cost_and_the_contract_without_a_value(client, it_chief,
                                                                          draft):
    client.force_login(it_chief)
    page = client.get(reverse("costs:items", args=[YEAR])).getvalue().decode()
    assert "Elevsystem (Skolsystem AB)" in page
    assert "365 av avtalets 1\xa0461 dagar" in page
    assert 'id="without-value"' in page
    response = client.get(reverse("costs:items_export", args=[YEAR, "xlsx"]))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
                .iter_rows(values_only=True))
    assert ("Projekt", "E-arkiv") in [row[:2] for row in rows]


def test_an_it_leads_report_and_exports_name_no_other_department_and_no_single_cost(
        client, it_lead, published_2024, department):
    """The department sees the municipality's total of each kind, never a contract's or
    licence's own cost, nor what another department pays."""
    client.force_login(it_lead)
    # Each body read once: a streamed export can be read only once.
    bodies = [client.get(url).getvalue() for url in department_pages(published_2024, department)]
    page = bodies[0].decode()
    assert "Barn- och utbildningsförvaltningen" in page
    texts = [page, bodies[1].decode("utf-8-sig"), pdf_text(bodies[3])]
    for text in texts:
        for secret in ("Socialförvaltningen", "Kultur- och fritidsförvaltningen",
                       "Elevsystem", "Elevlicenser", "E-arkiv", "HEMLIG-BESTÄLLNING"):
            assert secret not in text
    rows = list(csv.reader(io.StringIO(bodies[1].decode("utf-8-sig")), delimiter=";"))
    # Users 1 : 2 : 1, 1 000 kr of support: BUF's quarter.
    assert rows[4][:3] == ["Support", "1000,00", "Antal användare"]
    assert rows[4][-1] == "250,00"


def test_the_department_report_shows_each_kind_with_key_weight_and_share(client, it_chief,
                                                                          draft, department):
    client.force_login(it_chief)
    response = client.get(reverse("costs:department", args=[YEAR, department.pk]))
    lines = response.context["lines"]
    assert [(line.kind.label, line.weight, line.weight_total, line.amount) for line in lines] == [
        ("Avtal", 2, 3, Decimal("243333.33")), ("Licenser", 500, 600, Decimal("250000.00")),
        ("Projekt", 600, 1000, Decimal("90000.00")), ("Nätverk", 600, 1000,
                                                      Decimal("60000.00"))]
    assert "643\xa0333,33" in response.getvalue().decode()


def test_a_department_not_taking_part_is_not_found(client, it_chief, published_2024):
    from tests.factories import DepartmentFactory

    late = DepartmentFactory()
    client.force_login(it_chief)
    assert client.get(reverse("costs:department", args=[2024, late.pk])).status_code == 404


# --- writing ---------------------------------------------------------------------------------


def test_the_it_chief_starts_a_year_and_is_told_when_it_exists(client, it_chief, draft):
    client.force_login(it_chief)
    response = client.post(reverse("costs:year_create"), {"year": YEAR + 1})
    assert response.status_code == 302
    assert response["Location"] == reverse("costs:year", args=[YEAR + 1])
    response = client.post(reverse("costs:year_create"), {"year": YEAR})
    assert response.status_code == 400
    assert response.context["form"].errors["year"] == ["Året 2025 är redan påbörjat."]


def test_the_keys_form_saves_and_says_what_is_wrong_next_to_the_field(
        client, it_chief, draft, department, other_department, third_department):
    client.force_login(it_chief)
    url = reverse("costs:keys", args=[YEAR])
    data = {"contracts_basis": "fixed", "licences_basis": "licences",
            "projects_basis": "users", "note": "", "revision": draft.revision,
            f"users_{department.pk}": "600", f"share_{department.pk}": "50",
            f"users_{other_department.pk}": "-3", f"share_{other_department.pk}": "30",
            f"users_{third_department.pk}": "100", f"share_{third_department.pk}": "20"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors[f"users_{other_department.pk}"] == [
        "Kontrollera att detta värde är större än eller lika med 0."]
    page = response.getvalue().decode()
    assert 'class="field-error"' in page

    data[f"users_{other_department.pk}"] = "300"
    data[f"share_{third_department.pk}"] = "10"
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "De fasta andelarna är tillsammans 90,00 %; de ska vara tillsammans 100 %."]

    data[f"share_{third_department.pk}"] = "20"
    response = client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.contracts_basis == "fixed"


def test_a_stale_keys_form_is_refused(client, it_chief, draft, department):
    client.force_login(it_chief)
    url = reverse("costs:keys", args=[YEAR])
    response = client.get(url)
    data = {name: field.value() for name, field in
            ((name, response.context["form"][name]) for name in response.context["form"].fields)}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["revision"] = draft.revision - 1
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Någon har sparat årets utkast" in response.getvalue().decode()


def test_a_cost_pool_is_added_with_its_errors_next_to_its_fields(client, it_chief, draft):
    client.force_login(it_chief)
    url = reverse("costs:pool_create", args=[YEAR])
    response = client.post(url, {"revision": draft.revision, "name": "Drift",
                                 "amount": "-5", "basis": "users"})
    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == [
        "Kontrollera att detta värde är större än eller lika med 0."]
    response = client.post(url, {"revision": draft.revision, "name": "Nätverk",
                                 "amount": "5", "basis": "users"})
    assert response.status_code == 400
    assert "Året har redan en kostnadspost med det namnet." in response.getvalue().decode()
    response = client.post(url, {"revision": draft.revision, "name": "Drift",
                                 "amount": "1250000.50", "basis": "systems"})
    assert response.status_code == 302
    assert CostPool.objects.get(name="Drift").amount == Decimal("1250000.50")


def test_a_cost_pool_is_removed(client, it_chief, draft):
    client.force_login(it_chief)
    pool = draft.pools.get()
    response = client.post(reverse("costs:pool_delete", args=[YEAR, pool.pk]),
                           {"revision": draft.revision})
    assert response.status_code == 302
    assert not CostPool.objects.filter(pk=pool.pk).exists()


def test_publishing_from_the_page_fixes_the_year_and_closes_its_forms(client, it_chief,
                                                                      draft):
    client.force_login(it_chief)
    response = client.post(reverse("costs:publish", args=[YEAR]),
                           {"revision": draft.revision}, follow=True)
    assert "Året 2025 är fastställt: fördelningen ligger fast." in response.getvalue().decode()
    draft.refresh_from_db()
    assert not draft.is_draft
    for url in (reverse("costs:keys", args=[YEAR]), reverse("costs:pool_create", args=[YEAR])):
        assert client.get(url).status_code == 404
    assert reverse("costs:publish", args=[YEAR]) not in client.get(
        reverse("costs:year", args=[YEAR])).getvalue().decode()


def test_a_refused_publishing_says_why(client, it_chief, draft):
    from servicecatalog.models import Service

    Service.objects.update(department=None)
    client.force_login(it_chief)
    response = client.post(reverse("costs:publish", args=[YEAR]),
                           {"revision": draft.revision}, follow=True)
    page = response.getvalue().decode()
    assert "Avtal kan inte fördelas efter ”Ägda system”" in page
    assert 'id="allocation-errors"' in page
    draft.refresh_from_db()
    assert draft.is_draft
