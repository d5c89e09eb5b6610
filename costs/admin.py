"""IT's costs in the administration: to look at, with their history. They are written
through the cost pages (`costs.services`), which keep a published year unchanged."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CostItem, CostPool, DepartmentEntry, KeySet


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PoolInline(admin.TabularInline):
    model = CostPool
    extra = 0
    fields = ("name", "amount", "basis")
    readonly_fields = fields
    can_delete = False


@admin.register(KeySet)
class KeySetAdmin(ReadOnlyAdmin):
    list_display = ("year", "status", "total", "department_count", "published_at",
                    "published_by")
    list_filter = ("status",)
    inlines = [PoolInline]


@admin.register(DepartmentEntry)
class DepartmentEntryAdmin(ReadOnlyAdmin):
    list_display = ("key_set", "department", "users", "fixed_share", "licences_held",
                    "systems_owned", "orders_delivered")
    list_filter = ("key_set",)


@admin.register(CostItem)
class CostItemAdmin(ReadOnlyAdmin):
    list_display = ("key_set", "kind", "label", "amount")
    list_filter = ("key_set", "kind")
    search_fields = ("label",)
