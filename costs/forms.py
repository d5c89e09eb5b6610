"""The forms of the cost pages: they validate input only; the services decide and write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from organisation.models import Department

from .models import Basis, CostPool, KeySet
from .sources import COUNTED


class RevisionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=1, **kwargs)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class RevisionForm(forms.Form):
    """A button's form: the revision of the draft the page showed."""

    revision = RevisionField()


class KeysForm(forms.Form):
    """The year's keys and, per active department, the users and the fixed share the IT
    chief enters (fields `users_<id>` and `share_<id>`)."""

    contracts_basis = forms.ChoiceField(label=_("Contracts are shared by"),
                                        choices=Basis.choices)
    licences_basis = forms.ChoiceField(label=_("Licences are shared by"),
                                       choices=Basis.choices)
    projects_basis = forms.ChoiceField(label=_("Projects are shared by"),
                                       choices=Basis.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))
    revision = RevisionField()

    def __init__(self, *args, key_set: KeySet, departments: list[Department],
                 entries: dict, counted: dict | None = None, **kwargs):
        initial = {name: getattr(key_set, name) for name in
                   ("contracts_basis", "licences_basis", "projects_basis", "note")}
        initial["revision"] = key_set.revision
        for department in departments:
            entry = entries.get(department.pk)
            initial[f"users_{department.pk}"] = entry.users if entry else 0
            initial[f"share_{department.pk}"] = entry.fixed_share if entry else Decimal(0)
        super().__init__(*args, initial=initial, **kwargs)
        self.departments = departments
        self.counted = counted or {}
        for department in departments:
            self.fields[f"users_{department.pk}"] = forms.IntegerField(
                label=_("Users of %(department)s") % {"department": department.name},
                min_value=0, max_value=10_000_000)
            self.fields[f"share_{department.pk}"] = forms.DecimalField(
                label=_("Fixed share of %(department)s (%%)") % {
                    "department": department.name},
                min_value=0, max_value=100, max_digits=5, decimal_places=2)

    def rows(self) -> list[tuple]:
        """Each department with its two fields and, beside them, what is counted of it
        (licences held, systems owned, orders delivered), for the table of the page."""
        counted = self.counted
        return [(d, self[f"users_{d.pk}"], self[f"share_{d.pk}"],
                 *[counted.get(basis, {}).get(d.pk, 0) for basis in COUNTED])
                for d in self.departments]

    def entries(self) -> dict[int, tuple[int, Decimal]]:
        """The entered figures by department id (after validation)."""
        data = self.cleaned_data
        return {d.pk: (data[f"users_{d.pk}"], data[f"share_{d.pk}"])
                for d in self.departments}

    def keys(self) -> dict:
        return {name: self.cleaned_data[name] for name in
                ("contracts_basis", "licences_basis", "projects_basis", "note")}


class PoolForm(forms.ModelForm):
    revision = RevisionField()

    class Meta:
        model = CostPool
        fields = ["name", "description", "amount", "basis"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "amount": _("The year's cost in SEK, e.g. 1250000.50."),
            "basis": _("What the cost is shared among the departments by."),
        }

    def __init__(self, *args, key_set: KeySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].initial = key_set.revision
        self.fields["amount"].validators.append(MinValueValidator(Decimal(0)))
