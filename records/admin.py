"""Retention in the administration: to look at, with history. The schedule is changed on its
own page (`records.services`); the culling record is never changed or deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CullingRecord, LegalHold, Pseudonym, RetentionRule


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(ReadOnlyAdmin):
    list_display = ("kind", "period", "unit", "action", "updated_at", "updated_by")


@admin.register(CullingRecord)
class CullingRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "action", "period", "unit", "count", "started_by")
    list_filter = ("kind", "action")


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin):
    list_display = ("order", "set_by", "set_at", "lifted_by", "lifted_at")


@admin.register(Pseudonym)
class PseudonymAdmin(ReadOnlyAdmin):
    list_display = ("user", "at", "by")
