from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Attachment,
    Comment,
    Order,
    OrderEvent,
    PriorityFactor,
    PriorityModel,
    SolutionOption,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = ("created_at", "author", "kind", "body")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    """Read-only in admin: orders change through the product's services only."""

    list_display = ("reference", "title", "department", "status", "handler", "created_at")
    list_filter = ("status", "kind", "department")
    search_fields = ("reference", "title")
    list_select_related = ("department", "handler")
    inlines = [EventInline, CommentInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class FactorInline(admin.TabularInline):
    model = PriorityFactor
    extra = 0


@admin.register(PriorityModel)
class PriorityModelAdmin(SimpleHistoryAdmin):
    list_display = ("version", "is_active", "created_at", "created_by")
    inlines = [FactorInline]

    def has_change_permission(self, request, obj=None):
        # A version in use is frozen: publish a new one instead.
        return obj is None or not obj.orders.exists()


admin.site.register(SolutionOption, SimpleHistoryAdmin)
admin.site.register(Attachment, SimpleHistoryAdmin)
