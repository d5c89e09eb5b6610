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
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

#: Kept menus at most; past this many (never, with the sections there are) all are dropped.
KEPT_AT_MOST = 1000
_KEPT: dict[tuple, SafeString] = {}


def _value(value: Any) -> Any:
    """A `nav_*` value as the template reads it: a callable is called (they are lazy)."""
    return value() if callable(value) else value


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> SafeString:
    flags = {name: _value(value) for name, value in context.flatten().items()
             if name.startswith("nav_")}
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    user = context.get("user")
    key = (tuple(sorted(flags.items())), bool(getattr(user, "is_staff", False)),
           getattr(match, "app_name", None), getattr(match, "url_name", None),
           get_language(), get_script_prefix())
    markup = _KEPT.get(key)
    if markup is None:
        if len(_KEPT) >= KEPT_AT_MOST:
            _KEPT.clear()
        markup = _KEPT[key] = mark_safe(render_to_string(  # noqa: S308 - its template's
            "includes/main_menu.html",
            {**flags, "user_is_staff": key[1], "app_name": key[2], "url_name": key[3]}))
    return markup
