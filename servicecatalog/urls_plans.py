"""Addresses of management plans, suppliers, contracts and licences (under /tjanster/)."""

from django.urls import path

from .views import contracts, plans

urlpatterns = [
    # Management plans (förvaltningsplaner) with their continuity plans.
    path("planer/", plans.plan_list, name="plan_list"),
    path("planer/saknas/", plans.plans_missing, name="plans_missing"),
    path("planer/system/<int:service_pk>/", plans.service_plans, name="service_plans"),
    path("planer/system/<int:service_pk>/ny/", plans.plan_start, name="plan_start"),
    path("planer/<int:pk>/", plans.plan_detail, name="plan"),
    path("planer/<int:pk>/andra/", plans.plan_edit, name="plan_edit"),
    path("planer/<int:pk>/godkann/", plans.plan_approve, name="plan_approve"),
    path("planer/<int:pk>/scenarier/", plans.scenario_add, name="scenario_add"),
    path("planer/<int:pk>/scenarier/<int:scenario_pk>/ta-bort/", plans.scenario_remove,
         name="scenario_remove"),
    # Suppliers, contracts and licences.
    path("leverantorer/", contracts.supplier_list, name="supplier_list"),
    path("leverantorer/ny/", contracts.supplier_create, name="supplier_create"),
    path("leverantorer/<int:pk>/", contracts.supplier_detail, name="supplier"),
    path("leverantorer/<int:pk>/andra/", contracts.supplier_edit, name="supplier_edit"),
    path("avtal/", contracts.contract_list, name="contract_list"),
    path("avtal/ny/", contracts.contract_create, name="contract_create"),
    path("avtal/bevakning/", contracts.due_list, name="due_list"),
    path("avtal/<int:pk>/", contracts.contract_detail, name="contract"),
    path("avtal/<int:pk>/andra/", contracts.contract_edit, name="contract_edit"),
    path("licenser/", contracts.licence_list, name="licence_list"),
    path("licenser/ny/", contracts.licence_create, name="licence_create"),
    path("licenser/<int:pk>/andra/", contracts.licence_edit, name="licence_edit"),
]
