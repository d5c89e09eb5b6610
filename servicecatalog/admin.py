from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Service


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "lifecycle", "orderable")
    list_filter = ("lifecycle", "orderable")
    search_fields = ("name", "description")
