"""The catalogue's pages: the list every employee reads, a service's page and its printable
sheet, editing a service, and the import of services and integrations.

Reading needs no right beyond being logged in (LoginRequiredMiddleware sends anyone else to
the login page). Which fields a reader sees is decided per service: internal fields only where
`sees_internal` says so, contract values where `sees_contract_values` does; the template never
receives what the reader may not see. Writing is checked by the services; the views refuse
early with 403 so nobody fills in a form they cannot save.
"""

from __future__ import annotations

from functools import cache

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import npgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tyreso_it.core.exports import export_response
from tyreso_it.core.views import show_refusal

from .. import forms, imports, key_figures, mapdrawing, selectors, services
from ..maplayout import neighbourhood_map
from ..models import Integration, Service
from ..permissions import (
    can_edit_catalogue,
    can_edit_service,
    sees_contract_values,
    sees_internal,
)

PAGE_SIZE = 50
EXPORT_FORMATS = {"csv", "xlsx"}
IMPORT_SESSION_KEY = "servicecatalog_import"


def url_exists(name: str, *args) -> bool:
    """Whether a page of the catalogue is there to link to (contracts and suppliers are
    built beside this module and may not exist in every installation)."""
    try:
        reverse(name, args=args or [1])
    except NoReverseMatch:
        return False
    return True


def _get_service(pk: int) -> Service:
    try:
        return selectors.service_detail(pk)
    except Service.DoesNotExist as exc:
        raise Http404(_("No such service.")) from exc


def _filters(request: HttpRequest) -> tuple[forms.ServiceFilterForm, dict]:
    form = forms.ServiceFilterForm(request.GET or None)
    # A bad value in one filter drops that filter only, not the others.
    form.is_valid()
    return form, {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v}


