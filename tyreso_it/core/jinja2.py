"""The Jinja2 environment of the project's second template backend.

Pages are Django templates. A fragment the Django template language renders too slowly for a
page that is asked for all day (a list's rows, the timeline's bars, a chart) is a Jinja2
template instead, under `jinja2/`, named `*.jinja` so that neither engine mistakes the other's
templates for its own. Jinja2 compiles templates to Python; the fragment keeps its markup in a
template and its text in the translation catalogue (`makemessages` reads `*.jinja` files too,
see `tyreso_it/core/management/commands/makemessages.py`).

What a fragment has beside its context: `gettext`/`_`, `ngettext`, `pgettext`, `npgettext`
and `{% trans %}` blocks (Django's translations, new-style: `_("%(n)s orders", n=3)`),
`url(name, *args)`, `static(path)`, and the filters `date` (Django's date formats, in the
current time zone), `localize` and `truncatechars` (Django's). Autoescaping is on, as in
Django's templates.
"""

from __future__ import annotations

import functools
from datetime import date as date_type
from datetime import datetime
from typing import Any

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone, translation
from jinja2 import Environment


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """`{% url name arg %}`: the path of a named route."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date(value: Any, format_string: str | None = None) -> str:
    """`{{ value|date:"j b Y" }}`: a date or time in Django's formats, a time in the current
    time zone (Django's templates convert it before the filter sees it; Jinja2 does not)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if format_string == "c":
        # What Django's "c" writes (ISO 8601), without its format parser: lists write it on
        # every row.
        return value.isoformat()
    if isinstance(value, datetime) and format_string and _DATE_ONLY.issuperset(format_string):
        # A format of the day alone ("j b Y") writes the same for every time of that day.
        return _day(value.date(), format_string, translation.get_language())
    return defaultfilters.date(value, format_string)


#: The characters of a date format that show the day, the month or the year (and the text
#: between them): such a format writes a time as it writes its day.
_DATE_ONLY = frozenset("dDEFjlLmMnNSwyYzWtbo ./-,")


@functools.lru_cache(maxsize=4096)
def _day(day: date_type, format_string: str, language: str | None) -> str:
    """A day in a format of days, in `language`: lists write the same few days on every row."""
    return defaultfilters.date(day, format_string)


def environment(**options: Any) -> Environment:
    extensions = [*options.pop("extensions", []), "jinja2.ext.i18n"]
    # Django's backend passes autoescape=True; it is said here too, so no other caller can
    # build this environment without it.
    options.pop("autoescape", None)
    env = Environment(extensions=extensions, autoescape=True, **options)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=translation.gettext,
        ngettext=translation.ngettext,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
        newstyle=True,
    )
    # `{% trans %}` blocks are read with their white space folded, as Django's
    # `{% blocktranslate trimmed %}`: a template's indentation is not part of the message.
    env.policies["ext.i18n.trimmed"] = True
    env.globals.update(url=url, static=static)
    env.filters.update(date=date, localize=formats.localize,
                       truncatechars=defaultfilters.truncatechars)
    return env
