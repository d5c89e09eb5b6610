"""A field's group written in Python (tyreso_it.core.widget_html.field_html, with the label and
the error list) gives exactly the HTML of the templates it replaces: the project's
`templates/forms/field.html` around Django's `django/forms/field.html`, `label.html` and
`errors/list/ul.html`; for every kind of field the project's forms use, bound and unbound,
with and without errors, help text and required markers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from tyreso_it.core.forms import FormRenderer

TRICKY = 'A & B <"C">'


class TemplateRenderer(TemplatesSetting):
    """The reference: the same field template, every part through the template engine."""

    field_template_name = FormRenderer.field_template_name


class Everything(forms.Form):
    required_css_class = "required"

    text = forms.CharField(label=TRICKY, help_text="Kort <em>text</em>", max_length=20)
    empty = forms.CharField(required=False, label="")
    number = forms.DecimalField(min_value=0, help_text=TRICKY)
    count = forms.IntegerField(label="Antal?")
    email = forms.EmailField()
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    file = forms.FileField(widget=forms.FileInput, required=False, help_text="PDF")
    flag = forms.BooleanField(required=False, help_text="Kryssa")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    described = forms.CharField(widget=forms.TextInput(attrs={"aria-describedby": "elsewhere"}),
                                help_text="Egen")
    fixed = forms.CharField(disabled=True, required=False)
    one = forms.ChoiceField(choices=[("", "–"), ("a", TRICKY), ("b", "B")], help_text="Välj")
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", TRICKY)], required=False)
    radio = forms.ChoiceField(widget=forms.RadioSelect, choices=[("a", "A"), ("b", TRICKY)],
                              help_text="Ett av två")
    boxes = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple,
                                      choices=[("a", "A"), ("b", "B")], help_text="Flera")
    safe = forms.CharField(label=mark_safe("<b>Fet</b>"), required=False)

    def clean(self):
        self.add_error("text", TRICKY)  # a second error on one field
        return super().clean()


VALID = {
    "text": "ok", "number": Decimal("12.5"), "count": 3, "email": "a@b.se",
    "day": datetime.date(2026, 3, 1), "note": "rad", "described": "x", "one": "a",
    "radio": "b", "boxes": ["a"],
}
INVALID = {"text": "x" * 30, "number": "-1", "count": "tre", "email": "nej", "day": "igår",
           "one": "z", "radio": "", "described": ""}


@pytest.mark.parametrize("data", [None, VALID, INVALID], ids=["unbound", "valid", "invalid"])
@pytest.mark.parametrize("auto_id", ["id_%s", False], ids=["ids", "no-ids"])
def test_every_field_group_renders_as_the_templates(data, auto_id):
    fast = Everything(data, renderer=FormRenderer(), auto_id=auto_id, initial=VALID)
    reference = Everything(data, renderer=TemplateRenderer(), auto_id=auto_id, initial=VALID)
    fast.is_valid(), reference.is_valid()
    for name in Everything.base_fields:
        assert fast[name].as_field_group() == reference[name].as_field_group(), name
        assert fast[name].label_tag() == reference[name].label_tag(), name
        assert fast[name].legend_tag() == reference[name].legend_tag(), name
        assert str(fast[name].errors) == str(reference[name].errors), name
    assert str(fast.non_field_errors()) == str(reference.non_field_errors())


def test_an_invalid_field_is_marked_and_described_by_its_help_and_errors():
    form = Everything(INVALID, renderer=FormRenderer())
    form.is_valid()
    html = form["number"].as_field_group()
    assert html.startswith('<div class="field field-error field-required">')
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_number_helptext id_number_error"' in html
    assert '<ul class="errorlist" id="id_number_error">' in html
    assert '<label for="id_number" class="required">' in html
    assert " required" in html
    # A group of boxes is a fieldset described as a whole, its legend not tied to one box.
    radio = form["radio"].as_field_group()
    assert '<fieldset aria-describedby="id_radio_helptext id_radio_error">' in radio
    assert '<legend class="required">' in radio


def test_a_field_that_must_be_filled_in_is_marked_and_an_optional_or_fixed_one_is_not():
    form = Everything(renderer=FormRenderer())
    for name in ("text", "number", "email", "day", "note", "one", "radio", "boxes"):
        assert 'class="field field-required"' in form[name].as_field_group(), name
    for name in ("empty", "file", "flag", "many", "fixed", "safe"):
        assert "field-required" not in form[name].as_field_group(), name
    # The widget says it too, for those who do not see the marker.
    assert " required" in str(form["text"])


def test_labels_help_and_errors_are_escaped_as_the_template_escapes_them():
    form = Everything(INVALID, renderer=FormRenderer())
    form.is_valid()
    html = form["text"].as_field_group()
    assert "A &amp; B &lt;&quot;C&quot;&gt;" in html
    assert "Kort <em>text</em>" in html  # help text is the form's own markup
    assert "<b>Fet</b>" in form["safe"].as_field_group()


def test_the_field_template_is_not_rendered(monkeypatch):
    seen = []
    original = TemplatesSetting.render

    def spy(self, template_name, context, request=None):
        seen.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(TemplatesSetting, "render", spy)
    form = Everything(INVALID, renderer=FormRenderer())
    form.is_valid()
    for field in form:
        field.as_field_group()
    assert seen == []


def _project_forms():
    """The project's form classes that need nothing but their data to be built."""
    import importlib

    found = []
    for module_name in ("orders.forms", "board.forms", "portfolio.forms", "raci.forms",
                        "servicecatalog.forms", "organisation.forms"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, forms.BaseForm)
                    and value.__module__ == module_name):
                found.append(value)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "bound-empty"])
def test_the_project_forms_render_as_the_templates(bound):
    rendered = 0
    for form_class in _project_forms():
        try:
            fast = form_class({} if bound else None, renderer=FormRenderer())
            reference = form_class({} if bound else None, renderer=TemplateRenderer())
        except (TypeError, ValueError, KeyError):
            continue  # needs arguments of its own, or is a base class
        if bound:
            fast.is_valid(), reference.is_valid()
        for name in fast.fields:
            assert fast[name].as_field_group() == reference[name].as_field_group(), (
                form_class, name)
        rendered += 1
    assert rendered >= 10
