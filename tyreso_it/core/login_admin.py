"""The admin's view of failed logins and lockouts (django-axes' attempts), and the actions
that lift a lockout.

Axes' own list marks a row locked by AXES_FAILURE_LIMIT alone; here a row shows whether the
account at that address, or the address itself, is refused now, by the limits the login
throttle applies (`tyreso_it.core.login_throttle`), and until when.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import BooleanField, Case, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

ACCOUNT_LIMIT, ADDRESS_LIMIT = 0, 1  # indexes in settings.LOGIN_FAILURE_LIMITS


def _failures_since(since, **same) -> Subquery:
    """The failures of the cool-off window over the rows that share `same` with the row."""
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since, **same)
        .order_by()
        .values(*same)
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return Coalesce(Subquery(rows[:1]), 0)


def _latest(**same) -> Subquery:
    """The time of the last failure over the rows that share `same` with the row."""
    rows = AccessAttempt.objects.filter(**same).order_by("-attempt_time")
    return Subquery(rows.values("attempt_time")[:1])


def with_lockout(queryset: QuerySet) -> QuerySet:
    """`queryset` with each row's failures in the cool-off window for its account at its
    address (`account_failures`) and for its address (`address_failures`), the last failure
    of each (`account_latest`, `address_latest`) and whether either is refused now
    (`locked`)."""
    since = timezone.now() - get_cool_off()
    limits = settings.LOGIN_FAILURE_LIMITS
    account = {"username": OuterRef("username"), "ip_address": OuterRef("ip_address")}
    address = {"ip_address": OuterRef("ip_address")}
    return queryset.annotate(
        account_failures=_failures_since(since, **account),
        address_failures=_failures_since(since, **address),
        account_latest=_latest(**account),
        address_latest=_latest(**address),
        locked=Case(
            When(
                Q(account_failures__gte=limits[ACCOUNT_LIMIT])
                | Q(address_failures__gte=limits[ADDRESS_LIMIT]),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def lockout_ends(row: AccessAttempt):
    """When the lockouts `row` takes part in end (a row of `with_lockout`): each lasts the
    cool-off from the last failure it counts. None when none holds."""
    limits = settings.LOGIN_FAILURE_LIMITS
    ends = []
    if row.account_failures >= limits[ACCOUNT_LIMIT]:
        ends.append(row.account_latest + get_cool_off())
    if row.address_failures >= limits[ADDRESS_LIMIT]:
        ends.append(row.address_latest + get_cool_off())
    now = timezone.now()
    return max((end for end in ends if end > now), default=None)


class LockedFilter(admin.SimpleListFilter):
    title = _("refused now")
    parameter_name = "refused"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(locked=True)
        if self.value() == "no":
            return queryset.filter(locked=False)
        return queryset


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    """Failed logins by account and address, which of them are refused now, and the lifting
    of a lockout: an administrator's answer to a person who is locked out."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start",
                    "address_total", "refused", "refused_until"]
    list_filter = [LockedFilter, "attempt_time", "path_info"]
    actions = ["lift_account_lockout", "lift_address_lockout", "cleanup_expired_attempts"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return with_lockout(super().get_queryset(request))

    @admin.display(description=_("failures from the address"), ordering="address_failures")
    def address_total(self, obj: AccessAttempt) -> int:
        return obj.address_failures

    @admin.display(description=_("refused now"), boolean=True, ordering="locked")
    def refused(self, obj: AccessAttempt) -> bool:
        return obj.locked

    @admin.display(description=_("refused until"))
    def refused_until(self, obj: AccessAttempt):
        return lockout_ends(obj)

    @admin.action(description=_("Lift the lockout of the selected accounts at their addresses"),
                  permissions=["delete"])
    def lift_account_lockout(self, request: HttpRequest, queryset: QuerySet) -> None:
        pairs = set(queryset.values_list("username", "ip_address"))
        query = Q(pk__in=[])
        for username, address in pairs:
            query |= Q(username=username, ip_address=address)
        count, _by_model = AccessAttempt.objects.filter(query).delete()
        self.message_user(request, ngettext(
            "The lockout is lifted: %(count)d record of failed logins removed.",
            "The lockout is lifted: %(count)d records of failed logins removed.",
            count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Lift the lockout of the selected addresses, for every account"),
                  permissions=["delete"])
    def lift_address_lockout(self, request: HttpRequest, queryset: QuerySet) -> None:
        addresses = set(queryset.values_list("ip_address", flat=True))
        count, _by_model = AccessAttempt.objects.filter(ip_address__in=addresses).delete()
        self.message_user(request, ngettext(
            "The lockout is lifted: %(count)d record of failed logins removed.",
            "The lockout is lifted: %(count)d records of failed logins removed.",
            count) % {"count": count}, messages.SUCCESS)

