"""The register of a year as a PDF, for printing and filing."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from tyreso_it.core.pdf import Section, pdf_response, report

from . import selectors


def register_pdf(year: int, name: str) -> HttpResponse:
    """Every row of the year's register in one table, on landscape A4 pages."""
    rows = list(selectors.register_rows(year))
    headers = selectors.headers()
    body = report(
        title=name,
        subtitle=_("Orders received and meetings of Beslutsråd IT, %(year)s") % {"year": year},
        facts_rows=[(_("Records"), len(rows))],
        sections=[Section(heading=_("The register"), headers=headers, rows=rows,
                          numbers_from=len(headers), widths=(1.3, 1.3, 1.1, 2, 3, 1.2, 1.4))],
        wide=True,
    )
    return pdf_response(body, name)
