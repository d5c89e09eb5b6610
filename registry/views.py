"""The register (diarium) page and its exports, for the registrar, the ordering function and
the IT chiefs; anyone else gets a 404, as for a page that does not exist."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tyreso_it.core.exports import export_response

from . import reports, selectors
from .forms import RegisterForm

FORMATS = {"csv", "xlsx", "pdf"}


def _require_reader(request: HttpRequest) -> None:
    if not selectors.may_read_register(request.user):
        raise Http404(_("No such page."))


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """Choose the year and the format; the file is the export's address."""
    _require_reader(request)
    years = selectors.register_years()
    form = RegisterForm(request.GET or None, years=years)
    if form.is_bound and form.is_valid():
        return redirect("registry:export", year=form.cleaned_data["year"],
                        fmt=form.cleaned_data["fmt"])
    return render(request, "registry/register.html", {"form": form, "years": years},
                  status=400 if form.errors else 200)


@require_GET
def register_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    _require_reader(request)
    if fmt not in FORMATS or not 2000 <= year <= 2999:
        raise Http404(_("No such page."))
    name = _("Register %(year)s") % {"year": year}
    if fmt == "pdf":
        return reports.register_pdf(year, name)
    return export_response(fmt, name, selectors.headers(), selectors.register_rows(year))
