"""The form for reporting a barrier: validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _


class BarrierReportForm(forms.Form):
    name = forms.CharField(label=_("Your name (optional)"), max_length=120, required=False)
    email = forms.EmailField(
        label=_("Your email address"), max_length=254,
        help_text=_("So that we can answer you."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    page_url = forms.CharField(
        label=_("The page's address"), max_length=500,
        help_text=_("Where the problem is, e.g. “/bestallningar/ny/”."),
    )
    description = forms.CharField(
        label=_("What is wrong?"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Describe what you tried to do and what stopped you."),
    )
