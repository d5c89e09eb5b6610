"""Every write to the portfolio, as one service each, each in one transaction.

Projects and status reports are edited under a version check (a stale form is refused with a
409 instead of overwriting newer data). The ranked portfolio is renumbered under a row lock,
and every move, addition and removal is recorded as a RankChange with who did it and why.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order
from organisation.models import User
from organisation.predicates import is_change_manager
from tyreso_it.core.errors import ServiceError

from . import permissions as perms
from .models import Health, Milestone, PortfolioEntry, Project, RankChange, StatusReport


class PortfolioError(ServiceError):
    """A refused write of this app (see tyreso_it.core.errors)."""


class NotAllowed(PortfolioError):
    status_code = 403


class StaleVersion(PortfolioError):
    """Someone else saved first: the form the user started from is out of date."""

    status_code = 409


#: Orders that may become a project: approved project orders not yet delivered.
PROJECT_ORDER_STATES = (Order.Status.APPROVED, Order.Status.PLANNED, Order.Status.IN_PROGRESS)
#: Change orders that may take a place in the ranked portfolio: decided, not yet delivered.
RANKED_ORDER_KINDS = (Order.Kind.CHANGE, Order.Kind.NEW_FUNCTION)
RANKED_ORDER_STATES = PROJECT_ORDER_STATES

PROJECT_FIELDS = (
    "name", "description", "sponsor_department", "manager", "phase", "status", "budget",
    "actual_cost", "planned_start", "planned_end", "actual_start", "actual_end",
)
#: What the project manager keeps up to date; the rest is the change manager's.
MANAGER_FIELDS = ("description", "phase", "actual_cost", "actual_start", "actual_end")
REPORT_FIELDS = (
    "schedule", "schedule_comment", "cost", "cost_comment", "scope", "scope_comment",
    "summary", "next_steps", "risks", "actual_cost",
)


def large_order_threshold() -> Decimal:
    """A change order is "larger" (belongs in the portfolio) from this estimated cost."""
    return Decimal(getattr(settings, "PORTFOLIO_LARGE_ORDER_SEK",
                           settings.DELEGATION_THRESHOLD_SEK))


def month_start(day: date) -> date:
    return day.replace(day=1)


# --- projects -----------------------------------------------------------------------------


def _check_dates(data: dict[str, Any]) -> None:
    for start, end, message in (
        ("planned_start", "planned_end", _("The planned end cannot be before the start.")),
        ("actual_start", "actual_end", _("The actual end cannot be before the start.")),
    ):
        if data.get(start) and data.get(end) and data[end] < data[start]:
            raise PortfolioError(message, field=end)


def _save(project: Project, actor: User, reason: str) -> None:
    project.version += 1
    project._history_user = actor
    project._change_reason = reason[:100]
    project.save()


def _append_entry(*, actor: User, reason: str, project: Project | None = None,
                  order: Order | None = None) -> PortfolioEntry:
    """Put a project or order last in the ranked portfolio (caller holds a transaction)."""
    entries = _locked_entries()
    entry = PortfolioEntry(project=project, order=order, rank=len(entries) + 1)
    entry._history_user = actor
    entry.save()
    RankChange.objects.create(project=project, order=order, title=entry.title[:255],
                              from_rank=None, to_rank=entry.rank, actor=actor, reason=reason)
    return entry


def project_create(*, actor: User, data: dict[str, Any], order: Order | None = None) -> Project:
    """Enter a project, directly or from an approved project order (kept as its `order`).

    One project per order: a second attempt for the same order is refused. The project takes
    the last place in the ranked portfolio.
    """
    if not perms.can_manage_portfolio(actor):
        raise NotAllowed(_("Only the change manager can enter projects."))
    _check_dates(data)
    with transaction.atomic():
        if order is not None:
            order = Order.objects.select_for_update().get(pk=order.pk)
            if order.kind != Order.Kind.PROJECT or order.status not in PROJECT_ORDER_STATES:
                raise PortfolioError(
                    _("Only an approved order of the type project becomes a project.")
                )
            if Project.objects.filter(order=order).exists():
                raise PortfolioError(_("This order already has a project."))
        project = Project(order=order, created_by=actor)
        for field in PROJECT_FIELDS:
            if field in data:
                setattr(project, field, data[field])
        project._history_user = actor
        project._change_reason = _("Project entered")
        try:
            with transaction.atomic():
                project.save()
        except IntegrityError as exc:
            raise PortfolioError(_("This order already has a project.")) from exc
        _append_entry(actor=actor, project=project, reason=_("New project"))
    return project


def project_update(
    *, project_id: int, actor: User, data: dict[str, Any], expected_version: int
) -> Project:
    """Change a project. The project manager changes only its day-to-day facts; closing or
    cancelling it takes it out of the ranked portfolio (recorded as a rank change)."""
    _check_dates(data)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project_id)
        if not perms.can_edit_project(actor, project):
            raise NotAllowed(_("You cannot change this project."))
        if project.version != expected_version:
            raise StaleVersion(_(
                "Someone else saved this project while you were editing it. Your changes were "
                "not saved: compare them with the newer version shown on the page and save "
                "again."
            ))
        allowed = PROJECT_FIELDS if is_change_manager(actor) else MANAGER_FIELDS
        changed = [f for f in PROJECT_FIELDS if f in data and getattr(project, f) != data[f]]
        refused = [f for f in changed if f not in allowed]
        if refused:
            raise NotAllowed(
                _("Only the change manager can change %(fields)s.") % {"fields": ", ".join(
                    str(Project._meta.get_field(f).verbose_name) for f in refused)},
                field=refused[0],
            )
        if not changed:
            return project
        was_open = project.is_open
        for field in changed:
            setattr(project, field, data[field])
        _save(project, actor, _("Project edited"))
        if was_open and not project.is_open:
            entry = PortfolioEntry.objects.filter(project=project).first()
            if entry is not None:
                _remove_entry(entry.pk, actor=actor, reason=_("The project is %(status)s.") % {
                    "status": project.get_status_display().lower()})
    return project


def _project_for_edit(project_id: int, actor: User) -> Project:
    project = Project.objects.select_for_update().get(pk=project_id)
    if not perms.can_edit_project(actor, project):
        raise NotAllowed(_("You cannot change this project."))
    return project


def milestone_add(*, project_id: int, actor: User, name: str, due_date: date) -> Milestone:
    """A milestone on the project's plan (change manager or project manager)."""
    if not name.strip():
        raise PortfolioError(_("Name the milestone."), field="name")
    with transaction.atomic():
        project = _project_for_edit(project_id, actor)
        milestone = Milestone(project=project, name=name.strip(), due_date=due_date)
        milestone._history_user = actor
        milestone.save()
        return milestone


