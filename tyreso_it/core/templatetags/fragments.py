"""`{% fragment "app/name.jinja" key=value ... %}`: a hot fragment of a Django page, rendered by
the Jinja2 backend (`tyreso_it/core/jinja2.py`) from the values named in the tag and nothing
else of the page's context.

One tag for every fragment, so that a page says which template writes which part of it and no
fragment needs a wrapper of its own.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def fragment(name: str, **context: Any) -> SafeString:
    """The Jinja2 template `name` rendered with `context`."""
    # The Jinja2 environment escapes every value it writes (autoescape is always on there), so
    # what it returns is markup; Django's safe strings given to it are not escaped twice.
    return mark_safe(engines["jinja2"].get_template(name).render(context))  # noqa: S308
