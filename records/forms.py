"""The forms of the records pages: they validate input only; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RetentionRule


class RuleForm(forms.Form):
    period = forms.IntegerField(label=_("Kept for"), min_value=1, max_value=1000)
    unit = forms.ChoiceField(label=_("Unit"), choices=RetentionRule.Unit.choices)
    action = forms.ChoiceField(label=_("Then"), choices=RetentionRule.Action.choices)
    reason = forms.CharField(label=_("Grounds"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rule: RetentionRule, **kwargs):
        kwargs.setdefault("initial", {"period": rule.period, "unit": rule.unit,
                                      "action": rule.action, "reason": rule.reason})
        super().__init__(*args, **kwargs)
        allowed = RetentionRule.ALLOWED[rule.kind]
        self.fields["action"].choices = [(a.value, a.label) for a in allowed]


class HoldForm(forms.Form):
    reference = forms.CharField(label=_("Order reference"), max_length=20,
                                help_text=_("For example B-2026-0042."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("Reason for lifting"), max_length=2000)


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, user name or email"), max_length=100, required=False)


class PseudonymiseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(
        label=_("I understand that the person's name, email and user name are replaced for "
                "good."))
