"""The subject-access export (registerutdrag): everything the product holds that names one
person, as rows of one sheet.

Found generically, so that a model another part adds is covered without a change here:
every row of every model of the product with a foreign key (or a many-to-many field) to the
person, every history record made by them or naming them, their roles (HUKI) and groups;
then what names them in free text or by address: comments and orders that mention their
name, emails addressed to them, and their login records.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from axes.models import AccessLog
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from orders.models import Comment, Order
from organisation.models import Role, User
from tyreso_it.core.models import OutboxMessage

#: The apps whose models are searched (the product's own, and the accounts' groups).
APPS = ("organisation", "orders", "board", "raci", "servicecatalog", "portfolio", "costs",
        "records", "core")

HEADERS = ("Section", "Object", "Field", "Date", "Details")


def headers() -> list[str]:
    return [_("Section"), _("Object"), _("Field"), _("Date"), _("Details")]


def _date_of(obj: models.Model) -> Any:
    for name in ("history_date", "created_at", "at", "set_at", "asked_at", "uploaded_at",
                 "starts_at", "date_joined", "updated_at"):
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return None


def _details(obj: models.Model) -> str:
    if isinstance(obj, Comment):
        return obj.body
    if hasattr(obj, "attended"):  # a meeting's member: attendance
        return {True: _("present"), False: _("absent"), None: _("attendance not recorded")}[
            obj.attended]
    return ""


def _user_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.get_fields()
            if (f.many_to_one or f.one_to_one or f.many_to_many) and f.concrete
            and f.related_model is User]


def _is_history(model: type[models.Model]) -> bool:
    return getattr(model, "instance_type", None) is not None and hasattr(model, "history_id")


def _models() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        if model._meta.app_label in APPS and model is not User:
            yield model


def rows(person: User) -> Iterator[list[Any]]:
    """The rows of `person`'s export: section, object, field, date, details."""
    yield [_("Person"), str(person), _("user name"), person.date_joined, person.username]
    for label, value in ((_("name"), person.get_full_name()), (_("email"), person.email),
                         (_("job title"), person.title), (_("phone"), person.phone),
                         (_("last login"), person.last_login),
                         (_("active"), _("yes") if person.is_active else _("no"))):
        yield [_("Person"), str(person), label, None, value]
    for role in Role.objects.filter(group__user=person).order_by("name"):
        yield [_("HUKI role"), role.name, _("holds the role"), None, role.description]
    for group in person.groups.filter(role__isnull=True).order_by("name"):
        yield [_("Group"), group.name, _("member"), None, ""]
    # Every link to the person, then every history record made by or naming them.
    histories = []
    for model in _models():
        fields = _user_fields(model)
        if _is_history(model):
            histories.append((model, fields))
            continue
        for field in fields:
            for obj in model.objects.filter(**{field.name: person}).order_by("pk"):
                yield [str(model._meta.verbose_name).capitalize(), str(obj),
                       str(field.verbose_name), _date_of(obj), _details(obj)]
    for model, fields in histories:
        condition = Q()
        for field in fields:
            condition |= Q(**{field.name: person})
        original = model.instance_type._meta.verbose_name
        if not hasattr(model, "history_date"):  # a many-to-many field's history
            for record in model.objects.filter(condition).select_related("history"):
                yield [_("History record"), str(original).capitalize(),
                       ", ".join(str(f.verbose_name) for f in fields),
                       record.history.history_date, _("member")]
            continue
        for record in model.objects.filter(condition).order_by("history_date", "pk"):
            named = [str(f.verbose_name) for f in fields
                     if getattr(record, f.attname) == person.pk]
            yield [_("History record"), f"{str(original).capitalize()}: {record.instance}",
                   ", ".join(named), record.history_date,
                   {"+": _("created"), "~": _("changed"), "-": _("deleted")}.get(
                       record.history_type, record.history_type)]
    yield from _mentions(person)


def _mentions(person: User) -> Iterator[list[Any]]:
    name = person.get_full_name().strip()
    if name:
        for comment in (Comment.objects.filter(body__icontains=name)
                        .exclude(author=person).select_related("order").order_by("pk")):
            yield [_("Mentioned in a comment"), str(comment.order), _("text"),
                   comment.created_at, comment.body]
        text = (Q(need__icontains=name) | Q(title__icontains=name)
                | Q(functional_requirements__icontains=name))
        for order in Order.objects.filter(text).order_by("pk"):
            yield [_("Mentioned in an order"), str(order), _("text"), order.created_at, ""]
    if person.email:
        for message in OutboxMessage.objects.filter(
                recipients__contains=[person.email]).order_by("created_at", "pk"):
            yield [_("Email addressed to them"), message.subject, _("recipients"),
                   message.created_at, message.body]
    for log in AccessLog.objects.filter(username=person.username).order_by("attempt_time"):
        yield [_("Login"), log.ip_address or "", _("user name"), log.attempt_time,
               log.user_agent]
