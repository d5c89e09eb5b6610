from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Read-only: a token is made and revoked by its owner on the token page; the secret and
    its digest are never shown."""

    list_display = ("name", "owner", "prefix", "scope", "created_at", "expires_at",
                    "last_used_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("name", "owner__username", "prefix")
    list_select_related = ("owner",)
    exclude = ("digest",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
