from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DashboardSnapshot, Milestone, PortfolioEntry, Project, RankChange, StatusReport


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("name", "sponsor_department", "manager", "phase", "status", "budget",
                    "actual_cost", "planned_end")
    list_filter = ("status", "phase", "sponsor_department")
    search_fields = ("name", "description")
    raw_id_fields = ("order", "linked_orders", "manager")
    readonly_fields = ("latest_report", "version", "created_at", "created_by")
    inlines = [MilestoneInline]


@admin.register(StatusReport)
class StatusReportAdmin(SimpleHistoryAdmin):
    list_display = ("project", "period", "schedule", "cost", "scope", "author")
    list_filter = ("period", "schedule", "cost", "scope")
    readonly_fields = ("version",)


@admin.register(PortfolioEntry)
class PortfolioEntryAdmin(SimpleHistoryAdmin):
    list_display = ("rank", "project", "order")
    raw_id_fields = ("project", "order")

    def has_change_permission(self, request, obj=None):
        # The rank is changed on the portfolio page, where every move records who and why.
        return False


@admin.register(RankChange)
class RankChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "title", "from_rank", "to_rank", "actor")
    readonly_fields = [f.name for f in RankChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DashboardSnapshot)
class DashboardSnapshotAdmin(admin.ModelAdmin):
    list_display = ("day", "taken_at")
    readonly_fields = ("day", "taken_at", "data")
