"""The widgets written in Python (tyreso_it.core.widget_html) give exactly the HTML of Django's
own widget templates, for every widget the fast path takes, with values that need escaping."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from tyreso_it.core.forms import FormRenderer

TRICKY = 'A & B <"C">'


class Everything(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": TRICKY, "autofocus": True,
                                                         "hidden": False}))
    empty = forms.CharField(required=False)
    number = forms.DecimalField()
    email = forms.EmailField()
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(widget=forms.FileInput)
    flag = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    blank_note = forms.CharField(widget=forms.Textarea, required=False)
    one = forms.ChoiceField(
        choices=[("", "–"), ("a", TRICKY), (3, 2025), ("d", mark_safe("<b>ok</b>"))]
    )
    grouped = forms.ChoiceField(choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")])
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", TRICKY)])
    radio = forms.ChoiceField(widget=forms.RadioSelect(attrs={"class": "inline"}),
                              choices=[("a", "A"), ("b", TRICKY)])
    boxes = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple,
                                      choices=[("G", [("a", "A"), ("b", "B")]), ("c", "C")])


DATA = {
    "text": TRICKY, "number": Decimal("12.5"), "email": "a@b.se", "day": datetime.date(2026, 3, 1),
    "secret": "s3cret&", "hidden": "<h>", "flag": True, "note": "line 1\n<line 2>",
    "one": "a", "grouped": "y", "many": ["a", "b"], "radio": "b", "boxes": ["b", "c"],
}


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "bound"])
def test_every_widget_renders_as_djangos_own_templates(bound):
    form_args = {"data": DATA} if bound else {"initial": DATA}
    fast = Everything(renderer=FormRenderer(), **form_args)
    reference = Everything(renderer=TemplatesSetting(), **form_args)
    for name in Everything.base_fields:
        assert str(fast[name].as_widget()) == str(reference[name].as_widget()), name
        for fast_sub, ref_sub in zip(fast[name].subwidgets, reference[name].subwidgets,
                                     strict=True):
            assert fast_sub.tag() == ref_sub.tag(), name


def test_labels_and_values_are_escaped():
    html = str(Everything(renderer=FormRenderer(), initial=DATA)["one"])
    assert "A &amp; B &lt;&quot;C&quot;&gt;" in html
    assert "<b>ok</b>" in html  # a label marked safe stays as it is


def test_a_widget_with_a_template_of_its_own_still_renders_through_it(monkeypatch):
    seen = []
    original = TemplatesSetting.render

    def spy(self, template_name, context, request=None):
        seen.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(TemplatesSetting, "render", spy)
    forms.Select(choices=[("a", "A")]).render("x", "a", renderer=FormRenderer())
    assert seen == []
    widget = forms.ClearableFileInput()
    widget.render("f", None, renderer=FormRenderer())
    assert seen == ["django/forms/widgets/clearable_file_input.html"]
