from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Activity, ConsultationTask, MatrixVersion


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    """The matrix's rows. Letters are set in the product's grid; here only the rows.

    An activity is retired, never deleted, so that every published version keeps its rows;
    its code ties it to the order flow and to imported files, so it is fixed once created.
    """

    list_display = ("name", "process", "code", "position", "is_active")
    list_filter = ("process", "is_active")
    search_fields = ("name", "code", "description")
    filter_horizontal = ("accountable_roles",)
    ordering = ("position", "pk")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MatrixVersion)
class MatrixVersionAdmin(ReadOnlyAdmin):
    """Read-only: versions are drafted and published in the product."""

    list_display = ("number", "status", "published_at", "published_by", "saved_at")
    list_filter = ("status",)


@admin.register(ConsultationTask)
class ConsultationTaskAdmin(ReadOnlyAdmin):
    """Read-only: consultations are made by the order flow and answered on the order."""

    list_display = ("order", "activity", "role", "status", "asked_at", "answered_by")
    list_filter = ("status", "role")
    list_select_related = ("order", "activity", "role", "answered_by")
