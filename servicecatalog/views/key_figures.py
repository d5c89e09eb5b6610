"""A service's yearly report of key figures (§6.5.11): a page, CSV and XLSX of its months, and
a PDF of the whole.

Readable by every employee, as the catalogue is: the figures are counts and lead times over
the service's orders and name no order (`servicecatalog.key_figures`).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tyreso_it.core.exports import export_response
from tyreso_it.core.pdf import Section, pdf_response, plain, report

from .. import key_figures, selectors
from ..models import Service

#: The first year a report can be asked for; the last is next year.
FIRST_YEAR = 2000
FORMATS = {"csv", "xlsx", "pdf"}


def _service(pk: int) -> Service:
    try:
        return selectors.service_detail(pk)
    except Service.DoesNotExist as exc:
        raise Http404(_("No such service.")) from exc


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404(_("No report for that year."))


@require_GET
def service_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The key figures of one service and year: the service level, the management plan, the
    orders and lead times of the year and of each month."""
    _check_year(year)
    service = _service(pk)
    figures = key_figures.service_key_figures(service, [year])[0]
    this_year = timezone.localdate().year
    return render(request, "servicecatalog/service_report.html", {
        "service": service,
        "year": year,
        "figures": figures,
        "figures_list": [figures],
        "rows": key_figures.summary_rows([figures]),
        "levels": list(service.levels.all()),
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < this_year else None,
    })


def _report_pdf(service: Service, figures: key_figures.YearFigures) -> bytes:
    year = figures.year
    plan = figures.plan
    facts = [
        (_("Owning department"), service.department),
        (_("Lifecycle state"), service.get_lifecycle_display()),
        (_("Availability target (%)"), service.availability_target),
        (_("Support hours"), service.support_hours),
        (_("Management plan %(year)s") % {"year": year}, plan.label),
        (_("Continuity plan"), plan.has_continuity_plan if plan.plan_id else None),
    ]
    summary = []
    for row in key_figures.summary_rows([figures]):
        value = row.values[0]
        if row.kind == "lead":
            value = (_("%(median)s median, %(p90)s at the 90th percentile (%(count)s orders)") % {
                "median": plain(value.median), "p90": plain(value.p90),
                "count": value.count} if value.count else None)
        elif row.kind == "plan":
            value = value.label
        summary.append([f"    {row.label}" if row.sub else row.label, value])
    levels = [[level.get_priority_display(), level.response_hours, level.resolution_hours]
              for level in service.levels.all()]
    return report(
        title=_("Key figures %(year)s: %(service)s") % {"year": year, "service": service.name},
        subtitle=_("Orders counted whoever may open them; no order is named."),
        facts_rows=facts,
        sections=[
            Section(_("Response and resolution times per priority"),
                    headers=(_("Priority"), _("Response time (hours)"),
                             _("Resolution time (hours)")),
                    rows=levels) if levels else
            Section(_("Response and resolution times per priority"),
                    text=_("No response or resolution times are agreed.")),
            Section(_("The year in figures"), headers=(_("Key figure"), str(year)),
                    rows=summary, widths=(3, 2)),
            Section(_("By month"), headers=key_figures.month_headers(),
                    rows=key_figures.month_rows(figures), total_row=True,
                    widths=(1.2, 1, 1, 1, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3)),
        ],
        wide=True,
    )


@require_GET
def service_report_export(request: HttpRequest, pk: int, year: int, fmt: str) -> HttpResponse:
    """The report's months as CSV or XLSX, or the whole report as PDF."""
    if fmt not in FORMATS:
        raise Http404
    _check_year(year)
    service = _service(pk)
    figures = key_figures.service_key_figures(service, [year])[0]
    name = _("Key figures %(year)s %(service)s") % {"year": year, "service": service.name}
    if fmt == "pdf":
        return pdf_response(_report_pdf(service, figures), name)
    return export_response(fmt, name, key_figures.month_headers(),
                           key_figures.month_rows(figures))
