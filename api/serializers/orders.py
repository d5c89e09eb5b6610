"""How orders look in the API, and the input of its writes (validation only: every write is a
service of `orders.services`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orders.models import Comment, Order
from orders.secrecy import PLACEHOLDER
from orders.services import REQUEST_FIELDS
from organisation.models import Department
from servicecatalog.models import Service


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, person) -> str:
        return str(person)


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    short_name = serializers.CharField()
    name = serializers.CharField()


class OrderListSerializer(serializers.Serializer):
    """A row of the orders list: what the list page shows, and the dates to filter by."""

    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    status_label = serializers.CharField()
    kind = serializers.ChoiceField(choices=Order.Kind.choices)
    department = DepartmentRefSerializer()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    status_changed_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, order) -> str:
        return order.get_absolute_url()


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=Comment.Kind.choices)
    author = PersonSerializer()
    body = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    """One entry of the order's history: a transition, a comment, its creation or a change
    of its fields (as the order page's timeline shows them)."""

    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["event", "comment", "created", "change"])
    actor = PersonSerializer(allow_null=True)
    action = serializers.SerializerMethodField()
    from_status = serializers.SerializerMethodField()
    to_status = serializers.SerializerMethodField()
    text = serializers.CharField(allow_blank=True)
    changes = serializers.SerializerMethodField()

    def get_action(self, entry) -> str | None:
        return entry.event.action if entry.event is not None else None

    def get_from_status(self, entry) -> str | None:
        return entry.event.from_status if entry.event is not None else None

    def get_to_status(self, entry) -> str | None:
        return entry.event.to_status if entry.event is not None else None

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, entry) -> list[dict]:
        return [
            {"field": name, "old": None if old is None else str(old),
             "new": None if new is None else str(new)}
            for name, old, new in entry.changes
        ]


class OrderDetailSerializer(OrderListSerializer):
    orderer = PersonSerializer()
    handler = PersonSerializer(allow_null=True)
    service = serializers.IntegerField(source="service_id", allow_null=True)
    need = serializers.SerializerMethodField()
    secrecy_provision = serializers.CharField(allow_blank=True)
    functional_requirements = serializers.CharField(allow_blank=True)
    expected_benefit = serializers.CharField(allow_blank=True)
    one_off_cost = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    yearly_cost = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    lifetime_years = serializers.IntegerField(allow_null=True)
    yearly_benefit = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    desired_date = serializers.DateField(allow_null=True)
    legal_driver = serializers.CharField(allow_blank=True)
    personal_data = serializers.BooleanField()
    priority_score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    provider = serializers.StringRelatedField(allow_null=True)
    planned_start = serializers.DateField(allow_null=True)
    planned_end = serializers.DateField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    comments = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    def get_need(self, order) -> str:
        """The need text, or orders.secrecy's placeholder for one the caller may not read."""
        if self.context.get("secret_readable", True):
            return order.need
        return str(PLACEHOLDER)

    @extend_schema_field(CommentSerializer(many=True))
    def get_comments(self, order) -> list[dict]:
        return CommentSerializer(order.comments.all(), many=True).data

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, order) -> list[dict]:
        return HistoryEntrySerializer(self.context["timeline"].entries, many=True).data


# --- input ------------------------------------------------------------------------------------


class OrderCreateSerializer(serializers.Serializer):
    """A new draft. `department` must be one the caller belongs to (the service decides)."""

    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), label=_("Department"))
    title = serializers.CharField(max_length=200, label=_("title"))
    kind = serializers.ChoiceField(choices=Order.Kind.choices, label=_("type"))
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.exclude(lifecycle=Service.Lifecycle.RETIRED),
        required=False, allow_null=True, label=_("catalogue service"))
    need = serializers.CharField(label=_("need"))
    functional_requirements = serializers.CharField(required=False, allow_blank=True)
    expected_benefit = serializers.CharField(required=False, allow_blank=True)
    one_off_cost = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                                            required=False, allow_null=True)
    yearly_cost = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                                           required=False, allow_null=True)
    lifetime_years = serializers.IntegerField(min_value=0, max_value=32767, required=False,
                                              allow_null=True)
    yearly_benefit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                                              required=False, allow_null=True)
    desired_date = serializers.DateField(required=False, allow_null=True)
    legal_driver = serializers.CharField(required=False, allow_blank=True)
    personal_data = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if data.get("kind") == Order.Kind.CATALOGUE_SERVICE and not data.get("service"):
            raise serializers.ValidationError(
                {"service": _("Choose the service you want to order.")})
        return data

    def request_data(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k in REQUEST_FIELDS}


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, label=_("reason"))


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=10000, label=_("answer"))


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10000, label=_("text"))
