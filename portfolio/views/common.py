"""What the portfolio's views share: the access check and the export switch."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from ..permissions import portfolio_access, sees_whole_portfolio

EXPORT_FORMATS = {"csv", "xlsx"}


def require_access(request: HttpRequest) -> None:
    """Those who may see no project at all get a 404, like any address they may not open."""
    if not portfolio_access(request.user):
        raise Http404(_("No such page."))


def require_whole(request: HttpRequest) -> None:
    """Pages about the whole portfolio: for those who see every order."""
    if not sees_whole_portfolio(request.user):
        raise Http404(_("No such page."))


def export_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("export", "")
    return fmt if fmt in EXPORT_FORMATS else None


def query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def health_label(value: str | None) -> str:
    from ..models import Health

    return str(Health(value).label) if value else _("Not reported")
