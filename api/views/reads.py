"""Read-only endpoints: the service catalogue, the portfolio, the board and the HUKI matrix,
each through the selector (and the permission rule) of its pages."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from board import selectors as board_selectors
from board.models import AgendaItem, Meeting
from portfolio import selectors as portfolio_selectors
from portfolio.models import Project
from portfolio.permissions import portfolio_access, projects_visible_to
from servicecatalog import selectors as catalogue_selectors
from servicecatalog.models import ManagementPlan, Service

from .. import selectors as api_selectors
from ..pagination import ByName, ByPk, Cursor
from ..serializers import reads as s
from .base import ApiView, ListApiView, RetrieveApiView


class ServiceList(ListApiView):
    """The service catalogue: services and business systems (readable by every employee)."""

    serializer_class = s.ServiceSerializer
    pagination_class = ByName

    def get_queryset(self):
        return catalogue_selectors.service_list()

    @extend_schema(tags=["catalogue"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ServiceDetail(RetrieveApiView):
    serializer_class = s.ServiceSerializer

    def get_queryset(self):
        return Service.objects.select_related("category", "department", "supplier")

    @extend_schema(tags=["catalogue"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class IntegrationList(ListApiView):
    """The system map's integrations: which systems exchange which data, how."""

    serializer_class = s.IntegrationSerializer
    pagination_class = ByPk

    def get_queryset(self):
        return catalogue_selectors.integration_list().select_related(None).select_related(
            "source", "target")

    @extend_schema(tags=["catalogue"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ManagementPlanList(ListApiView):
    """Management plans per system and year, with their continuity plans."""

    serializer_class = s.ManagementPlanSerializer
    pagination_class = ByPk

    def get_queryset(self):
        return ManagementPlan.objects.select_related("service")

    @extend_schema(tags=["catalogue"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def require_portfolio(user) -> None:
    if not portfolio_access(user):
        raise PermissionDenied(_("The portfolio is for the departments and the IT management."))


class ProjectList(ListApiView):
    """The projects the caller may see (`portfolio.permissions.projects_visible_to`)."""

    serializer_class = s.ProjectSerializer
    pagination_class = ByName

    def get_queryset(self):
        require_portfolio(self.request.user)
        return portfolio_selectors.project_list(self.request.user)

    @extend_schema(tags=["portfolio"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProjectDetail(RetrieveApiView):
    serializer_class = s.ProjectSerializer

    def get_queryset(self):
        require_portfolio(self.request.user)
        return projects_visible_to(self.request.user, Project.objects.select_related(
            "sponsor_department", "manager", "latest_report", "entry"))

    @extend_schema(tags=["portfolio"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RankedPortfolio(ListApiView):
    """The one ranked portfolio, as far as the caller may see it."""

    serializer_class = s.PortfolioEntrySerializer

    class pagination_class(Cursor):  # noqa: N801 - DRF's attribute
        ordering = ("rank", "pk")

    def get_queryset(self):
        require_portfolio(self.request.user)
        return portfolio_selectors.ranked_rows(self.request.user)

    @extend_schema(tags=["portfolio"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def require_board(user) -> None:
    if not board_selectors.board_access(user):
        raise PermissionDenied(_("Beslutsråd IT is for its members and the IT management."))


class MeetingList(ListApiView):
    """Meetings of Beslutsråd IT the caller may open, newest first."""

    serializer_class = s.MeetingSerializer

    class pagination_class(Cursor):  # noqa: N801 - DRF's attribute
        ordering = ("-starts_at", "-pk")

    def get_queryset(self):
        require_board(self.request.user)
        return board_selectors.meeting_list(self.request.user)

    @extend_schema(tags=["board"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MeetingDetail(ApiView):
    @extend_schema(tags=["board"], responses=s.MeetingDetailSerializer)
    def get(self, request, pk: int):
        """A meeting with its agenda; each item's decision once the minutes are adjusted."""
        require_board(request.user)
        try:
            meeting = board_selectors.meeting_detail(request.user, pk)
        except Meeting.DoesNotExist as exc:
            raise Http404 from exc
        items = board_selectors.agenda_items(meeting)
        for item in items:
            AgendaItem.meeting.field.set_cached_value(item, meeting)
        return Response(s.MeetingDetailSerializer(meeting, context={"items": items}).data)


class MatrixInForce(ApiView):
    @extend_schema(tags=["huki"], responses=s.MatrixSerializer)
    def get(self, request):
        """The HUKI matrix in force: one letter per role and activity (empty cells left out)."""
        matrix = api_selectors.matrix_in_force()
        if matrix is None:
            raise Http404
        return Response(s.MatrixSerializer(matrix).data)
