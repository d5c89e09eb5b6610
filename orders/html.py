"""Markup of the order pages' hottest parts, written in Python instead of through templates.

A list of 25 orders rendered through `includes/order_table.html` resolves some 300 template
variables and filters; the start page of the ordering function renders six such tables. The
functions here write the same HTML as those templates (tests/orders/test_html.py compares
them), escaping every value as the templates do.

The order page also gives each action its form; an unbound form of a class without choices
from the database writes the same markup on every page, so that markup is kept (per language)
instead of being rendered field by field, template by template, on every request.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import forms
from .models import Order

#: A number no order has, standing for the id in an order page's address.
_PK = 987654321


class _Months:
    """The months' abbreviations (`date:"b"`), translated once per table when first asked."""

    def __init__(self):
        self._names: dict[int, str] = {}

    def __getitem__(self, month: int) -> str:
        name = self._names.get(month)
        if name is None:
            name = self._names[month] = str(MONTHS_3[month])
        return name


def _local(value: datetime) -> datetime:
    """As a template shows a datetime: in the current time zone when it is aware."""
    if timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _time(value: datetime | None, months: _Months) -> str:
    """`<time datetime="{{ value|date:'c' }}">{{ value|date:"j b Y" }}</time>`."""
    if value is None:
        return '<time datetime=""></time>'
    value = _local(value)
    return (
        f'<time datetime="{escape(value.isoformat())}">'
        f"{value.day} {escape(months[value.month])} {value.year}</time>"
    )


def order_rows(orders: Iterable[Order]) -> str:
    """The table rows of `includes/order_table.html`, one per order."""
    prefix, suffix = reverse("orders:detail", args=[_PK]).split(str(_PK))
    draft = conditional_escape(_("Draft"))
    labels: dict[str, str] = {}
    months = _Months()
    rows = []
    for order in orders:
        status = order.status
        label = labels.get(status)
        if label is None:
            label = labels[status] = conditional_escape(order.status_label)
        handler = order.handler
        reference = conditional_escape(order.reference) if order.reference else draft
        rows.append(
            "<tr>"
            f'<td class="nowrap">{reference}</td>'
            f'<td><a href="{prefix}{order.pk}{suffix}">{conditional_escape(order.title)}</a></td>'
            f"<td>{conditional_escape(order.department.short_name)}</td>"
            f'<td><span class="status status-{conditional_escape(status)}">{label}</span></td>'
            f"<td>{conditional_escape(str(handler)) if handler is not None else '–'}</td>"
            f'<td class="nowrap">{_time(order.status_changed_at, months)}</td>'
            "</tr>"
        )
    return "\n".join(rows)


def order_table(orders: Iterable[Order], caption: Any = "", empty: Any = "") -> SafeString:
    """`includes/order_table.html`: the orders as a table, or `empty` (or "No orders.")."""
    orders = list(orders)
    if not orders:
        empty = empty or _("No orders.")
        return mark_safe(f'<p class="empty">{conditional_escape(empty)}</p>')  # noqa: S308 - escaped
    caption_html = (
        f'<caption class="visually-hidden">{conditional_escape(caption)}</caption>'
        if caption else ""
    )
    head = "".join(
        f'<th scope="col">{conditional_escape(name)}</th>'
        for name in (_("Reference"), _("Title"), _("Department"), _("Status"), _("Handler"),
                     _("Changed"))
    )
    return mark_safe(  # noqa: S308 - every value above is escaped
        '<div class="table-wrap">\n<table class="table">\n'
        f"{caption_html}\n<thead>\n<tr>{head}</tr>\n</thead>\n"
        f"<tbody>\n{order_rows(orders)}\n</tbody>\n</table>\n</div>"
    )


def _truncated(value: Any) -> str:
    """`{% if value is None %}<em>empty</em>{% else %}{{ value|truncatechars:80 }}{% endif %}`."""
    if value is None:
        empty = _("empty")
        return f"<em>{conditional_escape(empty)}</em>"
    text = str(value)
    # Truncator normalises the text and counts combining marks as nothing, so a text of at
    # most 80 code points is never cut: only normalised.
    text = Truncator(text).chars(80) if len(text) > 80 else unicodedata.normalize("NFC", text)
    return conditional_escape(text)


