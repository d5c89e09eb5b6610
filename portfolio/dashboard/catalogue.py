"""The service catalogue's key figures (§6.5.11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import charts
from .common import Filters


@dataclass
class KeyFigure:
    label: str
    value: str
    href: str
    note: str = ""


def catalogue_figures(filters: Filters, today: date) -> list[KeyFigure]:
    """Services by lifecycle, systems without a current plan for the year, contract notice
    dates and licence renewals coming up, licences in use."""
    from servicecatalog.contracts import DUE_MONTHS_DEFAULT, due_items
    from servicecatalog.models import Licence, Service
    from servicecatalog.plans import MANAGED_LIFECYCLES, count_systems_missing_plans

    services = Service.objects.all()
    if filters.department is not None:
        services = services.filter(department=filters.department)
    by_lifecycle = {
        row["lifecycle"]: row for row in services.values("lifecycle").annotate(
            n=Count("pk"), with_sla=Count("pk", filter=Q(availability_target__isnull=False))
        ).order_by()
    }
    catalogue = reverse("servicecatalog:service_list")
    figures = []
    for value, label in Service.Lifecycle.choices:
        row = by_lifecycle.get(value, {"n": 0, "with_sla": 0})
        note = ""
        if value in MANAGED_LIFECYCLES and row["n"]:
            note = _("%(count)s with a service level agreement") % {"count": row["with_sla"]}
        query = {"lifecycle": value}
        if filters.department is not None:
            query["department"] = filters.department.pk
        figures.append(KeyFigure(
            _("Services: %(state)s") % {"state": str(label).lower()}, charts.fmt(row["n"]),
            f"{catalogue}?{urlencode(query)}", note,
        ))
    managed = sum(by_lifecycle.get(v, {"n": 0})["n"] for v in MANAGED_LIFECYCLES)
    missing = count_systems_missing_plans(
        filters.year, department_id=filters.department.pk if filters.department else None
    )
    query = {"year": filters.year}
    if filters.department is not None:
        query["department"] = filters.department.pk
    figures.append(KeyFigure(
        _("Systems without an approved plan with continuity planning for %(year)s")
        % {"year": filters.year},
        charts.fmt(missing),
        reverse("servicecatalog:plans_missing") + "?" + urlencode(query),
        ngettext("of %(count)s system in use or being phased out",
                 "of %(count)s systems in use or being phased out", managed) % {"count": managed},
    ))
    due = due_items(today)
    notices = sum(1 for d in due if d.kind == "contract")
    figures.append(KeyFigure(
        ngettext("Contract notice dates and licence renewals in the coming %(months)s month",
                 "Contract notice dates and licence renewals in the coming %(months)s months",
                 DUE_MONTHS_DEFAULT) % {"months": DUE_MONTHS_DEFAULT},
        charts.fmt(len(due)), reverse("servicecatalog:due_list"),
        ngettext("%(count)s notice date", "%(count)s notice dates", notices) % {
            "count": notices},
    ))
    licences = Licence.objects.aggregate(count=Sum("count"), used=Sum("used"))
    total, used = licences["count"] or 0, licences["used"] or 0
    figures.append(KeyFigure(
        _("Licences in use"), f"{charts.fmt(used)} / {charts.fmt(total)}",
        reverse("servicecatalog:licence_list"),
        _("%(share)s %% used") % {"share": charts.fmt(used * 100 / total) if total else "–"},
    ))
    return figures
