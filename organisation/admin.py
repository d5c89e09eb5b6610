"""Administration of people, roles, departments and the register of authorised orderers.

Saving here goes through the services, so the guardian permissions that say who belongs to
a department stay in step with what the administrator sees.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Department, OrdererRegistration, Provider, Role, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
class DepartmentAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = ("name", "short_name", "parent", "it_lead", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "short_name")
    autocomplete_fields = ("it_lead",)
    inlines = [OrdererRegistrationInline]

    def save_model(self, request, obj, form, change):
        it_lead = form.cleaned_data.get("it_lead")
        if change and "it_lead" in form.changed_data:
            obj.it_lead = Department.objects.get(pk=obj.pk).it_lead
        super().save_model(request, obj, form, change)
        if "it_lead" in form.changed_data:
            services.department_set_it_lead(department=obj, user=it_lead)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        services.department_sync_members(department=form.instance)


@admin.register(OrdererRegistration)
class OrdererRegistrationAdmin(SimpleHistoryAdmin):
    list_display = ("person", "department", "valid_from", "valid_until", "deputy")
    list_filter = ("department",)
    search_fields = ("person__first_name", "person__last_name", "person__username")
    autocomplete_fields = ("person", "deputy")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.registration_grant_membership(registration=obj)

    def delete_model(self, request, obj):
        department = obj.department
        super().delete_model(request, obj)
        services.department_sync_members(department=department)

    def delete_queryset(self, request, queryset):
        departments = list({registration.department for registration in queryset})
        super().delete_queryset(request, queryset)
        for department in departments:
            services.department_sync_members(department=department)


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "email")
    filter_horizontal = ("members",)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Staff added here get sight of the orders already assigned, as through the service.
        for user in form.instance.members.all():
            services.provider_add_member(provider=form.instance, user=user)