def changes_html(changes: Iterable[tuple[Any, Any, Any]]) -> str:
    """`includes/changes.html`: a list of changed fields, each from its old to its new value."""
    items = "".join(
        f'<li><span class="change-field">{conditional_escape(label)}</span>: '
        f"{_truncated(old)} → {_truncated(new)}</li>\n"
        for label, old, new in changes
    )
    return f'<ul class="changes">\n{items}</ul>'


def timeline_html(entries: Iterable[Any]) -> SafeString:
    """The order page's history (`orders.selectors.Timeline.entries`) as its list."""
    statuses = {value: conditional_escape(str(label)) for value, label in Order.Status.choices}
    months = _Months()
    system = conditional_escape(_("the system"))
    created = conditional_escape(_("Wrote the draft."))
    comment = conditional_escape(_("Comment"))
    changed = conditional_escape(_("Changed"))
    parts = ['<ol class="timeline">']
    for entry in entries:
        at = entry.at
        if at is not None:
            at = _local(at)
            when = (
                f'<time datetime="{escape(at.isoformat())}">{at.day} {escape(months[at.month])}'
                f" {at.year} {at.hour:02d}:{at.minute:02d}</time>"
            )
        else:
            when = '<time datetime=""></time>'
        actor = conditional_escape(str(entry.actor)) if entry.actor else system
        parts.append(
            f'<li class="timeline-{conditional_escape(entry.kind)}">\n'
            f'<p class="timeline-meta">{when} · {actor}</p>\n'
        )
        if entry.kind == "created":
            parts.append(f"<p>{created}</p>\n")
        elif entry.kind == "event":
            event = entry.event
            to = statuses.get(event.to_status, conditional_escape(event.to_status))
            if event.from_status == event.to_status:
                step = _("%(status)s (unchanged)") % {"status": to}
            else:
                before = statuses.get(event.from_status, conditional_escape(event.from_status))
                step = f"{before} → {to}"
            parts.append(f"<p><strong>{step}</strong></p>\n")
            if entry.text:
                parts.append(f'<p class="pre">{conditional_escape(entry.text)}</p>\n')
            if entry.changes:
                parts.append(changes_html(entry.changes) + "\n")
        elif entry.kind == "comment":
            parts.append(
                f'<p class="timeline-label">{comment}</p>\n'
                f'<p class="pre">{conditional_escape(entry.text)}</p>\n'
            )
        else:
            label = conditional_escape(entry.text) if entry.text else changed
            parts.append(
                f'<p class="timeline-label">{label}</p>\n' + changes_html(entry.changes) + "\n"
            )
        parts.append("</li>\n")
    parts.append("</ol>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


#: Forms whose unbound markup is the same on every page: no choices read from the database,
#: no initial values from the order. (The take-on and plan forms list people and providers.)
_STATIC_FORMS = frozenset({
    forms.ReasonForm, forms.RequestSupplementForm, forms.SupplementForm, forms.CommentForm,
    forms.AttachmentForm, forms.OptionForm,
})
_FORM_HTML: dict[tuple, SafeString] = {}


def _kept(form, kind: str, render) -> SafeString:
    """`render()`'s markup of `form`, kept for the next page when the form is unbound and
    of a static class. The key holds all that the markup depends on: the class, its prefix,
    which fields are required (a reason is required for some actions only) and the language
    of its labels."""
    if form.is_bound or type(form) not in _STATIC_FORMS:
        return mark_safe(render())  # noqa: S308 - the form's own markup
    key = (kind, type(form), form.prefix, get_language(),
           tuple((name, field.required) for name, field in form.fields.items()))
    markup = _FORM_HTML.get(key)
    if markup is None:
        markup = _FORM_HTML[key] = mark_safe(render())  # noqa: S308 - the form's own markup
    return markup


def form_fields(form) -> SafeString:
    """`{% for field in form %}{{ field.as_field_group }}{% endfor %}`."""
    return _kept(form, "fields", lambda: "".join(str(field.as_field_group()) for field in form))


def form_html(form) -> SafeString:
    """`{{ form }}`."""
    return _kept(form, "form", lambda: str(form))


def person_options(people: Iterable[Any], selected: Any) -> SafeString:
    """`<option>`s of people, the one whose id is `selected` chosen."""
    return mark_safe("".join(  # noqa: S308 - every value is escaped
        f'<option value="{person.pk}"{" selected" if person.pk == selected else ""}>'
        f"{conditional_escape(str(person))}</option>"
        for person in people
    ))
