"""The one ranked portfolio: the change manager's order of projects and larger change orders,
and the record of every change to it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orders.models import Order
from tyreso_it.core.exports import export_response
from tyreso_it.core.views import show_refusal

from .. import permissions as perms
from .. import selectors, services
from ..forms import AddOrderForm, MoveForm, RemoveForm
from ..models import Health, PortfolioEntry, Project
from ..templatetags.portfolio import sek
from .common import export_format, health_label, query_without, require_access, require_whole

ENTRY_HEADERS = (
    gettext_lazy("Rank"),
    gettext_lazy("Type"),
    gettext_lazy("Reference"),
    gettext_lazy("Title"),
    gettext_lazy("Department"),
    gettext_lazy("Phase or status"),
    gettext_lazy("Health"),
    gettext_lazy("Budget or estimated cost (SEK)"),
    gettext_lazy("Actuals (SEK)"),
    gettext_lazy("Planned start"),
    gettext_lazy("Planned end"),
)


def entry_rows(entries: list[PortfolioEntry]) -> list[list]:
    rows = []
    for entry in entries:
        if entry.project_id:
            project = entry.project
            rows.append([entry.rank, _("Project"), "", project.name,
                         project.sponsor_department.name, project.get_phase_display(),
                         health_label(project.health), project.budget, project.actual_cost,
                         project.planned_start, project.planned_end])
        else:
            order = entry.order
            rows.append([entry.rank, _("Change order"), order.reference, order.title,
                         order.department.name, order.get_status_display(), None,
                         order.estimated_cost, None, order.planned_start, order.planned_end])
    return rows


def _tools(entry: PortfolioEntry, bound: dict | None = None) -> dict:
    """The move and remove forms of one entry: bound ones after a refused change, otherwise
    new ones with the new place focused (the person has just asked to change this entry)."""
    bound = bound or {}
    move = bound.get(("move", entry.pk))
    if move is None:
        move = MoveForm(initial={"to_rank": entry.rank, "expected_rank": entry.rank},
                        prefix=f"move-{entry.pk}")
        if not bound:
            move.fields["to_rank"].widget.attrs["autofocus"] = True
    return {
        "move": move,
        "remove": bound.get(("remove", entry.pk)) or RemoveForm(prefix=f"remove-{entry.pk}"),
    }


def _rows(entries: list[PortfolioEntry]) -> list[dict]:
    """What each row of the ranked portfolio shows, worked out here once: the page's
    template then only places it (250 rows through the template's filters, translations
    and lookups cost most of the page)."""
    months = ["", *(str(MONTHS_3[m]) for m in range(1, 13))]
    health_labels = {None: _("Not reported"), **{v: str(label) for v, label in Health.choices}}
    phases = {value: str(label) for value, label in Project.Phase.choices}
    states = {value: str(label).lower() for value, label in Project.Status.choices}
    order_states = {value: str(label) for value, label in Order.Status.choices}

    def day(value) -> str:
        return f"{value.day} {months[value.month]} {value.year}" if value else "–"

    rows = []
    for entry in entries:
        if entry.project_id:
            project = entry.project
            phase = phases.get(project.phase, project.phase)
            if project.status != Project.Status.ACTIVE:
                phase += f" ({states.get(project.status, project.status)})"
            rows.append({
                "entry": entry, "forms": None, "project": True, "url": project.get_absolute_url(),
                "label": project.name, "department": project.sponsor_department.short_name,
                "phase": phase, "health": project.health or "none",
                "health_label": health_labels[project.health], "cost": sek(project.budget),
                "end": day(project.planned_end),
            })
        else:
            order = entry.order
            rows.append({
                "entry": entry, "forms": None, "project": False, "url": order.get_absolute_url(),
                "label": entry.title,
                "department": order.department.short_name, "status": order.status,
                "phase": order_states.get(order.status, order.status),
                "cost": sek(order.estimated_cost), "end": day(order.planned_end),
            })
    return rows


def _open_entry(request: HttpRequest, bound: dict) -> int | None:
    """The entry whose tools are open: the one of a refused change, or the one asked for."""
    if bound:
        return next(iter(bound))[1]
    try:
        return int(request.GET.get("change", ""))
    except ValueError:
        return None


#: Entries of the ranked portfolio on one page.
ENTRIES_PER_PAGE = 50


def ranking_address(rank: int) -> str:
    """The ranked portfolio's page holding place `rank` (the change manager's view, where the
    places run without gaps)."""
    page = (max(rank, 1) - 1) // ENTRIES_PER_PAGE + 1
    return reverse("portfolio:ranking") + (f"?page={page}" if page > 1 else "")


def _page(request: HttpRequest, *, bound: dict | None = None, add_form=None, status=200):
    """The ranked portfolio, ENTRIES_PER_PAGE entries a page in the order of their places.
    For the change manager each entry has a link to its move and remove forms, which are
    made for that one entry on request (htmx, or this page with `?change=<id>`, which opens
    the page holding it): 250 entries' forms on every view cost half a second."""
    user = request.user
    can_manage = perms.can_manage_portfolio(user)
    bound = bound or {}
    open_pk = _open_entry(request, bound) if can_manage else None
    # The page holding the entry whose forms are open, or the one asked for.
    page, entries = selectors.ranked_page(user, request.GET.get("page"), ENTRIES_PER_PAGE,
                                          holding=open_pk)
    rows = _rows(entries)
    for row in rows:
        if row["entry"].pk == open_pk:
            row["forms"] = _tools(row["entry"], bound)
    context = {
        "rows": rows,
        "page": page,
        "can_manage": can_manage,
        "sees_whole": perms.sees_whole_portfolio(user),
        "query": query_without(request, "export", "change", "awaiting", "add"),
        "page_query": query_without(request, "export", "change", "page", "add"),
        # The address of an entry's forms is this and its id (one reverse, not one a row).
        "tools_prefix": reverse("portfolio:entry_tools", args=[1]).removesuffix("1/"),
    }
    if can_manage:
        # The change orders to rank (a couple of hundred options) are listed on request:
        # the form comes in place of its link (htmx), or with the page (`?add=1`).
        has_candidates = add_form is not None or selectors.rankable_orders().exists()
        if add_form is None and has_candidates and request.GET.get("add") == "1":
            add_form = _add_form()
        context.update({
            "add_form": add_form,
            "has_candidates": has_candidates,
            "add_prefix": query_without(request, "export", "change", "add"),
            **_awaiting(request),
            "threshold": services.large_order_threshold(),
            "history": list(selectors.rank_history(limit=5)),
        })
    return render(request, "portfolio/ranking.html", context, status=status)


