"""Forms of the catalogue: they validate input only; the views hand `cleaned_data` to a
service (`servicecatalog.services`)."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from organisation.models import Department, User
from tyreso_it.core.forms import ModelChoiceField

from .models import Category, Contract, Integration, Service, ServiceLevel, Supplier
from .services import INTEGRATION_FIELDS, RESPONSIBILITY_FIELDS, SERVICE_FIELDS

IMPORT_MAX_BYTES = 2 * 1024 * 1024


def _people():
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class ServiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))
    category = ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False,
        empty_label=_("All categories"),
    )
    department = ModelChoiceField(
        label=_("Owning department"), queryset=Department.objects.all(), required=False,
        empty_label=_("All departments"),
    )
    supplier = ModelChoiceField(
        label=_("Supplier"), queryset=Supplier.objects.all(), required=False,
        empty_label=_("All suppliers"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False,
        choices=[("", _("All kinds")), *Service.Kind.choices],
    )
    orderable = forms.ChoiceField(
        label=_("Can be ordered"), required=False,
        choices=[("", _("All services")), ("yes", _("Can be ordered")),
                 ("no", _("Cannot be ordered"))],
    )
    lifecycle = forms.MultipleChoiceField(
        label=_("Lifecycle state"), choices=Service.Lifecycle.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False,
        choices=[
            ("name", _("Name")),
            ("-name", _("Name, Z–A")),
            ("category", _("Category")),
            ("department", _("Owning department")),
            ("lifecycle", _("Lifecycle state")),
            ("supplier", _("Supplier")),
        ],
    )


class ServiceForm(forms.ModelForm):
    """A service's own fields; who answers for it only when `may_assign`."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Service
        fields = (*SERVICE_FIELDS, "contracts")
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "contact": forms.Textarea(attrs={"rows": 3}),
            "order_template": forms.Textarea(attrs={"rows": 4}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
            "contracts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, may_assign: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_assign:
            for name in RESPONSIBILITY_FIELDS:
                del self.fields[name]
        else:
            self.fields["department"].queryset = Department.objects.filter(is_active=True)
            self.fields["department"].empty_label = _("No department")
            for name in ("system_owner", "system_manager"):
                self.fields[name].queryset = _people()
                self.fields[name].empty_label = _("Nobody yet")
        self.fields["category"].empty_label = _("No category")
        self.fields["supplier"].empty_label = _("No supplier")
        self.fields["contracts"].queryset = Contract.objects.select_related("supplier")
        for name in ("confidentiality", "integrity", "availability"):
            self.fields[name].choices = [("", _("Not classified")),
                                         *Service.Level.choices]
        target = self.fields["availability_target"]
        target.validators += [MinValueValidator(0), MaxValueValidator(100)]
        target.widget.attrs.update({"step": "0.01", "min": "0", "max": "100"})
        cost = self.fields["yearly_cost"]
        cost.validators.append(MinValueValidator(0))
        cost.widget.attrs.update({"min": "0", "inputmode": "decimal"})
        self.fields["review_month"].widget.attrs.update({"min": "1", "max": "12"})

    def clean(self):
        data = super().clean()
        if data.get("orderable") and data.get("lifecycle") == Service.Lifecycle.RETIRED:
            self.add_error("orderable", _("A retired service cannot be ordered."))
        return data


class ServiceLevelForm(forms.Form):
    """Response and resolution time of one priority; both empty means none is agreed."""

    priority = forms.TypedChoiceField(
        choices=ServiceLevel.Priority.choices, coerce=int, widget=forms.HiddenInput
    )
    response_hours = forms.DecimalField(
        label=_("Response time (hours)"), required=False, max_digits=6, decimal_places=1,
        min_value=0,
    )
    resolution_hours = forms.DecimalField(
        label=_("Resolution time (hours)"), required=False, max_digits=6, decimal_places=1,
        min_value=0,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        priority = self.initial.get("priority")
        self.priority_label = dict(ServiceLevel.Priority.choices).get(priority, "")
        for name in ("response_hours", "resolution_hours"):
            self.fields[name].widget.attrs.update({"step": "0.5", "min": "0"})
            self.fields[name].label = _("%(time)s, priority %(priority)s") % {
                "time": self.fields[name].label, "priority": self.priority_label,
            }

    def clean(self):
        data = super().clean()
        response, resolution = data.get("response_hours"), data.get("resolution_hours")
        if response is None and resolution is not None and "response_hours" not in self.errors:
            self.add_error("response_hours", _("Give the response time as well."))
        if resolution is None and response is not None and "resolution_hours" not in self.errors:
            self.add_error("resolution_hours", _("Give the resolution time as well."))
        if response is not None and resolution is not None and resolution < response:
            self.add_error("resolution_hours",
                           _("The resolution time cannot be shorter than the response time."))
        return data


class BaseServiceLevelFormSet(forms.BaseFormSet):
    def clean(self):
        priorities = [f.cleaned_data.get("priority") for f in self.forms if f.cleaned_data]
        if len(priorities) != len(set(priorities)):
            raise forms.ValidationError(_("Each priority can have one service level only."))

    def levels(self) -> list[dict]:
        """The filled rows, as the service expects them."""
        return [
            form.cleaned_data for form in self.forms
            if form.cleaned_data.get("response_hours") is not None
        ]


ServiceLevelFormSet = formset_factory(
    ServiceLevelForm, formset=BaseServiceLevelFormSet, extra=0, max_num=4, validate_max=True,
    absolute_max=4,
)


def level_formset(service: Service | None = None, data=None) -> BaseServiceLevelFormSet:
    """One row per priority, filled with the service's current levels."""
    existing = {level.priority: level for level in service.levels.all()} if service else {}
    initial = [
        {
            "priority": priority,
            "response_hours": getattr(existing.get(priority), "response_hours", None),
            "resolution_hours": getattr(existing.get(priority), "resolution_hours", None),
        }
        for priority in ServiceLevel.Priority.values
    ]
    return ServiceLevelFormSet(data, initial=initial, prefix="levels")


class IntegrationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Integration
        fields = INTEGRATION_FIELDS
        help_texts = {
            "data": _("What information flows, e.g. “pupils and classes”."),
            "method": _("E.g. file transfer (SFTP), REST API, SAML."),
            "frequency": _("E.g. nightly, in real time, monthly."),
        }

    def __init__(self, *args, systems=None, **kwargs):
        super().__init__(*args, **kwargs)
        systems = systems if systems is not None else Service.objects.all()
        for name in ("source", "target"):
            self.fields[name].queryset = systems
            self.fields[name].empty_label = _("Choose a system")
        self.fields["owner"].queryset = _people()
        self.fields["owner"].empty_label = _("Nobody yet")

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            self.add_error("target", _("A system cannot integrate with itself."))
        return data


class SystemMapFilterForm(forms.Form):
    department = ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False,
        empty_label=_("All departments"),
    )
    system = ModelChoiceField(
        label=_("System"), queryset=Service.objects.only("pk", "name"), required=False,
        empty_label=_("All systems"),
    )

    def __init__(self, *args, choices: tuple[list, list] | None = None, **kwargs):
        """`choices`, when given, are the lists of departments and systems to offer, as
        `catalogue_choices` reads them (the page keeps them in its cache)."""
        super().__init__(*args, **kwargs)
        if choices is not None:
            for name, listed in zip(("department", "system"), choices, strict=True):
                field = self.fields[name]
                field.widget.choices = [("", field.empty_label), *listed]

    @staticmethod
    def catalogue_choices() -> tuple[list, list]:
        """The (id, name) of every department and system, in the order the fields list them."""
        return (list(Department.objects.values_list("pk", "name")),
                list(Service.objects.values_list("pk", "name")))


class ImportForm(forms.Form):
    KINDS = [("services", _("Services and systems")), ("integrations", _("Integrations"))]

    kind = forms.ChoiceField(label=_("What the file holds"), choices=KINDS,
                             widget=forms.RadioSelect, initial="services")
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (semicolon or comma, UTF-8) or Excel (.xlsx), at most 2 MB, with "
                    "the column headers of the template on the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in {".csv", ".xlsx"}:
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload
