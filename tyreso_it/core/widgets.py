"""Widgets and field helpers every app's forms share."""

from django import forms
from django.core.validators import MinValueValidator


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO date it sends and expects."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def not_negative(field: forms.Field) -> None:
    """An amount that cannot be below zero. Setting min_value on a built field adds no
    validator, so the validator is added explicitly."""
    field.min_value = 0
    field.validators.append(MinValueValidator(0))
    field.widget.attrs.update({"inputmode": "decimal", "min": "0"})
