"""The order pages' forms, rendered by the form renderer, kept when they are the same on
every page.

The order page gives each action its form; an unbound form of a class without choices from
the database renders the same markup on every page, so that markup is rendered once (per
language) and kept instead of being rendered field by field, template by template, on every
request. The order list's unbound filter is kept the same way, under the people and
departments it offers.
"""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.forms import BaseForm
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from orders import forms
from tyreso_it.core import kept

register = template.Library()

#: Forms whose unbound markup is the same on every page: no choices read from the database,
#: no initial values from the order. (The take-on and plan forms list people and providers.)
STATIC_FORMS = frozenset({
    forms.ReasonForm, forms.RequestSupplementForm, forms.SupplementForm, forms.CommentForm,
    forms.AttachmentForm, forms.OptionForm,
})
#: The markups kept: the filter's differ by the departments and people offered, which change
#: with access; past 500, the old ones are dropped all at once.
_KEPT = kept.InProcess(most=500)


def _kept(form: BaseForm, kind: str, render: Callable[[], str]) -> SafeString:
    """`render()`'s markup of `form`, kept for the next page when the form is unbound and of a
    static class. The key holds all that the markup depends on: the class, its prefix, which
    fields are required (a reason is required for some actions only) and the language of its
    labels."""
    if form.is_bound or type(form) not in STATIC_FORMS:
        return mark_safe(render())  # noqa: S308 - rendered by the form's templates
    return _KEPT.get((kind, type(form), form.prefix, get_language(),
                  tuple((name, field.required) for name, field in form.fields.items())),
                 render)


@register.simple_tag
def field_groups(form: BaseForm) -> SafeString:
    """`{% field_groups form %}`: every field of the form in its group
    (`includes/field_groups.html`)."""
    return _kept(form, "fields",
                 lambda: render_to_string("includes/field_groups.html", {"form": form}))


@register.simple_tag
def whole_form(form: BaseForm) -> SafeString:
    """`{% whole_form form %}`: what `{{ form }}` writes."""
    return _kept(form, "form", lambda: str(form))


@register.simple_tag
def filter_fields(form: forms.OrderFilterForm | forms.UnboundFilter) -> SafeString:
    """`{% filter_fields form %}`: the order list's filter fields and status boxes
    (`orders/includes/order_filters.html`). The filter as first opened
    (`orders.forms.UnboundFilter`) is kept under the departments and people it offers (the
    people by the access token, where there is one), and its form built only when it is
    not."""
    if isinstance(form, forms.UnboundFilter):
        # The people offered are the same while the access token is (access.shared).
        people = form.token or tuple(map(tuple, form.handlers()))
        return _KEPT.get(("unbound filter", get_language(), people,
                      tuple(map(tuple, form.departments))),
                     lambda: _filters_markup(form.form()))
    return _kept(form, "filters", lambda: _filters_markup(form))


def _filters_markup(form: forms.OrderFilterForm) -> str:
    return render_to_string("orders/includes/order_filters.html", {"form": form})
