"""The service catalogue's periodic scanners: which reminders are due today, sent exactly once.

A scanner never schedules anything ahead: each run works out from the database what is due on
today's date in Europe/Stockholm and queues each reminder in the outbox under a unique key
(`outbox_enqueue(dedupe_key=...)`), so a rerun, a retry or a second scanner running at the
same moment queues nothing twice.

Yearly review of a management plan: on the 1st of the service's review month, if that year's
plan is not approved, the system manager (or, without one, the system owner) is reminded;
30 days later once more if it is still not approved; then no more. A scanner that was down on
the day catches up while the step is still the latest one due.

Notice dates of contracts: `CONTRACT_NOTICE_REMINDER_DAYS` before the notice date (e.g. 120,
60 and 30 days) the contract's delivery manager and everyone in the delivery manager role are
reminded. A scanner that was down sends the reminder later, as long as the notice date has not
passed, but only the latest step due: never a stale 120-day reminder once the 60-day one is
due. A terminated contract gets none. The notice date is part of the key, so a contract whose
end date moves gets reminders for its new notice date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisation.models import Role, User
from tyreso_it.core.services import outbox_enqueue

from .models import Contract, ManagementPlan, Service
from .plans import MANAGED_LIFECYCLES

#: The second yearly-review reminder comes this many days after the first.
PLAN_SECOND_REMINDER_DAYS = 30
#: After the second reminder's day, a scanner that was down still sends it for this long.
PLAN_LAST_REMINDER_WINDOW_DAYS = 30


@dataclass
class Due:
    """A reminder due on `due_on`, queued under its unique `key`."""

    key: str
    due_on: date
    recipients: list[str]
    subject: str
    body: str


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _day(value: date) -> str:
    return formats.date_format(value, "j F Y")


def _address(user: User | None) -> str:
    return user.email if user is not None and user.is_active and user.email else ""


# --- management plans --------------------------------------------------------------------


def plan_review_dates(service: Service, year: int) -> tuple[date, date]:
    """The days of the first and second yearly-review reminder of `year`."""
    first = date(year, service.review_month, 1)
    return first, first + timedelta(days=PLAN_SECOND_REMINDER_DAYS)


def _plan_step(service: Service, year: int, today: date) -> tuple[int, date] | None:
    """The reminder step (1 or 2) that is due for `year` on `today`, and its day."""
    first, second = plan_review_dates(service, year)
    if first <= today < second:
        return 1, first
    if second <= today < second + timedelta(days=PLAN_LAST_REMINDER_WINDOW_DAYS):
        return 2, second
    return None


def plan_reminders_due(today: date) -> list[Due]:
    """Yearly-review reminders due on `today` for plans that are not approved."""
    # December's second reminder falls on 31 December; its catch-up runs into January.
    years = (today.year - 1, today.year)
    services = (
        Service.objects.filter(lifecycle__in=MANAGED_LIFECYCLES)
        .select_related("system_manager", "system_owner")
        .prefetch_related(
            Prefetch("plans", queryset=ManagementPlan.objects.filter(year__in=years),
                     to_attr="recent_plans")
        )
        .order_by("name")
    )
    due = []
    for service in services:
        recipient = _address(service.system_manager) or _address(service.system_owner)
        if not recipient:
            continue
        for year in years:
            step = _plan_step(service, year, today)
            if step is None:
                continue
            plan = next((p for p in service.recent_plans if p.year == year), None)
            if plan is not None and plan.status == ManagementPlan.Status.APPROVED:
                continue
            number, day = step
            if plan is None:
                where = _("Start it from last year's plan: %(url)s") % {
                    "url": _url(service_plans_path(service))}
                state = _("There is no management plan for %(year)s yet.") % {"year": year}
            else:
                where = _("The plan: %(url)s") % {"url": _url(plan.get_absolute_url())}
                state = _("The management plan for %(year)s is a draft and not approved.") % {
                    "year": year}
            subject = (
                _("Yearly review: the management plan of %(service)s for %(year)s")
                if number == 1 else
                _("Second reminder: the management plan of %(service)s for %(year)s")
            ) % {"service": service.name, "year": year}
            body = _(
                "The yearly review of %(service)s is due this month. %(state)s\n\n"
                "Review the goals, planned activities, budget and the continuity plan "
                "(scenarios, recovery time objective and manual fallback), and have the plan "
                "approved by the system owner or the ordering function.\n\n%(where)s"
            ) % {"service": service.name, "state": state, "where": where}
            due.append(Due(key=f"plan-review:{service.pk}:{year}:{number}", due_on=day,
                           recipients=[recipient], subject=subject, body=body))
    return due


def service_plans_path(service: Service) -> str:
    return reverse("servicecatalog:service_plans", args=[service.pk])


# --- contracts ---------------------------------------------------------------------------


def notice_steps() -> list[int]:
    """Days before a notice date to remind, the earliest reminder first (e.g. 120, 60, 30)."""
    return sorted({int(days) for days in settings.CONTRACT_NOTICE_REMINDER_DAYS if days > 0},
                  reverse=True)


def contract_step(contract: Contract, today: date) -> int | None:
    """The latest reminder step due on `today` (days before the notice date), or None."""
    if contract.is_terminated:
        return None
    notice = contract.notice_date
    if notice < today:
        return None
    due = [days for days in notice_steps() if notice - timedelta(days=days) <= today]
    return min(due) if due else None


def delivery_manager_addresses() -> list[str]:
    """Everyone in the delivery manager role (leverantörs- och leveransansvarig)."""
    return list(
        User.objects.filter(is_active=True, groups__role__code=Role.Code.DELIVERY_MANAGER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def contract_reminders_due(today: date) -> list[Due]:
    """Notice-date reminders due on `today` for contracts in force."""
    contracts = (
        Contract.objects.filter(is_terminated=False, ends_on__gte=today)
        .select_related("supplier", "delivery_manager")
        .order_by("ends_on", "pk")
    )
    role = None
    due = []
    for contract in contracts:
        days = contract_step(contract, today)
        if days is None:
            continue
        if role is None:
            role = delivery_manager_addresses()
        notice = contract.notice_date
        left = (notice - today).days
        recipients = sorted({_address(contract.delivery_manager), *role} - {""})
        if not recipients:
            continue
        subject = _("Notice date %(date)s: %(title)s (%(supplier)s)") % {
            "date": _day(notice), "title": contract.title, "supplier": contract.supplier.name}
        body = "\n\n".join(filter(None, [
            ngettext(
                "The contract %(title)s with %(supplier)s must be terminated by %(date)s, in "
                "%(days)s day, if it is not to continue.",
                "The contract %(title)s with %(supplier)s must be terminated by %(date)s, in "
                "%(days)s days, if it is not to continue.",
                left,
            ) % {"title": contract.title, "supplier": contract.supplier.name,
                 "date": _day(notice), "days": left},
            ngettext("Period: %(start)s – %(end)s. Notice period: %(months)s month.",
                     "Period: %(start)s – %(end)s. Notice period: %(months)s months.",
                     contract.notice_months) % {
                "start": _day(contract.starts_on), "end": _day(contract.ends_on),
                "months": contract.notice_months},
            _("Renewal terms: %(terms)s") % {"terms": contract.renewal_terms}
            if contract.renewal_terms else "",
            _("The contract: %(url)s") % {"url": _url(contract.get_absolute_url())},
        ]))
        due.append(Due(key=f"contract-notice:{contract.pk}:{notice:%Y%m%d}:{days}",
                       due_on=notice - timedelta(days=days), recipients=recipients,
                       subject=subject, body=body))
    return due


# --- sending ---------------------------------------------------------------------------


def _send(items: list[Due]) -> int:
    sent = 0
    for item in items:
        # Each reminder in its own transaction: the key row and the message commit together.
        with transaction.atomic():
            message = outbox_enqueue(recipients=item.recipients, subject=item.subject,
                                     body=item.body, dedupe_key=item.key)
        sent += message is not None
    return sent


def _today(now: datetime | None) -> date:
    return timezone.localdate(now or timezone.now())


def plan_reminders_send(now: datetime | None = None) -> int:
    """Queue every yearly-review reminder due now; each exactly once. Returns how many."""
    with translation.override(settings.LANGUAGE_CODE):
        return _send(plan_reminders_due(_today(now)))


def contract_reminders_send(now: datetime | None = None) -> int:
    """Queue every notice-date reminder due now; each exactly once. Returns how many."""
    with translation.override(settings.LANGUAGE_CODE):
        return _send(contract_reminders_due(_today(now)))
