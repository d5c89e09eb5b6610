"""How the catalogue, the portfolio, the board and the HUKI matrix look in the API (read only).

Only what every reader of the corresponding page sees: the catalogue's internal fields (yearly
cost, internal notes, contract values) are not in the API.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from board.models import AgendaItem, Meeting
from portfolio.models import Health, Project
from raci.models import Letter, Process
from servicecatalog.models import Integration, ManagementPlan, Service

from .orders import DepartmentRefSerializer, PersonSerializer


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class ServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Service.Kind.choices)
    description = serializers.CharField(allow_blank=True)
    category = serializers.CharField(source="category.name", allow_null=True, default=None)
    lifecycle = serializers.ChoiceField(choices=Service.Lifecycle.choices)
    department = DepartmentRefSerializer(allow_null=True)
    supplier = NamedRefSerializer(allow_null=True)
    contact = serializers.CharField(allow_blank=True)
    availability_target = serializers.DecimalField(max_digits=5, decimal_places=2,
                                                   allow_null=True)
    support_hours = serializers.CharField(allow_blank=True)
    personal_data = serializers.BooleanField()
    orderable = serializers.BooleanField()
    url = serializers.CharField(source="get_absolute_url")


class ServiceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class IntegrationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    source = ServiceRefSerializer()
    target = ServiceRefSerializer()
    direction = serializers.ChoiceField(choices=Integration.Direction.choices)
    data = serializers.CharField()
    method = serializers.CharField(allow_blank=True)
    frequency = serializers.CharField(allow_blank=True)


class ManagementPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    service = ServiceRefSerializer()
    year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ManagementPlan.Status.choices)
    goals = serializers.CharField(allow_blank=True)
    activities = serializers.CharField(allow_blank=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    recovery_time_hours = serializers.IntegerField(allow_null=True)
    manual_fallback = serializers.CharField(allow_blank=True)
    url = serializers.CharField(source="get_absolute_url")


class ProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    sponsor_department = DepartmentRefSerializer()
    manager = PersonSerializer()
    phase = serializers.ChoiceField(choices=Project.Phase.choices)
    status = serializers.ChoiceField(choices=Project.Status.choices)
    health = serializers.ChoiceField(choices=Health.choices, allow_null=True)
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    actual_cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    planned_start = serializers.DateField(allow_null=True)
    planned_end = serializers.DateField(allow_null=True)
    rank = serializers.IntegerField(source="entry.rank", allow_null=True, default=None)
    url = serializers.CharField(source="get_absolute_url")


class PortfolioEntrySerializer(serializers.Serializer):
    """A place in the ranked portfolio: a project or an order (the one that is not null).
    Ranks are the portfolio's own: someone who sees part of it sees gaps."""

    id = serializers.IntegerField(source="pk")
    rank = serializers.IntegerField()
    title = serializers.CharField()
    project = serializers.IntegerField(source="project_id", allow_null=True)
    order = serializers.IntegerField(source="order_id", allow_null=True)
    department = serializers.CharField(source="department.short_name")


class AgendaItemSerializer(serializers.Serializer):
    """An item of the agenda; its decision only once the minutes are adjusted."""

    id = serializers.IntegerField(source="pk")
    position = serializers.IntegerField()
    paragraph = serializers.IntegerField(allow_null=True)
    kind = serializers.ChoiceField(choices=AgendaItem.Kind.choices)
    title = serializers.CharField()
    order = serializers.IntegerField(source="order_id", allow_null=True)
    order_reference = serializers.SerializerMethodField()
    is_late = serializers.BooleanField()
    decision = serializers.SerializerMethodField()

    def get_order_reference(self, item) -> str | None:
        return item.order.reference if item.order_id else None

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_decision(self, item) -> dict | None:
        if item.meeting.status != Meeting.Status.ADJUSTED or not item.outcome:
            return None
        return {"outcome": item.outcome, "outcome_label": item.get_outcome_display(),
                "reason": item.decision_reason, "note": item.decision_note}


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Meeting.Status.choices)
    chair = PersonSerializer()
    adjusted_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(source="get_absolute_url")


class MeetingDetailSerializer(MeetingSerializer):
    agenda = serializers.SerializerMethodField()

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda(self, meeting) -> list[dict]:
        return AgendaItemSerializer(self.context["items"], many=True).data


class RoleSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()


class MatrixCellSerializer(serializers.Serializer):
    role = serializers.IntegerField()
    letter = serializers.ChoiceField(choices=Letter.choices)


class MatrixActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    process = serializers.ChoiceField(choices=Process.choices)
    name = serializers.CharField()
    cells = MatrixCellSerializer(many=True)


class MatrixSerializer(serializers.Serializer):
    """The HUKI matrix in force: H(uvudansvarig), U(tförare), K(onsulteras), I(nformeras)."""

    number = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    roles = RoleSerializer(many=True)
    activities = MatrixActivitySerializer(many=True)
