"""Forms of the matrix pages: they validate input only; the views hand `cleaned_data` to a
service."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organisation.models import Role

from .models import Activity, Letter, MatrixVersion, Process
from .selectors import cell_name

LETTER_CHOICES = [("", "–"), *((value, value) for value in Letter.values)]


class MatrixFilterForm(forms.Form):
    """Which process and which role to show ("what is my role responsible for?")."""

    process = forms.ChoiceField(
        label=_("Process"), required=False,
        choices=[("", pgettext_lazy("processes", "All processes")), *Process.choices],
    )
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args, roles: Sequence[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            ("", pgettext_lazy("roles", "All roles")), *((r.code, r.name) for r in roles)
        ]


class DraftForm(forms.Form):
    """One select per shown cell, named after its activity and role, and the draft's revision.

    The grid template draws the selects itself (a labelled select in each table cell); this
    form only says which names and values are acceptable.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, activities: Sequence[Activity], roles: Sequence[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.cells: dict[str, tuple[int, int]] = {}
        for activity in activities:
            for role in roles:
                name = cell_name(activity.pk, role.pk)
                self.cells[name] = (activity.pk, role.pk)
                self.fields[name] = forms.ChoiceField(
                    choices=LETTER_CHOICES, required=False,
                    label=f"{activity.name} – {role.name}",
                )
        self.activity_ids = {activity.pk for activity in activities}

    def letters(self) -> dict[tuple[int, int], str]:
        return {key: self.cleaned_data.get(name) or "" for name, key in self.cells.items()}

    def posted_letters(self) -> dict[tuple[int, int], str]:
        """What was posted, valid or not, to draw the grid again as the person left it."""
        valid = set(Letter.values)
        return {
            key: value
            for name, key in self.cells.items()
            if (value := (self.data.get(name) or "").strip().upper()) in valid
        }


class PublishForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("What changed and why"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the version, for everyone who reads the matrix."),
    )


class RevisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("The format of the export: one row per activity, one column per role."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CompareForm(forms.Form):
    older = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    newer = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args, versions: Sequence[MatrixVersion], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.number, f"{v.number} ({v.get_status_display().lower()})")
                   for v in versions]
        self.fields["older"].choices = choices
        self.fields["newer"].choices = choices


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