def milestone_done(*, milestone_id: int, actor: User, done_on: date | None = None) -> Milestone:
    """Record that a milestone was reached (today unless a day is given)."""
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=milestone_id)
        _project_for_edit(milestone.project_id, actor)
        milestone.done_on = done_on or timezone.localdate()
        milestone._history_user = actor
        milestone.save(update_fields=["done_on"])
        return milestone


def milestone_remove(*, milestone_id: int, actor: User) -> None:
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=milestone_id)
        _project_for_edit(milestone.project_id, actor)
        milestone._history_user = actor
        milestone.delete()


def project_link_order(*, project_id: int, actor: User, order: Order) -> None:
    """Link another order that belongs to the project's work (the change manager). The
    project's own order is linked by being its `order`."""
    if not perms.can_manage_portfolio(actor):
        raise NotAllowed(_("Only the change manager links orders to projects."))
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project_id)
        if project.order_id == order.pk or project.linked_orders.filter(pk=order.pk).exists():
            return
        project.linked_orders.add(order)
        _save(project, actor, _("Order linked"))


def project_unlink_order(*, project_id: int, actor: User, order: Order) -> None:
    if not perms.can_manage_portfolio(actor):
        raise NotAllowed(_("Only the change manager links orders to projects."))
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project_id)
        if project.order_id == order.pk:
            raise PortfolioError(_("The project's own order stays linked."))
        project.linked_orders.remove(order)
        _save(project, actor, _("Order unlinked"))


# --- status reports -------------------------------------------------------------------------


def status_report_save(
    *,
    project_id: int,
    actor: User,
    period: date,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> StatusReport:
    """Write (or, with the version it was read at, correct) the report of one month.

    Each aspect that is not green needs a comment. The report with the latest period sets the
    project's health, and its actuals to date (when given) become the project's actuals.
    """
    period = month_start(period)
    if period > month_start(timezone.localdate()):
        raise PortfolioError(_("A month that has not begun cannot be reported."), field="period")
    for aspect in ("schedule", "cost", "scope"):
        if data.get(aspect) != Health.GREEN and not (data.get(f"{aspect}_comment") or "").strip():
            raise PortfolioError(_("Explain why it is not green."), field=f"{aspect}_comment")
    if not (data.get("summary") or "").strip():
        raise PortfolioError(_("Tell what was done in the period."), field="summary")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project_id)
        if not perms.can_report(actor, project):
            raise NotAllowed(_("Status reports are written by the project manager."))
        report = StatusReport.objects.select_for_update().filter(
            project=project, period=period
        ).first()
        if report is None:
            report = StatusReport(project=project, period=period, author=actor)
        elif expected_version != report.version:
            raise StaleVersion(_(
                "The report for this month was saved by someone else while you were writing. "
                "Your text was not saved: compare it with the saved report and save again."
            ))
        else:
            report.version += 1
        for field in REPORT_FIELDS:
            if field in data:
                setattr(report, field, data[field])
        report._history_user = actor
        report.save()
        latest = project.reports.order_by("-period").first()
        project.latest_report = latest
        fields = ["latest_report"]
        if latest == report and report.actual_cost is not None:
            project.actual_cost = report.actual_cost
            fields.append("actual_cost")
        project.version += 1
        project._history_user = actor
        project._change_reason = _("Status report %(period)s") % {"period": f"{period:%Y-%m}"}
        project.save(update_fields=[*fields, "version", "updated_at"])
    return report


