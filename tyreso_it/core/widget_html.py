"""Django's built-in form widgets, and the project's field wrapper, rendered in Python instead
of through their templates.

Django renders every widget, and every <option> of a select and every box of a checkbox list,
through a template of its own; a filter form with a few selects renders a hundred small
templates on every page. These functions write the same HTML as Django's templates in
`django/forms/templates/django/forms/widgets/` (tests/core/test_widget_html.py compares them
widget by widget), and the project's FormRenderer uses them for those templates only: a widget
with a template of its own still renders through it.

A field's group (`{{ field.as_field_group }}`) is written the same way: the project's wrapper
`templates/forms/field.html` around Django's `django/forms/field.html`, with the label
(`django/forms/label.html`) and the error list (`django/forms/errors/list/ul.html`);
tests/core/test_field_html.py compares them with those templates for every kind of field the
project's forms use, bound and unbound, with and without errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.formats import localize
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"

#: Templates whose whole content is `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = (
    "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password",
    "search", "tel", "text", "time", "url", "input",
)


def _text(value: Any) -> str:
    """A value as the template's `{{ value }}` writes it: localised, then escaped."""
    if not isinstance(value, str):
        value = localize(value)
    return conditional_escape(value)


def _s(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: %s-formatted, then escaped."""
    return conditional_escape(str(value))


def attrs_html(attrs: Mapping[str, Any]) -> str:
    """`django/forms/widgets/attrs.html`."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{_s(value)}"')
    return "".join(parts)


# Each function writes what its template writes, trailing newline included (an include keeps
# it); the renderer strips the outermost one, as Django's renderers do.


def input_html(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    value_attr = "" if value is None else f' value="{_s(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value_attr}'
        f'{attrs_html(widget["attrs"])}>\n'
    )


def input_option_html(widget: Mapping[str, Any]) -> str:
    html = input_html(widget)
    if not widget.get("wrap_label"):
        return html + "\n"
    id_ = widget["attrs"].get("id")
    label_for = f' for="{_text(id_)}"' if id_ else ""
    return f"<label{label_for}>{html} {_text(widget['label'])}</label>\n"


def checkbox_option_html(widget: Mapping[str, Any]) -> str:
    """checkbox_option.html and radio_option.html: an include of input_option.html."""
    return input_option_html(widget) + "\n"


def select_option_html(widget: Mapping[str, Any]) -> str:
    return (
        f'<option value="{_s(widget["value"])}"{attrs_html(widget["attrs"])}>'
        f"{_text(widget['label'])}</option>\n"
    )


Fallback = Callable[[str, dict], str]


def _option(option: Mapping[str, Any], fallback: Fallback) -> str:
    render = OPTION_RENDERERS.get(option["template_name"])
    if render is None:
        return fallback(option["template_name"], {"widget": option})
    return render(option)


def select_html(widget: Mapping[str, Any], fallback: Fallback) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            parts.append("\n  " + _option(option, fallback))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def multiple_input_html(widget: Mapping[str, Any], fallback: Fallback) -> str:
    id_ = widget["attrs"].get("id")
    class_ = widget["attrs"].get("class")
    parts = ["<div"]
    if id_:
        parts.append(f' id="{_text(id_)}"')
    if class_:
        parts.append(f' class="{_text(class_)}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            parts.append("<div>\n    " + _option(option, fallback) + "</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def textarea_html(widget: Mapping[str, Any], fallback: Fallback) -> str:
    value = widget["value"]
    body = _text(value) if value else ""
    return (
        f'<textarea name="{_text(widget["name"])}"{attrs_html(widget["attrs"])}>\n'
        f"{body}</textarea>\n"
    )


OPTION_RENDERERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    WIDGETS + "select_option.html": select_option_html,
    WIDGETS + "checkbox_option.html": checkbox_option_html,
    WIDGETS + "radio_option.html": checkbox_option_html,
    WIDGETS + "input_option.html": input_option_html,
}

#: Template name -> function(widget, fallback) writing the same HTML.
RENDERERS: dict[str, Callable[[Mapping[str, Any], Fallback], str]] = {
    **{WIDGETS + f"{name}.html": (lambda widget, fallback: input_html(widget))
       for name in INPUT_TEMPLATES},
    **{name: (lambda widget, fallback, render=render: render(widget))
       for name, render in OPTION_RENDERERS.items()},
    WIDGETS + "select.html": select_html,
    WIDGETS + "multiple_input.html": multiple_input_html,
    WIDGETS + "radio.html": multiple_input_html,
    WIDGETS + "checkbox_select.html": multiple_input_html,
    WIDGETS + "textarea.html": textarea_html,
}


# --- a field's group, its label and its errors ------------------------------------------------
# These take the template's context (not a widget) and return what the template writes,
# stripped as the renderer strips it.


def label_html(context: Mapping[str, Any]) -> str:
    """`django/forms/label.html`: the label (or legend) tag, or the bare label without an id."""
    label = _text(context["label"])
    if not context["use_tag"]:
        return label.strip()
    tag = _text(context["tag"])
    return f"<{tag}{attrs_html(context['attrs'])}>{label}</{tag}>"


def error_list_html(context: Mapping[str, Any]) -> str:
    """`django/forms/errors/list/default.html` (an include of `ul.html`)."""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    id_attr = f' id="{_text(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_text(error)}</li>" for error in errors)
    return f'<ul class="{_text(context["error_class"])}"{id_attr}>{items}</ul>'


def field_html(context: Mapping[str, Any]) -> str:
    """`forms/field.html`: the project's `<div class="field">` (marked `field-error` and
    `field-required` as the case is) around Django's field group (label or legend, help text,
    errors and the widget; the widget carries `required`,
    `aria-invalid` and `aria-describedby` from the bound field as in the template)."""
    field = context["field"]
    errors = field.errors
    if field.use_fieldset:
        described = field.aria_describedby
        described_attr = f' aria-describedby="{_text(described)}"' if described else ""
        label = str(field.legend_tag()) if field.label else ""
        head = f"\n  <fieldset{described_attr}>\n  {label}\n"
        tail = "</fieldset>"
    else:
        head = f"\n  {field.label_tag() if field.label else ''}\n"
        tail = ""
    help_html = ""
    if field.help_text:
        auto_id = field.auto_id
        id_attr = f' id="{_text(auto_id)}_helptext"' if auto_id else ""
        help_html = f'<div class="helptext"{id_attr}>{field.help_text}</div>'
    # A field that must be filled in is marked on its wrapper (the stylesheet puts the marker
    # after its label or legend).
    required = field.field.required and not field.field.disabled
    return (
        f'<div class="field{" field-error" if errors else ""}'
        f'{" field-required" if required else ""}">\n'
        f"{head}\n{help_html}\n{_html(errors)}\n{_html(field)}{tail}\n\n</div>"
    )


def _html(value: Any) -> str:
    """`{{ value }}` of something that renders itself (a bound field, an error list)."""
    return str(conditional_escape(value))


#: Template name -> function(context) writing the same HTML (stripped).
CONTEXT_RENDERERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "forms/field.html": field_html,
    "django/forms/label.html": label_html,
    "django/forms/errors/list/default.html": error_list_html,
    "django/forms/errors/list/ul.html": error_list_html,
}
