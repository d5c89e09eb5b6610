"""Every portfolio list and the dashboard's tables as CSV and XLSX: they open with the right
columns, and text that starts with "=" stays text."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portfolio import services

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com","Klicka")'


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    content = response.getvalue()  # streamed: it can be read once
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[list]:
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()], sheet


@pytest.fixture
def formula_project(make_project, change_manager):
    project = make_project(FORMULA, planned_start=date(2026, 3, 1),
                           planned_end=date(2026, 9, 30))
    services.milestone_add(project_id=project.pk, actor=change_manager, name="=1+1",
                           due_date=date(2026, 5, 1))
    services.status_report_save(
        project_id=project.pk, actor=change_manager, period=date(2026, 4, 1),
        data={"schedule": "amber", "schedule_comment": "Sent", "cost": "green",
              "scope": "green", "summary": "x", "actual_cost": Decimal("1234.50")},
    )
    return project


def urls() -> dict[str, tuple[str, list[str]]]:
    """Each export with the columns it must open with."""
    return {
        "projects": (reverse("portfolio:projects"), [
            "Plats", "Projekt", "Beställande förvaltning", "Projektledare", "Fas", "Status",
            "Hälsa", "Tidplan", "Kostnad", "Omfattning", "Senaste statusrapport",
            "Budget (kr)", "Utfall (kr)", "Planerad start", "Planerat slut", "Faktisk start",
            "Faktiskt slut", "Projektbeställning"]),
        "ranking": (reverse("portfolio:ranking"), [
            "Plats", "Typ", "Nummer", "Rubrik", "Förvaltning", "Fas eller status", "Hälsa",
            "Budget eller uppskattad kostnad (kr)", "Utfall (kr)", "Planerad start",
            "Planerat slut"]),
        "timeline": (reverse("portfolio:timeline") + "?year=2026", [
            "Typ", "Nummer", "Rubrik", "Förvaltning", "Start", "Slut", "Fas eller status",
            "Hälsa", "Milstolpe uppnådd"]),
        "rank_history": (reverse("portfolio:rank_history"), [
            "När", "Vad", "Från plats", "Till plats", "Av", "Motivering"]),
    }


@pytest.mark.parametrize("name", ["projects", "ranking", "timeline", "rank_history"])
def test_list_exports_open_with_their_columns_and_keep_formulas_as_text(
    client, formula_project, change_manager, name
):
    url, columns = urls()[name]
    client.force_login(change_manager)
    separator = "&" if "?" in url else "?"
    rows = read_csv(client.get(f"{url}{separator}export=csv"))
    assert rows[0] == columns
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith("=") for cell in cells)
    assert f"'{FORMULA}" in cells or any(cell.endswith(FORMULA) for cell in cells)
    table, sheet = read_xlsx(client.get(f"{url}{separator}export=xlsx"))
    assert table[0] == columns
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
                assert not cell.value.startswith("=")


def test_the_project_export_has_the_figures_as_numbers(client, formula_project, change_manager):
    client.force_login(change_manager)
    table, _sheet = read_xlsx(client.get(reverse("portfolio:projects") + "?export=xlsx"))
    header, row = table[0], table[1]
    assert row[header.index("Budget (kr)")] == Decimal("500000")
    assert row[header.index("Utfall (kr)")] == Decimal("1234.50")
    assert row[header.index("Hälsa")] == "Gul"
    assert row[header.index("Plats")] == 1
    csv_rows = read_csv(client.get(reverse("portfolio:projects") + "?export=csv"))
    assert csv_rows[1][csv_rows[0].index("Utfall (kr)")] == "1234,50"


def test_the_timeline_export_has_a_row_per_milestone(client, formula_project, change_manager):
    client.force_login(change_manager)
    rows = read_csv(client.get(reverse("portfolio:timeline") + "?year=2026&export=csv"))
    kinds = [row[0] for row in rows[1:]]
    assert kinds == ["Projekt", "Milstolpe"]
    assert rows[2][2].endswith(": =1+1")
    assert rows[2][4] == "2026-05-01"


DASHBOARD_TABLES = {
    "status": ["Förvaltning"],
    "leadtimes": ["Månad", "Beslutade"],
    "backlog": ["Kö", "Ålder", "Beställningar"],
    "bit": ["Nummer", "Rubrik", "Förvaltning", "Prioritetspoäng", "På nästa dagordning"],
    "projects": ["Projekt", "Beställande förvaltning", "Fas", "Status", "Hälsa", "Budget (kr)",
                 "Utfall (kr)", "Andel av budgeten använd (%)"],
    "keyfigures": ["Nyckeltal", "Värde", "Anteckning"],
    "trends": ["Månad", "Ögonblicksbild från", "Väntar på beslut", "Väntar på leverans",
               "Projekt röda eller gula"],
}


@pytest.mark.parametrize("table", list(DASHBOARD_TABLES))
def test_dashboard_tables_export_with_their_columns(client, formula_project, it_chief, table):
    client.force_login(it_chief)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("portfolio:dashboard_export", args=[table, fmt]))
        assert response.status_code == 200
        rows = read_csv(response) if fmt == "csv" else read_xlsx(response)[0]
        columns = DASHBOARD_TABLES[table]
        assert rows[0][:len(columns)] == columns
        if table == "projects":
            names = [row[0] for row in rows[1:]]
            assert names == [f"'{FORMULA}"]