# --- the ranked portfolio ---------------------------------------------------------------------


def _locked_entries() -> list[PortfolioEntry]:
    # No joins here: PostgreSQL cannot lock the nullable side of an outer join.
    return list(PortfolioEntry.objects.select_for_update().order_by("rank", "pk"))


def _renumber(entries: list[PortfolioEntry], actor: User) -> None:
    for rank, entry in enumerate(entries, start=1):
        if entry.rank != rank:
            entry.rank = rank
            entry._history_user = actor
            entry.save(update_fields=["rank"])


def _need_reason(reason: str) -> str:
    if not reason.strip():
        raise PortfolioError(_("Give a reason: the portfolio's order must be explainable."),
                             field="reason")
    return reason.strip()


def is_rankable_order(order: Order) -> bool:
    """A larger change order, decided and not yet delivered, may take a place in the portfolio."""
    return (
        order.kind in RANKED_ORDER_KINDS
        and order.status in RANKED_ORDER_STATES
        and order.estimated_cost is not None
        and order.estimated_cost >= large_order_threshold()
    )


def portfolio_add_order(*, actor: User, order: Order, reason: str) -> PortfolioEntry:
    """Give a larger change order the last place in the ranked portfolio."""
    if not perms.can_manage_portfolio(actor):
        raise NotAllowed(_("Only the change manager ranks the portfolio."))
    reason = _need_reason(reason)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if not is_rankable_order(order):
            raise PortfolioError(
                _("Only a larger change order, decided and not yet delivered, is ranked in the "
                  "portfolio (estimated cost from %(threshold)s SEK).")
                % {"threshold": f"{large_order_threshold():,.0f}".replace(",", " ")},
                field="order",
            )
        if PortfolioEntry.objects.filter(order=order).exists():
            raise PortfolioError(_("The order is already in the portfolio."), field="order")
        return _append_entry(actor=actor, order=order, reason=reason)


def portfolio_move(
    *, entry_id: int, actor: User, to_rank: int, reason: str, expected_rank: int
) -> PortfolioEntry:
    """Move one entry to place `to_rank`; the entries between shift one place.

    `expected_rank` is the place the user saw: if the portfolio was reordered since, the move
    is refused (409) rather than applied to a list the user has not seen.
    """
    if not perms.can_manage_portfolio(actor):
        raise NotAllowed(_("Only the change manager ranks the portfolio."))
    reason = _need_reason(reason)
    with transaction.atomic():
        entries = _locked_entries()
        entry = next((e for e in entries if e.pk == entry_id), None)
        if entry is None:
            raise PortfolioEntry.DoesNotExist
        if entry.rank != expected_rank:
            raise StaleVersion(_(
                "The portfolio was reordered by someone else while you were looking at it. "
                "Nothing was moved: check the new order and try again."
            ))
        to_rank = max(1, min(int(to_rank), len(entries)))
        from_rank = entry.rank
        if to_rank == from_rank:
            raise PortfolioError(_("The entry already has this place."), field="to_rank")
        entries.remove(entry)
        entries.insert(to_rank - 1, entry)
        _renumber(entries, actor)
        RankChange.objects.create(
            project_id=entry.project_id, order_id=entry.order_id, title=entry.title[:255],
            from_rank=from_rank, to_rank=to_rank, actor=actor, reason=reason,
        )
        return entry


def _remove_entry(entry_id: int, *, actor: User, reason: str) -> None:
    entries = _locked_entries()
    entry = next((e for e in entries if e.pk == entry_id), None)
    if entry is None:
        raise PortfolioEntry.DoesNotExist
    RankChange.objects.create(
        project_id=entry.project_id, order_id=entry.order_id, title=entry.title[:255],
        from_rank=entry.rank, to_rank=None, actor=actor, reason=reason,
    )
    entries.remove(entry)
    entry._history_user = actor
    entry.delete()
    _renumber(entries, actor)


def portfolio_remove(*, entry_id: int, actor: User, reason: str) -> None:
    """Take an entry out of the ranked portfolio; those below move up one place."""
    if not perms.can_manage_portfolio(actor):
        raise NotAllowed(_("Only the change manager ranks the portfolio."))
    reason = _need_reason(reason)
    with transaction.atomic():
        _remove_entry(entry_id, actor=actor, reason=reason)