def _add_form() -> AddOrderForm:
    """The form to rank a change order, asked for: the choice of order focused."""
    # The options need only each order's name (its reference and title).
    form = AddOrderForm(
        orders=selectors.rankable_orders().select_related(None).only("reference", "title"))
    form.fields["order"].widget.attrs["autofocus"] = True
    return form


#: Approved project orders without a project listed unless all are asked for.
AWAITING_SHOWN = 10


def _awaiting(request: HttpRequest) -> dict:
    """Approved project orders without a project, those waiting longest first: the first
    AWAITING_SHOWN, or all with `?awaiting=all`; one query, which also counts them all."""
    every = request.GET.get("awaiting") == "all"
    orders = (
        selectors.orders_awaiting_project().select_related(None).select_related("department")
        .only("reference", "title", "decided_at", "department__short_name")
        .annotate(total=Window(Count("pk")))
    )
    awaiting = list(orders if every else orders[:AWAITING_SHOWN])
    total = awaiting[0].total if awaiting else 0
    return {"awaiting": awaiting, "awaiting_total": total,
            "awaiting_more": total - len(awaiting)}


@require_GET
def entry_tools(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """One entry's move and remove forms, for its row of the ranked portfolio (htmx); without
    script the link leads to the page with them open."""
    entry = _entry(request, entry_pk)
    row = {"entry": entry, "forms": _tools(entry)}
    if not request.htmx:
        return redirect(reverse("portfolio:ranking") + f"?change={entry.pk}#post-{entry.pk}")
    return render(request, "portfolio/ranking.html#tools", {"row": row})


@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    """The ranked portfolio, as far as the person may see it."""
    require_access(request)
    fmt = export_format(request)
    if fmt:
        entries = selectors.ranked_entries(request.user)
        return export_response(fmt, _("Project portfolio"), [str(h) for h in ENTRY_HEADERS],
                               entry_rows(entries))
    return _page(request)


def _entry(request: HttpRequest, entry_pk: int) -> PortfolioEntry:
    require_access(request)
    if not perms.can_manage_portfolio(request.user):
        raise PermissionDenied
    try:
        return PortfolioEntry.objects.select_related("project", "order").get(pk=entry_pk)
    except PortfolioEntry.DoesNotExist as exc:
        raise Http404(_("No such entry in the portfolio.")) from exc


@require_POST
def entry_move(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = _entry(request, entry_pk)
    form = MoveForm(request.POST, prefix=f"move-{entry.pk}")
    if not form.is_valid():
        return _page(request, bound={("move", entry.pk): form}, status=400)
    try:
        services.portfolio_move(
            entry_id=entry.pk, actor=request.user, to_rank=form.cleaned_data["to_rank"],
            reason=form.cleaned_data["reason"],
            expected_rank=form.cleaned_data["expected_rank"],
        )
    except PortfolioEntry.DoesNotExist as exc:
        raise Http404 from exc
    except services.PortfolioError as exc:
        if exc.status_code == 409:
            show_refusal(request, exc)
            return _page(request, status=409)
        show_refusal(request, exc, form)
        return _page(request, bound={("move", entry.pk): form}, status=exc.status_code)
    rank = PortfolioEntry.objects.get(pk=entry.pk).rank
    messages.success(request, _("“%(title)s” is moved to place %(rank)s.") % {
        "title": entry.title, "rank": rank})
    return redirect(ranking_address(rank) + f"#post-{entry.pk}")


@require_POST
def entry_remove(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = _entry(request, entry_pk)
    form = RemoveForm(request.POST, prefix=f"remove-{entry.pk}")
    if not form.is_valid():
        return _page(request, bound={("remove", entry.pk): form}, status=400)
    try:
        services.portfolio_remove(entry_id=entry.pk, actor=request.user,
                                  reason=form.cleaned_data["reason"])
    except PortfolioEntry.DoesNotExist as exc:
        raise Http404 from exc
    except services.PortfolioError as exc:
        show_refusal(request, exc, form)
        return _page(request, bound={("remove", entry.pk): form}, status=exc.status_code)
    messages.success(request, _("“%(title)s” is no longer ranked in the portfolio.")
                     % {"title": entry.title})
    return redirect("portfolio:ranking")


@require_http_methods(["GET", "POST"])
def order_add(request: HttpRequest) -> HttpResponse:
    """Rank a larger change order (POST). GET gives the form with the orders to choose from,
    for the ranked portfolio's section (htmx); without script the link leads to the page
    with the form open."""
    require_access(request)
    if not perms.can_manage_portfolio(request.user):
        raise PermissionDenied
    if request.method == "GET":
        if not request.htmx:
            return redirect(reverse("portfolio:ranking") + "?add=1#h-add")
        return render(request, "portfolio/ranking.html#add", {"add_form": _add_form()})
    form = AddOrderForm(request.POST, orders=selectors.rankable_orders())
    if not form.is_valid():
        return _page(request, add_form=form, status=400)
    try:
        entry = services.portfolio_add_order(actor=request.user, order=form.cleaned_data["order"],
                                             reason=form.cleaned_data["reason"])
    except services.PortfolioError as exc:
        show_refusal(request, exc, form)
        return _page(request, add_form=form, status=exc.status_code)
    messages.success(request, _("The order is placed last in the portfolio, at place "
                                "%(rank)s.") % {"rank": entry.rank})
    return redirect(ranking_address(entry.rank) + f"#post-{entry.pk}")


HISTORY_HEADERS = (
    gettext_lazy("When"),
    gettext_lazy("What"),
    gettext_lazy("From place"),
    gettext_lazy("To place"),
    gettext_lazy("By"),
    gettext_lazy("Reason"),
)


@require_GET
def rank_history(request: HttpRequest) -> HttpResponse:
    """Every change to the ranked portfolio: who, when, from which place to which, and why."""
    require_whole(request)
    changes = selectors.rank_history()
    fmt = export_format(request)
    if fmt:
        # The record only grows: its rows are read as the file is written.
        return export_response(fmt, _("Changes to the portfolio's ranking"),
                               [str(h) for h in HISTORY_HEADERS], (
            [c.at, c.title, c.from_rank, c.to_rank,
             c.actor and (c.actor.get_full_name() or c.actor.username), c.reason]
            for c in changes.iterator(chunk_size=2000)
        ))
    return render(request, "portfolio/rank_history.html", {
        "changes": list(changes[:500]), "query": query_without(request, "export"),
    })
