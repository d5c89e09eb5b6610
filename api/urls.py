from django.urls import path

from .views import base, docs, orders, reads, tokens

app_name = "api"

v1 = [
    path("v1/orders/", orders.OrderList.as_view(), name="orders"),
    path("v1/orders/<int:pk>/", orders.OrderDetail.as_view(), name="order"),
    path("v1/orders/<int:pk>/comments/", orders.OrderComment.as_view(), name="order_comment"),
    path("v1/orders/<int:pk>/submit/", orders.OrderSubmit.as_view(), name="order_submit"),
    path("v1/orders/<int:pk>/supplement/", orders.OrderSupplement.as_view(),
         name="order_supplement"),
    path("v1/orders/<int:pk>/accept/", orders.OrderAccept.as_view(), name="order_accept"),
    path("v1/orders/<int:pk>/deviation/", orders.OrderDeviation.as_view(),
         name="order_deviation"),
    path("v1/services/", reads.ServiceList.as_view(), name="services"),
    path("v1/services/<int:pk>/", reads.ServiceDetail.as_view(), name="service"),
    path("v1/integrations/", reads.IntegrationList.as_view(), name="integrations"),
    path("v1/management-plans/", reads.ManagementPlanList.as_view(), name="plans"),
    path("v1/projects/", reads.ProjectList.as_view(), name="projects"),
    path("v1/projects/<int:pk>/", reads.ProjectDetail.as_view(), name="project"),
    path("v1/portfolio/", reads.RankedPortfolio.as_view(), name="portfolio"),
    path("v1/meetings/", reads.MeetingList.as_view(), name="meetings"),
    path("v1/meetings/<int:pk>/", reads.MeetingDetail.as_view(), name="meeting"),
    path("v1/huki/", reads.MatrixInForce.as_view(), name="huki"),
]

urlpatterns = [
    path("schema/", docs.Schema.as_view(), name="schema"),
    path("docs/", docs.SwaggerUI.as_view(), name="docs"),
    path("redoc/", docs.Redoc.as_view(), name="redoc"),
    path("nycklar/", tokens.token_list, name="tokens"),
    path("nycklar/<int:pk>/aterkalla/", tokens.token_revoke, name="token_revoke"),
    *v1,
    # Last: any other address under /api/ is answered with a problem detail.
    path("<path:rest>", base.NotFound.as_view(), name="not_found"),
]
