"""Django's built-in form widgets rendered in Python instead of through their templates.

Django renders every widget, and every <option> of a select and every box of a checkbox list,
through a template of its own; a filter form with a few selects renders a hundred small
templates on every page. These functions write the same HTML as Django's templates in
`django/forms/templates/django/forms/widgets/` (tests/core/test_widget_html.py compares them
widget by widget), and the project's FormRenderer uses them for those templates only: a widget
with a template of its own still renders through it.
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
