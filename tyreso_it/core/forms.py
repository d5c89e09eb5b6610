"""How every form field is rendered: one wrapper per field, so layouts can place them."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import Jinja2
from django.template import TemplateDoesNotExist
from django.template.backends.jinja2 import Jinja2 as Jinja2Backend
from django.template.loader import get_template
from django.utils.functional import cached_property

#: Django's own form templates for Jinja2 (widgets, labels, error lists, form layouts).
DJANGO_FORMS_JINJA2 = Path(forms.__file__).parent / "jinja2"


class FormRenderer(Jinja2):
    """The project's form renderer: Django's Jinja2 renderer, each field in the wrapper of
    `jinja2/forms/field.jinja` so that layouts can place them.

    Django renders every widget, and every `<option>` of a select and every box of a checkbox
    list, through a template of its own; a filter form renders a hundred such small templates
    on every page, which Jinja2 does several times faster than the Django template language.
    The templates are Django's (`django/forms/jinja2/`), found after the project's `jinja2/`
    (where one may be overridden), in a plain Jinja2 environment as Django's own renderer uses
    (the form templates need no translations or routes; fewer globals render faster). A widget
    whose template exists only for Django's template language (the admin's) renders through
    that."""

    field_template_name = "forms/field.jinja"

    @cached_property
    def engine(self):
        return Jinja2Backend({
            "APP_DIRS": False,
            "DIRS": [settings.BASE_DIR / "jinja2", DJANGO_FORMS_JINJA2],
            "NAME": "forms",
            "OPTIONS": {},
        })

    def get_template(self, template_name):
        try:
            return self.engine.get_template(template_name)
        except TemplateDoesNotExist:
            return get_template(template_name)


class ListModelChoiceIterator(ModelChoiceIterator):
    """Choices read with one plain query, kept for the form.

    Django reads a model choice field's choices with `QuerySet.iterator()`, which on
    PostgreSQL opens a server-side cursor: a declare, a fetch and a close for a list of a few
    dozen departments or people, on every page with such a select.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ListModelChoiceIterator


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListModelChoiceIterator
