"""How every form field is rendered: one wrapper per field, so layouts can place them."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting

from . import widget_html


class FormRenderer(TemplatesSetting):
    """The project's form renderer: each field in the wrapper of `forms/field.html`, and that
    wrapper, its label, its errors and Django's built-in widgets written in Python
    (`widget_html`): the same HTML without a template per field, label and option. The
    templates stay the reference the tests compare with; a template of another name (a
    widget's or a form's own) renders through the template engine."""

    field_template_name = "forms/field.html"

    def render(self, template_name, context, request=None):
        write = widget_html.CONTEXT_RENDERERS.get(template_name)
        if write is not None:
            return write(context)
        render = widget_html.RENDERERS.get(template_name)
        if render is None:
            return super().render(template_name, context, request)

        def fallback(name: str, option_context: dict) -> str:
            # As an include inside the widget's template: not stripped.
            return self.get_template(name).render(option_context, request=request)

        return render(context["widget"], fallback).strip()


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
