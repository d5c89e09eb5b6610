"""Forms for orders: they validate input only; the views hand `cleaned_data` to a service."""

from collections.abc import Callable
from typing import NamedTuple

from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from organisation.models import Department, Provider, User
from servicecatalog.models import Service
from tyreso_it.core.forms import ModelChoiceField
from tyreso_it.core.widgets import DateInput, not_negative

from .models import Order, PriorityModel, SolutionOption
from .services import PREPARATION_FIELDS, REQUEST_FIELDS


class VersionedForm(forms.ModelForm):
    """Carries the version the user started from, so a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class OrderRequestForm(VersionedForm):
    class Meta:
        model = Order
        fields = REQUEST_FIELDS
        widgets = {
            "desired_date": DateInput(),
            "need": forms.Textarea(attrs={"rows": 5}),
            "functional_requirements": forms.Textarea(attrs={"rows": 5}),
            "expected_benefit": forms.Textarea(attrs={"rows": 3}),
            "legal_driver": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "functional_requirements": _("What the solution must be able to do, not how."),
            "one_off_cost": _("Pre-study: your own estimate of the cost to introduce it."),
            "yearly_cost": _("Licences, operation and management per year."),
            "lifetime_years": _("How many years the solution is expected to be used."),
            "yearly_benefit": _("Saved time or money per year, in SEK."),
        }

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.exclude(
            lifecycle=Service.Lifecycle.RETIRED
        )
        self.fields["service"].required = False
        self.fields["service"].empty_label = _("No catalogue service")
        self.fields["kind"].choices = [("", _("Choose a type")), *Order.Kind.choices]
        if departments is not None:
            self.fields["department"] = ModelChoiceField(
                label=_("Department"), queryset=departments, empty_label=None
            )
            self.order_fields(["department", *REQUEST_FIELDS])
        for name in ("one_off_cost", "yearly_cost", "yearly_benefit"):
            not_negative(self.fields[name])

    def clean(self):
        data = super().clean()
        if data.get("kind") == Order.Kind.CATALOGUE_SERVICE and not data.get("service"):
            self.add_error("service", _("Choose the service you want to order."))
        return data


class NewOrderForm(OrderRequestForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PreparationForm(VersionedForm):
    class Meta:
        model = Order
        fields = PREPARATION_FIELDS
        widgets = {
            "it_requirements": forms.Textarea(attrs={"rows": 5}),
            "architecture_review": forms.Textarea(attrs={"rows": 4}),
            "risk_description": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, priority_model: PriorityModel | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_level"].choices = [("", _("Not assessed")), *Order.Risk.choices]
        not_negative(self.fields["estimated_cost"])
        self.priority_model = priority_model
        self.factor_fields = []
        values = self.instance.priority_values or {}
        if priority_model is not None:
            for factor in priority_model.factors.all():
                name = f"factor_{factor.code}"
                weight = f"{factor.weight.normalize():f}".replace(".", ",")
                self.fields[name] = forms.TypedChoiceField(
                    label=factor.name,
                    # A field's help text is written as HTML (Django's field template marks
                    # it safe); the guidance is text edited in the admin, so it is escaped.
                    help_text=_("Weight %(weight)s. %(guidance)s")
                    % {"weight": weight, "guidance": escape(factor.help_text)},
                    choices=[(i, str(i)) for i in range(6)],
                    coerce=int,
                    initial=values.get(factor.code, 0),
                )
                self.factor_fields.append((name, factor))

    def factor_rows(self):
        return [self[name] for name, _factor in self.factor_fields]

    def priority_values(self) -> dict[str, int]:
        return {factor.code: self.cleaned_data[name] for name, factor in self.factor_fields}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RequestSupplementForm(forms.Form):
    reason = forms.CharField(label=_("What do you need to know?"),
                             widget=forms.Textarea(attrs={"rows": 4}))
    due_date = forms.DateField(label=_("Answer by"), required=False, widget=DateInput())


class SupplementForm(forms.Form):
    reason = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}))


class TakeOnForm(forms.Form):
    handler = ModelChoiceField(
        label=_("Handler"), queryset=User.objects.none(), empty_label=_("Choose a handler")
    )

    def __init__(self, *args, handlers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers if handlers is not None else User.objects.none()


class PlanForm(forms.Form):
    provider = ModelChoiceField(
        label=_("Provider"), queryset=Provider.objects.all(), empty_label=_("Choose a provider")
    )
    planned_start = forms.DateField(label=_("Planned start"), widget=DateInput())
    planned_end = forms.DateField(label=_("Planned delivery"), widget=DateInput())
    planning_priority = forms.IntegerField(
        label=_("Planning priority"), required=False, min_value=1, max_value=99,
        help_text=_("1 is the most urgent."),
    )
    reason = forms.CharField(label=_("Note"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The delivery date cannot be before the start."))
        return data


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class OptionForm(forms.ModelForm):
    class Meta:
        model = SolutionOption
        fields = ("title", "description", "pros", "cons", "estimated_cost", "recommended")
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "pros": forms.Textarea(attrs={"rows": 2}),
            "cons": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        not_negative(self.fields["estimated_cost"])


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.MultipleChoiceField(
        label=_("Status"), choices=Order.Status.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    department = ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *Order.Kind.choices], required=False
    )
    handler = ModelChoiceField(
        label=_("Handler"), queryset=User.objects.none(), required=False
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    # Periods (inclusive days, Stockholm time) of the figures that link here from the
    # portfolio dashboard: lead times by month and the age of the backlog.
    submitted_from = forms.DateField(label=_("Submitted from"), required=False,
                                     widget=DateInput())
    submitted_to = forms.DateField(label=_("Submitted until"), required=False,
                                   widget=DateInput())
    decided_from = forms.DateField(label=_("Decided from"), required=False, widget=DateInput())
    decided_to = forms.DateField(label=_("Decided until"), required=False, widget=DateInput())
    delivered_from = forms.DateField(label=_("Delivered from"), required=False,
                                     widget=DateInput())
    delivered_to = forms.DateField(label=_("Delivered until"), required=False,
                                   widget=DateInput())
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("created", _("Newest first")),
            ("-created", _("Oldest first")),
            ("reference", _("Reference")),
            ("title", _("Title")),
            ("status", _("Status")),
            ("changed", _("Last changed")),
            ("stale", _("Longest unchanged")),
            ("priority", _("Priority score")),
        ],
    )

    def __init__(self, *args, departments=None, handlers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            departments if departments is not None else Department.objects.none()
        )
        self.fields["department"].empty_label = _("All departments")
        self.fields["handler"].queryset = handlers if handlers is not None else User.objects.none()
        self.fields["handler"].empty_label = _("All handlers")


class UnboundFilter(NamedTuple):
    """The order list's filter as first opened, before anyone filters: the departments it
    offers, as (id, label) pairs, and the people, read only when asked (from the access
    cache, renewed with the access token). Its markup is kept
    (orders.templatetags.order_forms) under the departments and the token, or the people
    where there is no token, so the form itself is built only to render it the first time:
    the list as first opened builds no form."""

    departments: list[tuple[int, str]]
    handlers: Callable[[], list[tuple[int, str]]]
    token: str | None

    def form(self) -> OrderFilterForm:
        form = OrderFilterForm()
        offer(form.fields["handler"], self.handlers())
        offer(form.fields["department"], self.departments)
        return form


def offer(field, kept: list[tuple[int, str]]) -> None:
    """Offer `kept` (id, label) pairs in `field`'s select, as its queryset would: the list is
    read from the access cache; the queryset still checks a chosen value."""
    field.widget.choices = [("", field.empty_label), *kept]


class SecrecyForm(forms.Form):
    """A secrecy marking: a common provision chosen from the list, or another one written."""

    OTHER = "other"

    provision_choice = forms.ChoiceField(label=_("Provision"), required=False)
    provision_other = forms.CharField(
        label=_("Other provision"), max_length=120, required=False,
        help_text=_("Only when the provision is not in the list, e.g. “OSL 21 kap. 1 §”."),
    )
    reason = forms.CharField(
        label=_("Reason for secrecy"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        from .secrecy import COMMON_PROVISIONS

        super().__init__(*args, **kwargs)
        self.fields["provision_choice"].choices = [
            ("", _("Choose a provision")), *COMMON_PROVISIONS,
            (self.OTHER, _("Another provision (write it below)")),
        ]

    def clean(self):
        data = super().clean()
        choice = data.get("provision_choice")
        other = (data.get("provision_other") or "").strip()
        if choice == self.OTHER or (not choice and other):
            if not other:
                self.add_error("provision_other", _("Write the provision that applies."))
            data["provision"] = other
        elif choice:
            data["provision"] = choice
        else:
            self.add_error("provision_choice", _("Choose the provision that applies."))
        return data
