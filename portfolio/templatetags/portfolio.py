"""Number formats of the portfolio's pages: kronor without öre, days with one decimal."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def sek(value) -> str:
    """1234567.5 → "1 234 568 kr"; empty stays a dash."""
    if value in (None, ""):
        return "–"
    return f"{number_format(value, decimal_pos=0, force_grouping=True)}\u00a0kr"


@register.filter
def num(value, decimals: int = 0) -> str:
    if value in (None, ""):
        return "–"
    return number_format(value, decimal_pos=int(decimals), force_grouping=True)


@register.filter
def health_label(value) -> str:
    from django.utils.translation import gettext

    from ..models import Health

    if value in Health.values:
        return str(Health(value).label)
    return gettext("Not reported")