# --- the list ------------------------------------------------------------------------------


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    paginator = Paginator(selectors.service_list(filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "servicecatalog/service_list.html"
    if request.htmx and request.htmx.target == "service-results":
        template += "#results"
    return render(request, template, {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": bool({k for k in filters if k != "sort"}),
        "can_edit_catalogue": can_edit_catalogue(request.user),
    })


def service_export_rows(user, queryset) -> tuple[list[str], list[list]]:
    """The columns of the import template, without the internal ones unless the reader sees
    a service's internal fields; those cells are filled only for such services."""
    services_ = list(queryset)
    internal = {s.pk for s in services_ if sees_internal(user, s)}
    columns = [c for c in imports.SERVICE_COLUMNS
               if c.key not in imports.INTERNAL_KEYS or internal]
    rows = []
    for service in services_:
        row = []
        for column in columns:
            if column.key in imports.INTERNAL_KEYS and service.pk not in internal:
                row.append(None)
                continue
            display = getattr(service, f"get_{column.key}_display", None)
            value = getattr(service, column.key)
            if display is not None and value is not None:
                value = display()
            elif hasattr(value, "pk"):
                value = str(value)
            row.append(value)
        rows.append(row)
    return [c.header for c in columns], rows


@require_GET
def service_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _form, filters = _filters(request)
    queryset = selectors.service_list(filters).select_related("system_owner", "system_manager")
    headers, rows = service_export_rows(request.user, queryset)
    return export_response(fmt, _("Service catalogue"), headers, rows)


# --- a service -----------------------------------------------------------------------------


def _service_context(request: HttpRequest, service: Service) -> dict:
    user = request.user
    return {
        "service": service,
        "levels": list(service.levels.all()),
        "contracts": list(service.contracts.all()),
        "show_internal": sees_internal(user, service),
        "show_contract_values": sees_contract_values(user),
        "contract_links": url_exists("servicecatalog:contract"),
        "supplier_links": url_exists("servicecatalog:supplier"),
    }


@require_GET
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The neighbourhood changes only with the catalogue: kept in the cache under its version,
    # read first so that what is kept is never older than its key.
    version = selectors.catalogue_version()
    service = _get_service(pk)
    user = request.user

    @cache
    def integrations() -> list[Integration]:
        return list(selectors.integration_list(service_id=service.pk))

    def neighbourhood() -> mapdrawing.DrawnMap:
        """The service's part of the system map: drawn from its integrations, the service
        itself as they name it."""
        centre = next((s for i in integrations() for s in (i.source, i.target)
                       if s.pk == service.pk), None)
        drawing = neighbourhood_map(centre, integrations(), prefix="nb") if centre else None
        return mapdrawing.draw(integrations(), drawing,
                               _("The systems this one exchanges data with."))

    what = f"service-{service.pk}"
    drawn = mapdrawing.cached_map(version, what, neighbourhood)
    context = _service_context(request, service)
    this_year = timezone.localdate().year
    figures = key_figures.service_key_figures(service, [this_year - 1, this_year])
    context.update({
        "key_figures": figures,
        "key_figure_rows": key_figures.summary_rows(figures),
        "can_edit": can_edit_service(user, service),
        "can_order": service.orderable and service.lifecycle != Service.Lifecycle.RETIRED,
        "open_orders": selectors.service_open_orders(user, service),
        "map": drawn,
        "map_table": mapdrawing.table(
            drawn, user, version=version, what=what, load=integrations,
            caption=_("Integrations of this system"), table_id="nb-table",
            next_pk=service.pk,
        ) if drawn else "",
    })
    return render(request, "servicecatalog/service_detail.html", context)


@require_GET
def service_print(request: HttpRequest, pk: int) -> HttpResponse:
    service = _get_service(pk)
    context = _service_context(request, service)
    context["integrations"] = list(selectors.integration_list(service_id=service.pk))
    return render(request, "servicecatalog/service_print.html", context)


# --- writing a service ---------------------------------------------------------------------


def _saved_values(form: forms.ServiceForm, fresh: Service) -> list[tuple[str, object]]:
    """The newer saved values of what the form shows, for a stale save."""
    saved = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        if name == "contracts":
            value = ", ".join(str(c) for c in fresh.contracts.all())
        else:
            display = getattr(fresh, f"get_{name}_display", None)
            value = display() if display else getattr(fresh, name)
        saved.append((field.label, value))
    levels = ", ".join(
        f"{level.get_priority_display()}: {level.response_hours} / {level.resolution_hours} h"
        for level in fresh.levels.all()
    )
    saved.append((_("Service levels"), levels))
    return saved


@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest) -> HttpResponse:
    if not can_edit_catalogue(request.user):
        raise PermissionDenied(_("Only the ordering function adds services to the catalogue."))
    form = forms.ServiceForm(request.POST or None)
    levels = forms.level_formset(data=request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and levels.is_valid():
            data = dict(form.cleaned_data)
            data.pop("version", None)
            contracts = data.pop("contracts", [])
            try:
                service = services.service_create(
                    actor=request.user, data=data, levels=levels.levels(), contracts=contracts
                )
            except services.CatalogueError as exc:
                status = show_refusal(request, exc, form)
            else:
                messages.success(request, _("The service is added to the catalogue."))
                return redirect(service)
        else:
            status = 400
    return render(request, "servicecatalog/service_form.html",
                  {"form": form, "levels": levels, "creating": True}, status=status)


@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = _get_service(pk)
    user = request.user
    if not can_edit_service(user, service):
        raise PermissionDenied(_("Only the ordering function and the service's system owner "
                                 "and system manager can change it."))
    may_assign = can_edit_catalogue(user)
    form = forms.ServiceForm(
        request.POST or None, instance=service, may_assign=may_assign,
        initial={"version": selectors.service_version(service.pk)},
    )
    levels = forms.level_formset(service, data=request.POST or None)
    context = {"form": form, "levels": levels, "service": service}
    status = 200
    if request.method == "POST":
        if form.is_valid() and levels.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            contracts = data.pop("contracts", None)
            try:
                services.service_update(
                    actor=user, service_id=service.pk, data=data, levels=levels.levels(),
                    contracts=contracts, expected_version=version if version is not None else -1,
                )
            except services.StaleVersion as exc:
                fresh = _get_service(pk)
                show_refusal(request, exc, form)
                data = form.data.copy()
                data["version"] = selectors.service_version(pk)
                form.data = data
                context.update({"stale": True, "saved": _saved_values(form, fresh),
                                "service": fresh})
                status = exc.status_code
            except services.CatalogueError as exc:
                status = show_refusal(request, exc, form)
            else:
                messages.success(request, _("The service is saved."))
                return redirect(service)
        else:
            status = 400
    return render(request, "servicecatalog/service_form.html", context, status=status)


# --- import -----------------------------------------------------------------------------


def _require_catalogue_editor(request: HttpRequest) -> None:
    if not can_edit_catalogue(request.user):
        raise PermissionDenied(_("Only the ordering function imports into the catalogue."))


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file and see every row with its errors; nothing is written here."""
    _require_catalogue_editor(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        try:
            result = imports.preview(upload.name, upload.read(), kind)
        except imports.ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            payload = imports.to_session(result)
            payload["filename"] = upload.name
            request.session[IMPORT_SESSION_KEY] = payload
            return render(request, "servicecatalog/import_preview.html", {
                "result": result, "filename": upload.name, "token": payload["token"],
            }, status=200 if result.is_valid else 400)
    return render(request, "servicecatalog/import_form.html", {"form": form},
                  status=400 if form.errors else 200)


@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Write the previewed rows, all or none."""
    _require_catalogue_editor(request)
    payload = request.session.get(IMPORT_SESSION_KEY)
    if not payload or request.POST.get("token") != payload.get("token") \
            or imports.token(payload) != payload["token"]:
        messages.error(request, _("The preview is no longer current: upload the file again."))
        return redirect("servicecatalog:import")
    result = imports.apply(imports.from_session(payload), actor=request.user)
    if not result.is_valid:
        return render(request, "servicecatalog/import_preview.html", {
            "result": result, "filename": payload.get("filename", ""), "token": None,
            "refused": True,
        }, status=409)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, _("The import is done: %(created)s and %(updated)s.") % {
        "created": npgettext("rows", "%(count)s added", "%(count)s added", result.created) % {
            "count": result.created},
        "updated": npgettext("rows", "%(count)s updated", "%(count)s updated",
                             result.updated) % {"count": result.updated},
    })
    if result.kind == "integrations":
        return redirect("servicecatalog:systemmap")
    return redirect("servicecatalog:service_list")


TEMPLATE_SLUGS = {"tjanster": "services", "integrationer": "integrations"}


@require_GET
def import_template(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """An empty file with the expected columns and one example row."""
    kind = TEMPLATE_SLUGS.get(slug)
    if kind is None or fmt not in EXPORT_FORMATS:
        raise Http404
    headers, rows = imports.template_rows(kind)
    return export_response(fmt, _("Import template %(what)s") % {
        "what": imports.sheet_title(kind).lower()}, headers, rows)
