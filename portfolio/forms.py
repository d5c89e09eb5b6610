"""Forms of the portfolio: they validate input only; the views hand `cleaned_data` to a
service."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orders.models import Order
from organisation.models import Department, User
from tyreso_it.core.forms import ModelChoiceField
from tyreso_it.core.widgets import DateInput, not_negative

from .models import Health, Project, StatusReport
from .services import MANAGER_FIELDS, PROJECT_FIELDS, REPORT_FIELDS


def month_name(day: date) -> str:
    return f"{str(MONTHS[day.month]).capitalize()} {day.year}"


class ProjectForm(forms.ModelForm):
    """A project's facts. For the project manager, the change manager's fields are shown but
    disabled (a disabled field keeps its saved value whatever is posted)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "actual_start": DateInput(),
            "actual_end": DateInput(),
        }
        help_texts = {
            "budget": _("The approved budget for the whole project, in SEK."),
            "actual_cost": _("Costs so far, in SEK. A status report with actuals updates it."),
        }

    def __init__(self, *args, manager_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor_department"].queryset = Department.objects.filter(is_active=True)
        self.fields["manager"].queryset = User.objects.filter(is_active=True)
        for name in ("budget", "actual_cost"):
            not_negative(self.fields[name])
        if manager_only:
            for name in PROJECT_FIELDS:
                if name not in MANAGER_FIELDS:
                    self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, _("The end cannot be before the start."))
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROJECT_FIELDS
                if not self.fields[name].disabled}


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))
    department = ModelChoiceField(
        label=_("Sponsor department"), queryset=Department.objects.all(), required=False,
        empty_label=_("All departments"),
    )
    phase = forms.ChoiceField(label=_("Phase"), required=False,
                              choices=[("", _("All phases")), *Project.Phase.choices])
    health = forms.ChoiceField(
        label=_("Health"), required=False,
        choices=[("", _("All")), *Health.choices, ("none", _("Not reported"))],
    )
    status = forms.MultipleChoiceField(
        label=_("Status"), choices=Project.Status.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    report_missing = forms.BooleanField(label=_("Last month's status report is missing"),
                                        required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False,
        choices=[("name", _("Name")), ("rank", _("Rank in the portfolio")),
                 ("end", _("Planned end")), ("department", _("Sponsor department"))],
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("Milestone"), max_length=200)
    due_date = forms.DateField(label=_("Date"), widget=DateInput())


class LinkOrderForm(forms.Form):
    order = ModelChoiceField(label=pgettext_lazy("noun", "Order"),
                                   queryset=Order.objects.none(),
                                   empty_label=_("Choose an order"))

    def __init__(self, *args, orders=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orders is not None:
            self.fields["order"].queryset = orders


HEALTH_HELP = _("Green: as planned. Amber: at risk, handled within the project. "
                "Red: needs a decision outside the project.")


class StatusReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = StatusReport
        fields = REPORT_FIELDS
        widgets = {
            "schedule": forms.RadioSelect,
            "cost": forms.RadioSelect,
            "scope": forms.RadioSelect,
            "schedule_comment": forms.Textarea(attrs={"rows": 2}),
            "cost_comment": forms.Textarea(attrs={"rows": 2}),
            "scope_comment": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "risks": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "schedule_comment": _("Required when the schedule is not green."),
            "cost_comment": _("Required when the cost is not green."),
            "scope_comment": _("Required when the scope is not green."),
            "actual_cost": _("Costs so far, in SEK; updates the project's actuals."),
        }

    ASPECTS = ("schedule", "cost", "scope")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for aspect in self.ASPECTS:
            self.fields[aspect].choices = Health.choices
            self.fields[aspect].help_text = HEALTH_HELP
        not_negative(self.fields["actual_cost"])

    def clean(self):
        data = super().clean()
        for aspect in self.ASPECTS:
            value = data.get(aspect)
            if value and value != Health.GREEN and not data.get(f"{aspect}_comment", "").strip():
                self.add_error(f"{aspect}_comment", _("Explain why it is not green."))
        return data

    def aspect_rows(self):
        return [(self[aspect], self[f"{aspect}_comment"]) for aspect in self.ASPECTS]

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in REPORT_FIELDS}


def report_periods(today: date | None = None, count: int = 12) -> list[tuple[str, str]]:
    """The months a report can be written for: this one and the eleven before it."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    months = [first - relativedelta(months=n) for n in range(count)]
    return [(f"{m:%Y-%m}", month_name(m)) for m in months]


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = report_periods()

    def period_date(self) -> date:
        year, month = self.cleaned_data["period"].split("-")
        return date(int(year), int(month), 1)


class MoveForm(forms.Form):
    to_rank = forms.IntegerField(label=_("New place"), min_value=1,
                                 widget=forms.NumberInput(attrs={"class": "input-short"}))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
    expected_rank = forms.IntegerField(widget=forms.HiddenInput)


class AddOrderForm(forms.Form):
    # The project's renderer writes the options without a template each (there can be a
    # couple of hundred change orders waiting to be ranked).
    order = ModelChoiceField(label=_("Change order"), queryset=Order.objects.none(),
                             empty_label=_("Choose an order"))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, orders=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orders is not None:
            self.fields["order"].queryset = orders


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))


def year_choices(today: date | None = None) -> list[tuple[int, int]]:
    year = (today or timezone.localdate()).year
    return [(y, y) for y in range(year + 1, year - 6, -1)]


class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    department = ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False,
        empty_label=_("All departments"),
    )
    kind = forms.ChoiceField(label=_("Type of order"), required=False,
                             choices=[("", _("All types")), *Order.Kind.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()


class TimelineFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    department = ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False,
        empty_label=_("All departments"),
    )
    quarter = forms.TypedChoiceField(
        label=_("Part of the year"), coerce=int, required=False, empty_value=None,
        choices=[("", _("The whole year")), (1, _("Q1 (January–March)")),
                 (2, _("Q2 (April–June)")), (3, _("Q3 (July–September)")),
                 (4, _("Q4 (October–December)"))],
    )
    paper = forms.ChoiceField(
        label=_("Paper when printed"), required=False,
        choices=[("a4", _("A4 landscape")), ("a3", _("A3 landscape"))],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        if departments is not None:
            self.fields["department"].queryset = departments
