from django.contrib import admin

from . import login_admin  # noqa: F401 - the failed logins and lockouts (django-axes)
from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("subject", "recipients")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
