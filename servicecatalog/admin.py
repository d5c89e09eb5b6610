from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Category,
    ContinuityScenario,
    Contract,
    Integration,
    Licence,
    ManagementPlan,
    Service,
    ServiceLevel,
    Supplier,
)


class ServiceLevelInline(admin.TabularInline):
    model = ServiceLevel
    extra = 0


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "category", "lifecycle", "department", "orderable")
    list_filter = ("kind", "lifecycle", "orderable", "category", "department")
    search_fields = ("name", "description")
    autocomplete_fields = ("system_owner", "system_manager")
    filter_horizontal = ("contracts",)
    inlines = [ServiceLevelInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organisation_number", "contact_name")
    search_fields = ("name",)


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ("title", "supplier", "starts_on", "ends_on", "notice_months")
    list_filter = ("supplier",)


@admin.register(Integration)
class IntegrationAdmin(SimpleHistoryAdmin):
    list_display = ("source", "target", "direction", "data", "method", "frequency")


class ScenarioInline(admin.TabularInline):
    model = ContinuityScenario
    extra = 0


@admin.register(ManagementPlan)
class ManagementPlanAdmin(SimpleHistoryAdmin):
    list_display = ("service", "year", "status", "approved_by")
    list_filter = ("status", "year")
    inlines = [ScenarioInline]


@admin.register(Licence)
class LicenceAdmin(SimpleHistoryAdmin):
    list_display = ("product", "supplier", "count", "used", "renews_on")
