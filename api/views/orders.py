"""Orders in the API: the list and the detail as the pages show them, and the orderer's writes,
each through the service the page uses (`orders.services`)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from orders import selectors as order_selectors
from orders import services as order_services
from orders.models import Order
from orders.secrecy import can_read_secret

from ..pagination import Cursor
from ..serializers import orders as s
from .base import ApiView, ListApiView

TAG = ["orders"]

#: What a row of the API's list reads of an order (the long texts are not read for a list).
LIST_ONLY = (
    "id", "reference", "title", "status", "kind", "created_at", "submitted_at",
    "status_changed_at", "department__id", "department__short_name", "department__name",
)


class OrderFilterSerializer(serializers.Serializer):
    """The list's filters: the same as the orders page's (`orders.selectors.order_list`)."""

    status = serializers.ListField(
        child=serializers.ChoiceField(choices=Order.Status.choices), required=False)
    department = serializers.IntegerField(min_value=1, required=False)
    kind = serializers.ChoiceField(choices=Order.Kind.choices, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    submitted_from = serializers.DateField(required=False)
    submitted_to = serializers.DateField(required=False)
    decided_from = serializers.DateField(required=False)
    decided_to = serializers.DateField(required=False)
    delivered_from = serializers.DateField(required=False)
    delivered_to = serializers.DateField(required=False)
    q = serializers.CharField(required=False, max_length=200, trim_whitespace=True)


FILTER_PARAMETERS = [
    OpenApiParameter("status", OpenApiTypes.STR, many=True, enum=Order.Status.values,
                     description="State (repeat for several)", explode=True),
    OpenApiParameter("department", OpenApiTypes.INT, description="Department id"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=Order.Kind.values, description="Type"),
    OpenApiParameter("year", OpenApiTypes.INT, description="Year created"),
    *(OpenApiParameter(f"{name}_{end}", OpenApiTypes.DATE,
                       description=f"{name.capitalize()} on or {word} this day")
      for name in ("submitted", "decided", "delivered")
      for end, word in (("from", "after"), ("to", "before"))),
    OpenApiParameter("q", OpenApiTypes.STR, description="Reference, or text in title or need"),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Rows per page (at most 100)"),
]


def visible_order(user, pk: int) -> Order:
    """The order `user` may see, locked to nothing; a 404 for any other (as the pages)."""
    order = Order.objects.visible_to(user).select_related("department").filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


class OrderList(ListApiView):
    """Orders the caller may see, newest first, with the orders page's filters."""

    serializer_class = s.OrderListSerializer
    pagination_class = Cursor

    def get_queryset(self):
        filters = OrderFilterSerializer(data={
            **{k: v for k, v in self.request.query_params.items() if k != "status"},
            **({"status": self.request.query_params.getlist("status")}
               if "status" in self.request.query_params else {}),
        })
        filters.is_valid(raise_exception=True)
        return (
            order_selectors.order_list(self.request.user, filters.validated_data)
            .select_related(None).select_related("department").only(*LIST_ONLY)
        )

    @extend_schema(tags=TAG, parameters=FILTER_PARAMETERS, operation_id="orders_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=s.OrderCreateSerializer,
                   responses={201: s.OrderDetailSerializer}, operation_id="orders_create")
    def post(self, request, *args, **kwargs):
        """Write a new draft (`orders.services.order_create`)."""
        data = s.OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_services.order_create(
            actor=request.user, department=data.validated_data["department"],
            data=data.request_data())
        return detail_response(request, order.pk, status.HTTP_201_CREATED)


def detail_response(request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    try:
        order = order_selectors.order_detail(request.user, pk)
    except Order.DoesNotExist as exc:
        raise Http404 from exc
    # A secrecy-marked order's need and its changes, only for those who may read them
    # (orders.secrecy), as on the order page.
    readable = can_read_secret(request.user, order)
    timeline = order_selectors.order_timeline(order, recent=None, secret_readable=readable)
    data = s.OrderDetailSerializer(
        order, context={"timeline": timeline, "secret_readable": readable}).data
    return Response(data, status=code)


class OrderDetail(ApiView):
    @extend_schema(tags=TAG, responses=s.OrderDetailSerializer, operation_id="orders_retrieve")
    def get(self, request, pk: int):
        """One order with its comments and its whole history."""
        return detail_response(request, pk)


class OrderComment(ApiView):
    @extend_schema(tags=TAG, request=s.CommentInputSerializer, responses={201: s.CommentSerializer},
                   operation_id="orders_comment")
    def post(self, request, pk: int):
        """Comment on the order (`orders.services.comment_add`)."""
        order = visible_order(request.user, pk)
        data = s.CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = order_services.comment_add(order_id=order.pk, actor=request.user,
                                             body=data.validated_data["body"])
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class Transition(ApiView):
    """One transition of an order, through its service; the order as it is afterwards."""

    action: str = ""
    input_serializer: type[serializers.Serializer] = s.NoteSerializer

    def call(self, order: Order, data: dict) -> Order:  # pragma: no cover - per subclass
        raise NotImplementedError

    def post(self, request, pk: int):
        order = visible_order(request.user, pk)
        # Someone without the right, or too late, is told so rather than about the input.
        order_services.transition_check(self.action, order, request.user)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.call(order, data.validated_data)
        return detail_response(request, order.pk)


def transition_schema(action: str, input_serializer, summary: str):
    return extend_schema(tags=TAG, request=input_serializer, responses=s.OrderDetailSerializer,
                         operation_id=f"orders_{action}", summary=summary)


class OrderSubmit(Transition):
    action = "submit"

    @transition_schema("submit", None, "Submit a draft for the department")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def call(self, order, data):
        return order_services.order_submit(order_id=order.pk, actor=self.request.user)

    input_serializer = serializers.Serializer


class OrderSupplement(Transition):
    action = "supplement"
    input_serializer = s.AnswerSerializer

    @transition_schema("supplement", s.AnswerSerializer, "Answer a supplement request")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def call(self, order, data):
        return order_services.order_supplement(order_id=order.pk, actor=self.request.user,
                                               answer=data["answer"])


class OrderAccept(Transition):
    action = "accept"
    input_serializer = s.NoteSerializer

    @transition_schema("accept", s.NoteSerializer, "Accept the delivery")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def call(self, order, data):
        return order_services.order_accept(order_id=order.pk, actor=self.request.user,
                                           note=data["note"])


class OrderDeviation(Transition):
    action = "report_deviation"
    input_serializer = s.ReasonSerializer

    @transition_schema("report_deviation", s.ReasonSerializer, "Report a deviation")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def call(self, order, data):
        return order_services.order_report_deviation(order_id=order.pk, actor=self.request.user,
                                                     reason=data["reason"])

