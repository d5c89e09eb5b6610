from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgendaItem,
    BoardSettings,
    Meeting,
    MeetingMember,
    MeetingSeries,
    MinutesCorrection,
    Reminder,
    SeriesException,
)


@admin.register(BoardSettings)
class BoardSettingsAdmin(SimpleHistoryAdmin):
    """The cut-off, lead times and reminder timing, with their defaults."""

    def has_add_permission(self, request):
        return not BoardSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class SeriesExceptionInline(admin.TabularInline):
    model = SeriesException
    extra = 1


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(SimpleHistoryAdmin):
    list_display = ("name", "first_date", "interval_weeks", "start_time", "chair", "is_active")
    inlines = [SeriesExceptionInline]


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MemberInline(ReadOnlyMixin, admin.TabularInline):
    model = MeetingMember
    extra = 0
    fields = ("person", "role", "deputy_for", "attended")
    readonly_fields = fields


class ItemInline(ReadOnlyMixin, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("position", "paragraph", "kind", "title", "is_late", "outcome")
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Read-only: meetings change through the product's services, minutes never after justering."""

    list_display = ("__str__", "status", "chair", "adjuster")
    list_filter = ("status",)
    inlines = [MemberInline, ItemInline]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("sent_at", "kind", "recipient", "meeting", "order")
    list_filter = ("kind",)
    search_fields = ("key",)


admin.site.register(MinutesCorrection)
