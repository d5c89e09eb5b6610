from datetime import timedelta

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from . import login_admin  # noqa: F401 - the failed logins and lockouts (django-axes)
from .models import OutboxMessage
from .selectors import outbox_health
from .services import outbox_requeue


class AgeFilter(admin.SimpleListFilter):
    """Messages queued longer ago than a choice of ages: the stuck ones first of all."""

    title = _("age")
    parameter_name = "age"
    AGES = {"15m": timedelta(minutes=15), "1h": timedelta(hours=1), "1d": timedelta(days=1)}

    def lookups(self, request, model_admin):
        return [("15m", _("Older than 15 minutes")), ("1h", _("Older than an hour")),
                ("1d", _("Older than a day"))]

    def queryset(self, request, queryset):
        age = self.AGES.get(self.value())
        if age is None:
            return queryset
        return queryset.filter(created_at__lt=timezone.now() - age)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only but for one action: queue failed messages to be sent again (a service,
    recorded in each message's history with who did it)."""

    list_display = ("subject", "status", "attempts", "created_at", "next_attempt_at", "sent_at",
                    "reason")
    list_filter = ("status", AgeFilter)
    search_fields = ("subject", "recipients", "message_id")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["requeue"]
    # The table keeps every email ever sent: count only what the list shows.
    show_full_result_count = False

    @admin.display(description=pgettext_lazy("outbox", "reason"))
    def reason(self, obj: OutboxMessage) -> str:
        return Truncator(obj.last_error).chars(120)

    @admin.action(description=_("Send again"), permissions=["requeue"])
    def requeue(self, request, queryset):
        chosen = list(queryset.values_list("pk", flat=True))
        count = outbox_requeue(message_ids=chosen, actor=request.user)
        if count:
            self.message_user(request, ngettext(
                "%(count)d email queued to be sent again.",
                "%(count)d emails queued to be sent again.", count,
            ) % {"count": count}, messages.SUCCESS)
        if len(chosen) > count:
            left = len(chosen) - count
            self.message_user(request, ngettext(
                "%(count)d email was not given up and was left as it was.",
                "%(count)d emails were not given up and were left as they were.", left,
            ) % {"count": left}, messages.WARNING)

    def has_requeue_permission(self, request) -> bool:
        return request.user.has_perm("core.requeue_outboxmessage")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        # How the outbox stands, above the list: what waits and since when, what was given
        # up lately, and the mail server while it fails.
        extra_context = {**(extra_context or {}), "outbox_health": outbox_health()}
        return super().changelist_view(request, extra_context)

