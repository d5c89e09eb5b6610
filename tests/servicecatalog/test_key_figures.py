"""Key figures per service (§6.5.11): the counts and lead times of a service's orders by year
and month, worked out by hand; the section on the service page and the yearly report with its
exports; that the figures, open to every employee, name no order; and the query counts.

Lead times interpolate between the closest ranks as the dashboard's do
(tests/portfolio/test_figures.py): for v1 ≤ … ≤ vn the p-th percentile lies at (n − 1)·p.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from servicecatalog.key_figures import service_key_figures, summary_rows
from servicecatalog.models import ManagementPlan
from tests import factories, pdftext
from tests.portfolio.conftest import at
from tests.queries import ACCESS_TOKEN

from .catalogue_data import make_service, rich_service

pytestmark = pytest.mark.django_db
S, K = Order.Status, Order.Kind
SECRET_TITLE = "HEMLIG-TITEL om en placering"
SECRET_NEED = "HEMLIGT-BEHOV med personuppgifter"


def service_order(service, department, status, *, kind=K.CHANGE, title="", delegated=False,
                  **stamps) -> Order:
    """An order of `service` in `status` with the given moments, written directly (lead
    times are about time, not transitions)."""
    order = factories.OrderFactory(
        department=department, service=service, status=status, kind=kind,
        title=title or SECRET_TITLE, need=SECRET_NEED, delegated_decision=delegated,
        reference=None if status == S.DRAFT else f"B-1902-{Order.objects.count() + 1:04d}",
        rejection_reason="Ryms inte i budgeten." if status == S.REJECTED else "",
    )
    Order.objects.filter(pk=order.pk).update(**{k: v.astimezone(UTC) for k, v in stamps.items()})
    order.refresh_from_db()
    return order


@pytest.fixture
def year_2025(department, other_department):
    """A service's orders around 2025 (moments at noon, Stockholm; no period crosses a move
    to or from summer time):

        A  new function  submitted 10 Feb, approved by BIT 20 Feb, delivered 22 Mar
        B  change        submitted 15 Feb, approved under delegation 1 Mar, delivered 29 Mar
        C  change        submitted 5 Mar, rejected 25 Mar
        D  project       submitted 20 Dec 2024, approved by BIT 10 Jan
        F  catalogue     submitted 1 May, withdrawn
        H  change        submitted 1 Jan 2026 00:30 Stockholm (31 Dec 2025 23:30 UTC)
        a draft, and an order of another service: never counted

    Submitted → decided (days): A 10, B 14, C 20, D 21. Decided → delivered: A 30, B 28.
    Submitted → delivered: A 40, B 42.
    """
    service = make_service(name="Elevadministrativt system", department=None)
    service_order(service, department, S.CLOSED, kind=K.NEW_FUNCTION,
                  submitted_at=at(2025, 2, 10), decided_at=at(2025, 2, 20),
                  delivered_at=at(2025, 3, 22))
    service_order(service, other_department, S.DELIVERED, delegated=True,
                  submitted_at=at(2025, 2, 15), decided_at=at(2025, 3, 1),
                  delivered_at=at(2025, 3, 29))
    service_order(service, other_department, S.REJECTED,
                  submitted_at=at(2025, 3, 5), decided_at=at(2025, 3, 25))
    service_order(service, department, S.PLANNED, kind=K.PROJECT,
                  submitted_at=at(2024, 12, 20), decided_at=at(2025, 1, 10))
    service_order(service, department, S.WITHDRAWN, kind=K.CATALOGUE_SERVICE,
                  submitted_at=at(2025, 5, 1))
    service_order(service, department, S.SUBMITTED, submitted_at=at(2026, 1, 1, 0, 30))
    service_order(service, department, S.DRAFT)
    service_order(make_service(), department, S.CLOSED, submitted_at=at(2025, 2, 1),
                  decided_at=at(2025, 2, 2), delivered_at=at(2025, 2, 3))
    ManagementPlan.objects.create(service=service, year=2025, status="approved",
                                  recovery_time_hours=8, manual_fallback="Papperslistor.")
    return service


def test_the_year_counts_orders_received_decided_and_delivered(year_2025):
    figures = service_key_figures(year_2025, [2025])[0].figures
    assert dict(figures.received_by_kind) == {K.NEW_FUNCTION: 1, K.CHANGE: 2,
                                              K.CATALOGUE_SERVICE: 1}
    assert figures.received == 4
    assert (figures.approved, figures.delegated, figures.rejected) == (2, 1, 1)
    assert figures.decided == 4
    assert figures.delivered == 2


def test_the_months_count_each_order_in_the_month_of_each_of_its_moments(year_2025):
    months = service_key_figures(year_2025, [2025])[0].months
    assert [m.received for m in months] == [0, 2, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert [m.decided for m in months] == [1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert [m.delivered for m in months] == [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert (months[2].approved, months[2].delegated, months[2].rejected) == (0, 1, 1)


def test_an_order_submitted_after_midnight_on_new_years_day_counts_in_the_new_year(year_2025):
    last, this = service_key_figures(year_2025, [2025, 2026])
    assert last.months[11].received == 0
    assert this.figures.received == 1
    assert this.months[0].received == 1


def test_lead_times_are_the_dashboards_median_and_90th_percentile(year_2025):
    figures = service_key_figures(year_2025, [2025])[0].figures
    # 10, 14, 20, 21: median (14 + 20) / 2 = 17; 90th at 2.7: 20 + 0.7 · 1 = 20.7
    assert figures.decision.count == 4
    assert figures.decision.median == pytest.approx(17)
    assert figures.decision.p90 == pytest.approx(20.7)
    # 28, 30: median 29, 90th 28 + 0.9 · 2 = 29.8;  40, 42: 41 and 41.8
    assert (figures.delivery.median, figures.delivery.p90) == (pytest.approx(29),
                                                               pytest.approx(29.8))
    assert (figures.total.median, figures.total.p90) == (pytest.approx(41), pytest.approx(41.8))
    march = service_key_figures(year_2025, [2025])[0].months[2]
    assert (march.decision.count, march.decision.median) == (2, pytest.approx(17))


def test_the_management_plan_of_each_year_is_named_or_missing(year_2025):
    last, this = service_key_figures(year_2025, [2025, 2026])
    assert (last.plan.status, last.plan.has_continuity_plan) == ("approved", True)
    assert this.plan.status == "missing"
    assert this.plan.plan_id is None


def test_a_year_without_orders_has_zeros_and_no_lead_times(year_2025):
    empty = service_key_figures(year_2025, [2023])[0].figures
    assert (empty.received, empty.decided, empty.delivered) == (0, 0, 0)
    assert empty.decision.count == 0 and empty.decision.median is None


def test_the_summary_has_a_column_per_year_and_a_line_per_figure(year_2025):
    rows = {row.label: row for row in summary_rows(service_key_figures(year_2025,
                                                                       [2024, 2025]))}
    assert rows["Beställningar inkomna"].values == [1, 4]
    assert rows["Ändring i ett befintligt system"].values == [0, 2]
    assert rows["godkända på delegation"].values == [0, 1]
    assert rows["Förvaltningsplan"].values[1].label == "Godkänd"


# --- pages -------------------------------------------------------------------------------


@pytest.fixture
def this_years_orders(department, other_department):
    """A service of no department with orders of two departments this year and last: those
    of `department` have the secret title, those of `other_department` a title its people
    see anyway."""
    service = rich_service(None, name="Verksamhetssystem för socialtjänsten")
    now = timezone.now()
    # Moments of this year, and in the past, whatever the day the tests run.
    start = max(now - timedelta(hours=3), at(now.year, 1, 1, 0, 0))
    step = (now - start) / 3
    for owner, title in ((department, SECRET_TITLE), (other_department, "Synlig beställning")):
        service_order(service, owner, S.CLOSED, title=title, submitted_at=start,
                      decided_at=start + step, delivered_at=start + 2 * step)
        service_order(service, owner, S.SUBMITTED, title=title,
                      submitted_at=now - timedelta(days=400))
    return service


def test_the_service_page_shows_this_year_and_last(client, outsider, this_years_orders):
    client.force_login(outsider)
    response = client.get(this_years_orders.get_absolute_url())
    assert response.status_code == 200
    this_year = timezone.localdate().year
    years = response.context["key_figures"]
    assert [y.year for y in years] == [this_year - 1, this_year]
    assert years[1].figures.delivered == 2
    page = response.getvalue().decode()
    assert 'id="key-figures"' in page
    assert reverse("servicecatalog:service_report", args=[this_years_orders.pk, this_year]) \
        in page


@pytest.mark.parametrize("who", ["outsider", "other_orderer"])
def test_no_order_title_department_or_internal_field_shows_to_any_employee(
        client, request, this_years_orders, who):
    """The counts are public to staff: they name no order, department or person, and the
    yearly report shows no internal field of the service. (The service page's list of open
    orders shows those the reader may see, as before: the other department's orderer sees
    their own.)"""
    client.force_login(request.getfixturevalue(who))
    year = timezone.localdate().year
    pages = [
        client.get(this_years_orders.get_absolute_url()),
        client.get(reverse("servicecatalog:service_report", args=[this_years_orders.pk, year])),
        client.get(reverse("servicecatalog:service_report_export",
                           args=[this_years_orders.pk, year, "csv"])),
    ]
    report, export = pages[1].getvalue().decode(), pages[2].getvalue().decode("utf-8-sig")
    for text in (pages[0].getvalue().decode(), report, export):
        assert SECRET_TITLE not in text
        assert SECRET_NEED not in text
    for text in (report, export):
        assert "B-1902-" not in text
        assert "Synlig beställning" not in text
        assert "Barn- och utbildningsförvaltningen" not in text
        assert "HEMLIG-ANTECKNING" not in text
        assert "123" + "\xa0" + "456" not in text and "123456" not in text
    # The order counted is the other department's too.
    assert pages[1].context["figures"].figures.delivered == 2


def test_the_yearly_report_shows_the_service_level_plan_and_months(client, outsider,
                                                                    year_2025):
    year_2025.availability_target = Decimal("99.70")
    year_2025.save()
    year_2025.levels.create(priority=1, response_hours=Decimal("1.0"),
                            resolution_hours=Decimal("4.0"))
    client.force_login(outsider)
    response = client.get(reverse("servicecatalog:service_report", args=[year_2025.pk, 2025]))
    assert response.status_code == 200
    page = response.getvalue().decode()
    assert "99.7 %" in page or "99,7 %" in page
    assert 'id="report-sla"' in page
    months = page.split('id="report-months"', 1)[1].split("</table>", 1)[0]
    assert months.count("<tr>") == 2 + 12  # two header rows, twelve months (and the year)
    assert "20,7" in months and "17,0" in months
    assert "Godkänd" in page


def test_the_yearly_report_exports_its_months_as_csv_and_xlsx(client, outsider, year_2025):
    client.force_login(outsider)
    url = reverse("servicecatalog:service_report_export", args=[year_2025.pk, 2025, "csv"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Månad", "Inkomna", "Beslutade", "Levererade"]
    assert len(rows) == 1 + 12 + 1
    assert rows[-1][:6] == ["2025", "4", "4", "2", "17,0", "20,7"]
    assert rows[3][:4] == ["Mar", "1", "2", "2"]

    response = client.get(url.replace("export.csv", "export.xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[-1][:6] == ("2025", 4, 4, 2, 17.0, 20.7)


def pdf_text(body: bytes) -> str:
    """The text a PDF draws, a run per line (tests/pdftext.py reads the embedded font)."""
    return pdftext.text(body)


def test_the_yearly_report_prints_as_pdf_with_names_as_written(client, outsider, year_2025):
    year_2025.name = "System <b>A&B</b>"
    year_2025.save()
    client.force_login(outsider)
    response = client.get(reverse("servicecatalog:service_report_export",
                                  args=[year_2025.pk, 2025, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue().startswith(b"%PDF")
    text = pdf_text(response.getvalue())
    assert pdftext.compact("System <b>A&B</b>") in pdftext.compact(text)
    assert "Nyckeltal 2025" in text
    assert "Godkänd" in text
    assert SECRET_TITLE not in text


def test_the_report_asks_for_login(client, year_2025):
    for url in (reverse("servicecatalog:service_report", args=[year_2025.pk, 2025]),
                reverse("servicecatalog:service_report_export", args=[year_2025.pk, 2025, "pdf"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_missing_service_year_or_format_is_not_found(client, outsider, year_2025):
    client.force_login(outsider)
    next_year = timezone.localdate().year + 1
    for url in (reverse("servicecatalog:service_report", args=[year_2025.pk + 999, 2025]),
                reverse("servicecatalog:service_report", args=[year_2025.pk, 1999]),
                reverse("servicecatalog:service_report", args=[year_2025.pk, next_year + 1]),
                reverse("servicecatalog:service_report_export",
                        args=[year_2025.pk, 2025, "docx"])):
        assert client.get(url).status_code == 404


# --- query counts ------------------------------------------------------------------------

# The yearly report, for any employee:
#   1. the service, with category, department, owner, manager and supplier joined
#   2. its SLA levels                       (prefetch)
#   3. its contracts with their suppliers   (prefetch)
#   4. the orders counted by type, state and month of each moment   (one GROUP BY)
#   5. the lead times by month and for the year                     (one query)
#   6. the management plan of the year
REPORT = ACCESS_TOKEN + 6


def measure(client, url: str) -> tuple:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, ctx


def more_orders(service, department, count: int) -> None:
    for i in range(count):
        service_order(service, department, S.CLOSED, kind=list(K)[i % 4],
                      submitted_at=at(2025, 1 + i % 12, 3), decided_at=at(2025, 1 + i % 12, 9),
                      delivered_at=at(2025, 1 + i % 12, 20), delegated=bool(i % 2))


def test_the_yearly_report_has_a_fixed_number_of_queries(client, outsider, year_2025,
                                                         department):
    client.force_login(outsider)
    url = reverse("servicecatalog:service_report", args=[year_2025.pk, 2025])
    _, few = measure(client, url)
    more_orders(year_2025, department, 40)
    response, many = measure(client, url)
    assert response.context["figures"].figures.delivered == 42
    assert len(few) == len(many) == REPORT, "\n".join(q["sql"][:200]
                                                      for q in many.captured_queries)


def test_the_service_pages_key_figures_cost_the_same_queries_with_many_orders(
        client, outsider, year_2025, department):
    from .catalogue_data import make_integration
    from .test_catalogue_query_counts import SERVICE_PAGE

    # An integration with an owner, as the pinned page has (its owners' names are a query).
    make_integration(year_2025, make_service(), owner=factories.UserFactory())
    client.force_login(outsider)
    url = year_2025.get_absolute_url()
    now = timezone.now()
    start = max(now - timedelta(hours=3), at(now.year, 1, 1, 0, 0))
    service_order(year_2025, department, S.CLOSED, submitted_at=start, decided_at=start,
                  delivered_at=now)
    _, few = measure(client, url)
    for _index in range(30):
        service_order(year_2025, department, S.CLOSED, submitted_at=start, decided_at=start,
                      delivered_at=now)
    response, many = measure(client, url)
    assert response.context["key_figures"][1].figures.delivered == 31
    # The pinned page less the orders beside the service: someone who may see no order is
    # not asked for them.
    assert len(few) == len(many) == SERVICE_PAGE - 1, "\n".join(
        q["sql"][:150] for q in many.captured_queries)
