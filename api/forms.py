"""The token page's form: it validates input only; the view hands it to `token_create`."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken
from .services import MAX_DAYS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def default_expiry():
    return timezone.localdate() + timedelta(days=90)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. “Power BI report”."))
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices,
                              initial=ApiToken.Scope.READ, widget=forms.RadioSelect)
    expires_on = forms.DateField(
        label=_("Valid until"), widget=DateInput(), initial=default_expiry,
        help_text=_("At most %(days)s days from today.") % {"days": MAX_DAYS})

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day <= timezone.localdate():
            raise forms.ValidationError(_("The expiry date must be in the future."))
        return day

    def expires_at(self) -> datetime:
        """The end of the chosen day, local time."""
        day = self.cleaned_data["expires_on"]
        return datetime.combine(day, time.max, timezone.get_current_timezone())
