"""The register page's choice of year and format: validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _

FORMATS = (
    ("csv", _("CSV (Excel, semicolon-separated)")),
    ("xlsx", _("XLSX (Excel workbook)")),
    ("pdf", _("PDF (for printing and filing)")),
)


class RegisterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    fmt = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="xlsx",
                            widget=forms.RadioSelect)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        if years:
            self.fields["year"].initial = years[0]
