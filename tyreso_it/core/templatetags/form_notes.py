"""`{% required_note form %}`: the line at the top of a form that explains the marker of the
fields that must be filled in, written only when the form has such a field."""

from __future__ import annotations

from django import template

register = template.Library()


def has_required_fields(form) -> bool:
    """Does `form` show a field that must be filled in (the ones `forms/field.html` marks)?"""
    return any(
        field.field.required and not field.field.disabled for field in form.visible_fields()
    )


@register.inclusion_tag("includes/required_note.html")
def required_note(form) -> dict:
    return {"shown": form is not None and has_required_fields(form)}
