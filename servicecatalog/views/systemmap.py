"""The system map (§6.5.6): integrations between systems as a picture and as a table, and
the pages that record, change and remove an integration.

The picture is an SVG drawn by the server, with no script and no outside service, laid out by
`servicecatalog.maplayout` and drawn by the templates through `servicecatalog.mapdrawing`,
which keeps it until the catalogue changes. Every system is a link to its page, reachable by
keyboard and named for screen readers; the lines are decoration for the eye (`aria-hidden`),
since the table beside the map states every integration in words.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tyreso_it.core.exports import export_response
from tyreso_it.core.views import show_refusal

from .. import forms, imports, mapdrawing, selectors, services
from ..maplayout import circle_map, neighbourhood_map
from ..models import Integration
from ..permissions import can_edit_catalogue

EXPORT_FORMATS = {"csv", "xlsx"}


# --- the pages -----------------------------------------------------------------------------


def _may_add_integrations(user) -> bool:
    return can_edit_catalogue(user) or selectors.services_edited_by(user).exists()


def _chosen_map(version: str, department, system,
                ) -> tuple[mapdrawing.DrawnMap, str, Callable[[], list[Integration]]]:
    """The map of the chosen department or system, or the whole map; its name in the cache;
    and how to read its integrations (at most once a request), should its table be written."""
    if system is not None:
        caption = _("The system and the systems it exchanges data with.")
        what = f"system-{system.pk}"
    elif department is not None:
        caption = _("The department's systems (filled circles) and the systems they exchange "
                    "data with (open circles).")
        what = f"department-{department.pk}"
    else:
        caption = _("Systems with integrations, grouped by owning department.")
        what = "all"

    @cache
    def load() -> list[Integration]:
        return list(selectors.integration_list(
            department_id=department.pk if department else None,
            service_id=system.pk if system else None,
        ))

    def make() -> mapdrawing.DrawnMap:
        integrations = load()
        if system is not None:
            centre = next((s for i in integrations for s in (i.source, i.target)
                           if s.pk == system.pk), None)
            drawing = neighbourhood_map(centre, integrations) if centre else None
        else:
            drawing = circle_map(integrations,
                                 department_id=department.pk if department else None)
        return mapdrawing.draw(integrations, drawing, caption)

    return mapdrawing.cached_map(version, what, make), what, load


@require_GET
def systemmap(request: HttpRequest) -> HttpResponse:
    # The map and the filter's lists of departments and systems change only with the
    # catalogue: they are read from the cache under its version.
    version = selectors.catalogue_version()
    choices = mapdrawing.cached(version, "choices", forms.SystemMapFilterForm.catalogue_choices)
    form = forms.SystemMapFilterForm(request.GET or None, choices=choices)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    department, system = data.get("department"), data.get("system")
    drawn, what, load = _chosen_map(version, department, system)
    return render(request, "servicecatalog/systemmap.html", {
        "form": form,
        "map": drawn,
        "map_table": mapdrawing.table(
            drawn, request.user, version=version, what=what, load=load,
            caption=_("Every integration on the map"), table_id="map-table",
        ) if drawn else "",
        "department": department,
        "system": system,
        "query": request.GET.urlencode(),
        "can_add": _may_add_integrations(request.user),
    })


def integration_export_rows(integrations) -> tuple[list[str], list[list]]:
    """The columns of the integration import template, so an export imports again."""
    columns = imports.INTEGRATION_COLUMNS
    rows = [
        [i.source.name, i.target.name, i.get_direction_display(), i.data, i.method,
         i.frequency, str(i.owner) if i.owner else None]
        for i in integrations
    ]
    return [c.header for c in columns], rows


@require_GET
def systemmap_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = forms.SystemMapFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    department, system = data.get("department"), data.get("system")
    integrations = selectors.integration_list(
        department_id=department.pk if department else None,
        service_id=system.pk if system else None,
    )
    headers, rows = integration_export_rows(integrations)
    return export_response(fmt, _("Integrations"), headers, rows)


def _integration_form_page(request, form, *, integration=None, status=200, extra=None):
    came_from = request.POST.get("next") or request.GET.get("next") or request.GET.get("source")
    context = {
        "form": form, "integration": integration,
        "next": int(came_from) if came_from and came_from.isdigit() else None,
        **(extra or {}),
    }
    return render(request, "servicecatalog/systemmap_integration_form.html", context,
                  status=status)


@require_http_methods(["GET", "POST"])
def integration_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _may_add_integrations(user):
        raise PermissionDenied(_("Only the ordering function and the owners and managers of "
                                 "systems record integrations."))
    initial = {}
    source_pk = request.GET.get("source", "")
    if source_pk.isdigit():
        initial["source"] = int(source_pk)
    form = forms.IntegrationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not form.is_valid():
            return _integration_form_page(request, form, status=400)
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            integration = services.integration_create(actor=user, data=data)
        except services.CatalogueError as exc:
            show_refusal(request, exc, form)
            return _integration_form_page(request, form, status=exc.status_code)
        messages.success(request, _("The integration is recorded."))
        return redirect(_back(request, integration))
    return _integration_form_page(request, form)


def _back(request: HttpRequest, integration: Integration) -> str:
    """Back to the service the person came from, or to the system map."""
    came_from = request.POST.get("next", "")
    if came_from.isdigit() and int(came_from) in {integration.source_id, integration.target_id}:
        return reverse("servicecatalog:service", args=[int(came_from)]) + "#integrationer"
    return reverse("servicecatalog:systemmap")


def _get_integration(pk: int) -> Integration:
    try:
        return selectors.integration_detail(pk)
    except Integration.DoesNotExist as exc:
        raise Http404(_("No such integration.")) from exc


@require_http_methods(["GET", "POST"])
def integration_edit(request: HttpRequest, pk: int) -> HttpResponse:
    integration = _get_integration(pk)
    user = request.user
    if not services.can_edit_integration(user, integration.source, integration.target):
        raise PermissionDenied(_("Only the ordering function and the owners and managers of "
                                 "the systems change their integrations."))
    form = forms.IntegrationForm(
        request.POST or None, instance=integration,
        initial={"version": selectors.integration_version(integration.pk)},
    )
    if request.method == "POST":
        if not form.is_valid():
            return _integration_form_page(request, form, integration=integration, status=400)
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.integration_update(
                actor=user, integration_id=integration.pk, data=data,
                expected_version=version if version is not None else -1,
            )
        except services.StaleVersion as exc:
            fresh = _get_integration(pk)
            show_refusal(request, exc, form)
            posted = form.data.copy()
            posted["version"] = selectors.integration_version(pk)
            form.data = posted
            saved = [
                (form.fields[name].label,
                 getattr(fresh, f"get_{name}_display", lambda n=name: getattr(fresh, n))())
                for name in services.INTEGRATION_FIELDS
            ]
            return _integration_form_page(request, form, integration=fresh,
                                          status=exc.status_code,
                                          extra={"stale": True, "saved": saved})
        except services.CatalogueError as exc:
            show_refusal(request, exc, form)
            return _integration_form_page(request, form, integration=integration,
                                          status=exc.status_code)
        messages.success(request, _("The integration is saved."))
        return redirect(_back(request, integration))
    return _integration_form_page(request, form, integration=integration)


@require_POST
def integration_delete(request: HttpRequest, pk: int) -> HttpResponse:
    integration = _get_integration(pk)
    try:
        services.integration_delete(actor=request.user, integration_id=integration.pk)
    except services.NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _("The integration is removed."))
    return redirect(_back(request, integration))
