"""Forms of management plans, suppliers, contracts and licences. They validate input only;
the views hand `cleaned_data` to a service in `plans.py` or `contracts.py`."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import Department, User
from tyreso_it.core.forms import ModelChoiceField, ModelMultipleChoiceField
from tyreso_it.core.widgets import DateInput, not_negative

from .contracts import (
    CONTRACT_FIELDS,
    DUE_MONTHS_DEFAULT,
    DUE_MONTHS_MAX,
    LICENCE_FIELDS,
    SUPPLIER_FIELDS,
)
from .models import ContinuityScenario, Contract, Licence, ManagementPlan, Service, Supplier
from .plans import PLAN_FIELDS, SCENARIO_FIELDS, YEARS_AHEAD, YEARS_BACK


def _people():
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


# --- management plans ---------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    """The plan's text, budget and continuity fields, with the version the editor started from."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ManagementPlan
        fields = PLAN_FIELDS
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 5}),
            "activities": forms.Textarea(attrs={"rows": 6}),
            "manual_fallback": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "goals": _("What the management of the system is to achieve this year, for the "
                       "business and for its users."),
            "activities": _("Upgrades, development, training, tests of the continuity plan, "
                            "procurements: one per line, with the month if known."),
            "budget": _("Internal: the management budget for the year, in SEK."),
            "recovery_time_hours": _("How many hours the business can be without the system "
                                     "before the damage is serious."),
            "manual_fallback": _("How the work is done while the system is down: paper forms, "
                                 "another system, who decides."),
        }

    def __init__(self, *args, show_budget: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        not_negative(self.fields["budget"])
        self.fields["recovery_time_hours"].widget.attrs.update({"min": "0",
                                                                "inputmode": "numeric"})
        if not show_budget:
            del self.fields["budget"]


class PlanStartForm(forms.Form):
    """Start a system's plan for a year: empty, or as a copy of the latest earlier one."""

    year = forms.IntegerField(label=_("Year"))
    copy = forms.BooleanField(
        label=_("Start from the latest earlier plan (goals, activities, budget and the "
                "continuity plan with its scenarios)"),
        required=False, initial=True,
    )

    def __init__(self, *args, can_copy: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        # Built here: the range moves with the current year.
        self.fields["year"] = forms.IntegerField(
            label=_("Year"), min_value=this_year - YEARS_BACK, max_value=this_year + YEARS_AHEAD
        )
        if not can_copy:
            del self.fields["copy"]


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = ContinuityScenario
        fields = SCENARIO_FIELDS
        widgets = {
            "impact": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "scenario": _("E.g. the server room loses power, the supplier's service is down, "
                          "a cyber attack encrypts the data."),
            "impact": _("What stops, for whom, and how serious it is."),
            "measures": _("What is done to prevent it and to recover."),
        }


class ApproveForm(forms.Form):
    """The version the approver read: a plan changed since is not approved blind."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses")), *ManagementPlan.Status.choices],
    )


class MissingFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    department = ModelChoiceField(
        label=_("Owning department"), required=False,
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        empty_label=_("All departments"),
    )


# --- suppliers, contracts, licences ------------------------------------------------------


class SupplierForm(forms.ModelForm):
    class Meta:
        model = Supplier
        fields = SUPPLIER_FIELDS


class ContractForm(forms.ModelForm):
    services = ModelMultipleChoiceField(
        label=_("Services covered"), required=False,
        queryset=Service.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contract
        fields = CONTRACT_FIELDS
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "renewal_terms": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "notice_months": _("The notice date is the end date minus the notice period."),
            "value": _("Internal: the total value of the contract, in SEK."),
        }

    def __init__(self, *args, show_value: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].empty_label = _("Choose a supplier")
        self.fields["delivery_manager"].queryset = _people()
        self.fields["delivery_manager"].empty_label = _("Nobody")
        if self.instance.pk:
            self.fields["services"].initial = [s.pk for s in self.instance.services.all()]
        not_negative(self.fields["value"])
        if not show_value:
            del self.fields["value"]

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The contract cannot end before it starts."))
        return data


class LicenceForm(forms.ModelForm):
    class Meta:
        model = Licence
        fields = LICENCE_FIELDS
        widgets = {"renews_on": DateInput()}
        help_texts = {
            "used": _("May exceed the number of licences: the list then shows the shortfall."),
            "yearly_cost": _("Internal: in SEK per year."),
        }

    def __init__(self, *args, show_cost: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].empty_label = _("No supplier")
        self.fields["contract"].empty_label = _("No contract")
        self.fields["contract"].queryset = Contract.objects.select_related("supplier").order_by(
            "title")
        self.fields["service"].empty_label = _("No service")
        self.fields["service"].queryset = Service.objects.order_by("name")
        not_negative(self.fields["yearly_cost"])
        if not show_cost:
            del self.fields["yearly_cost"]


class DueFilterForm(forms.Form):
    months = forms.IntegerField(
        label=_("Months ahead"), required=False, min_value=1, max_value=DUE_MONTHS_MAX,
        initial=DUE_MONTHS_DEFAULT,
    )
