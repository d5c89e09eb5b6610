from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BarrierReport


@admin.register(BarrierReport)
class BarrierReportAdmin(SimpleHistoryAdmin):
    list_display = ("created_at", "page_url", "email", "status")
    list_filter = ("status",)
    search_fields = ("page_url", "description", "email", "name")
    date_hierarchy = "created_at"
    readonly_fields = ("name", "email", "page_url", "description", "created_at")
    fields = ("created_at", "name", "email", "page_url", "description", "status", "note")

    def has_add_permission(self, request) -> bool:
        # Reports come from the public form only.
        return False
