"""Administration of people, roles, departments and the register of authorised orderers.

The register (the department's inline and its own page) is the one place where membership of
a department is edited: who belongs is read from it on every request, so what the
administrator saves here is what people may see and do at their next request. There is no
permission page per department to contradict it.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, ExternalIdentity, OrdererRegistration, Provider, Role, User


class ExternalIdentityInline(admin.StackedInline):
    """The person's account at the identity provider (single sign-on), as its last login
    left it: the provider keeps it, so it is read here, not edited."""

    model = ExternalIdentity
    fields = ("employee_id", "issuer", "last_login")
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [ExternalIdentityInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Work"), {"fields": ("title", "phone")}),
    )
    list_display = ("username", "get_full_name", "email", "title", "is_active")


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "group")
    readonly_fields = ("code", "group")


class OrdererRegistrationInline(admin.TabularInline):
    model = OrdererRegistration
    fk_name = "department"
    extra = 0
    autocomplete_fields = ("person", "deputy")


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "parent", "it_lead", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "short_name")
    autocomplete_fields = ("it_lead",)
    inlines = [OrdererRegistrationInline]


@admin.register(OrdererRegistration)
class OrdererRegistrationAdmin(SimpleHistoryAdmin):
    list_display = ("person", "department", "valid_from", "valid_until", "deputy")
    list_filter = ("department",)
    search_fields = ("person__first_name", "person__last_name", "person__username")
    autocomplete_fields = ("person", "deputy")


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "email")
    filter_horizontal = ("members",)
