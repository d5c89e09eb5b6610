"""`{% main_menu %}`: the layout's main menu (`includes/main_menu.html`), kept per process.

Every page but the login shows the same menu to everyone who is offered the same sections, on
the same section, in the same language; rendered, it is some ten links, each reversed and
translated, and twenty lookups of the page's route. It is therefore rendered once for each
such combination and kept in this process: the key holds every value the menu is drawn from
(the `nav_*` values of `tyreso_it.navigation`, whether the person is staff, the route's app
and name, the language and the script prefix), so a kept menu is the menu the template would
write. Nothing about the person but those values is in it (their name and the log-out form
are rendered on every page).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from tyreso_it.core import kept

register = template.Library()

#: The menus kept: at most a thousand (never, with the sections there are), then all dropped.
_KEPT = kept.InProcess(most=1000)


def _value(value: Any) -> Any:
    """A `nav_*` value as the template reads it: a callable is called (they are lazy)."""
    return value() if callable(value) else value


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> SafeString:
    flags = {name: _value(value) for name, value in context.flatten().items()
             if name.startswith("nav_")}
    match = getattr(context.get("request"), "resolver_match", None)
    drawn_from = {**flags,
                  "user_is_staff": bool(getattr(context.get("user"), "is_staff", False)),
                  "app_name": getattr(match, "app_name", None),
                  "url_name": getattr(match, "url_name", None)}
    key = (tuple(sorted(drawn_from.items())), get_language(), get_script_prefix())
    return _KEPT.get(key, lambda: render_to_string("includes/main_menu.html", drawn_from))
