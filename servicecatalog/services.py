"""Every write to the catalogue's services and integrations, one function each.

Each checks the actor's right itself (views hiding a button is not a check), validates the
row like the model does, saves through `save()` so the history records who and why, and runs
in one transaction. A refused write raises `CatalogueError` with a Swedish message.

Concurrent edits: a form carries the id of the latest history record it started from (the
version token, see `selectors.service_version`); a save from an older token is refused with
`StaleVersion`, never silently written over someone else's.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organisation.models import User
from tyreso_it.core.errors import ServiceError

from .models import Category, Integration, Service, ServiceLevel
from .permissions import can_edit_catalogue, can_edit_service
from .selectors import integration_version, service_version


class CatalogueError(ServiceError):
    """A refused write of this app (see tyreso_it.core.errors)."""


class NotAllowed(CatalogueError):
    status_code = 403


class StaleVersion(CatalogueError):
    status_code = 409


#: What a service form and an import row may set.
SERVICE_FIELDS: tuple[str, ...] = (
    "name", "kind", "description", "category", "lifecycle", "department", "system_owner",
    "system_manager", "contact", "supplier", "availability_target", "support_hours",
    "confidentiality", "integrity", "availability", "personal_data", "orderable",
    "order_template", "yearly_cost", "internal_notes", "review_month",
)
#: Who answers for a service: set by the ordering function only, so an owner or manager
#: cannot hand a system to another department or person.
RESPONSIBILITY_FIELDS: frozenset[str] = frozenset({"department", "system_owner", "system_manager"})
INTEGRATION_FIELDS: tuple[str, ...] = (
    "source", "target", "direction", "data", "method", "frequency", "owner",
)


def _raise_invalid(exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        raise CatalogueError(
            errors[0].messages[0], None if field == NON_FIELD_ERRORS else field
        ) from exc
    raise CatalogueError(exc.messages[0]) from exc


def _differs(obj: Any, name: str, value: Any) -> bool:
    """Whether setting `value` changes the field, comparing related rows by id (no query)."""
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _check_version(current: int, expected: int | None, what: str) -> None:
    if expected is not None and current != expected:
        raise StaleVersion(
            _(
                "Someone else saved this %(what)s while you were editing it. Your changes "
                "were not saved: compare them with the newer version shown on the page and "
                "save again."
            )
            % {"what": what}
        )


# --- services -----------------------------------------------------------------------------


def _levels_write(service: Service, levels: Iterable[dict[str, Any]], actor: User) -> bool:
    """Make the service's SLA levels exactly `levels`; True when anything changed."""
    wanted = {int(level["priority"]): level for level in levels}
    changed = False
    for existing in list(service.levels.all()):
        level = wanted.pop(existing.priority, None)
        existing._history_user = actor
        if level is None:
            existing.delete()
            changed = True
            continue
        response = Decimal(level["response_hours"])
        resolution = Decimal(level["resolution_hours"])
        if (existing.response_hours, existing.resolution_hours) != (response, resolution):
            existing.response_hours, existing.resolution_hours = response, resolution
            existing.save()
            changed = True
    for priority, level in sorted(wanted.items()):
        created = ServiceLevel(
            service=service, priority=priority,
            response_hours=level["response_hours"], resolution_hours=level["resolution_hours"],
        )
        created._history_user = actor
        created.full_clean(exclude={"service"})
        created.save()
        changed = True
    return changed


def _service_save(service: Service, actor: User, reason: str) -> None:
    try:
        service.full_clean(exclude={"contracts"})
    except ValidationError as exc:
        _raise_invalid(exc)
    service._history_user = actor
    service._change_reason = reason
    service.save()


def service_create(
    *,
    actor: User,
    data: dict[str, Any],
    levels: Iterable[dict[str, Any]] = (),
    contracts: Iterable[Any] | None = None,
) -> Service:
    """Add a service to the catalogue: the ordering function's task."""
    if not can_edit_catalogue(actor):
        raise NotAllowed(_("Only the ordering function adds services to the catalogue."))
    with transaction.atomic():
        service = Service()
        for name in SERVICE_FIELDS:
            if name in data:
                setattr(service, name, data[name])
        _service_save(service, actor, _("Service added"))
        if contracts is not None:
            service.contracts.set(contracts)
        _levels_write(service, levels, actor)
    return service


def service_update(
    *,
    actor: User,
    service_id: int,
    data: dict[str, Any],
    expected_version: int | None,
    levels: Iterable[dict[str, Any]] | None = None,
    contracts: Iterable[Any] | None = None,
) -> Service:
    """Change a service: the ordering function, or the service's system owner or manager.

    `expected_version` is the token the editor started from (None only for writers that
    hold their own check, such as a confirmed import). `levels`, when given, replaces the
    SLA levels; `contracts`, when given, the linked contracts.
    """
    with transaction.atomic():
        service = Service.objects.select_for_update(of=("self",)).get(pk=service_id)
        if not can_edit_service(actor, service):
            raise NotAllowed(
                _("Only the ordering function and the service's system owner and system "
                  "manager can change it.")
            )
        _check_version(service_version(service.pk), expected_version, _("service"))
        changed = [n for n in SERVICE_FIELDS if n in data and _differs(service, n, data[n])]
        if RESPONSIBILITY_FIELDS.intersection(changed) and not can_edit_catalogue(actor):
            raise NotAllowed(
                _("Only the ordering function changes a service's department, system owner "
                  "and system manager."),
                field=sorted(RESPONSIBILITY_FIELDS.intersection(changed))[0],
            )
        for name in changed:
            setattr(service, name, data[name])
        levels_changed = _levels_write(service, levels, actor) if levels is not None else False
        contracts_changed = False
        if contracts is not None:
            wanted = {c.pk for c in contracts}
            if wanted != set(service.contracts.values_list("pk", flat=True)):
                service.contracts.set(wanted)
                contracts_changed = True
        # Saved when only the levels or contracts changed too: the new history record moves
        # the version token, so an editor who started earlier is told.
        if changed or levels_changed or contracts_changed:
            _service_save(service, actor, _("Service changed"))
    return service


def categories_ensure(*, actor: User, names: Iterable[str]) -> dict[str, Category]:
    """The categories of these names, the missing ones created: by the ordering function."""
    names = {name.strip() for name in names if name and name.strip()}
    found = {c.name: c for c in Category.objects.filter(name__in=names)}
    missing = names - set(found)
    if missing and not can_edit_catalogue(actor):
        raise NotAllowed(_("Only the ordering function adds categories to the catalogue."))
    for name in sorted(missing):
        found[name] = Category.objects.create(name=name)
    return found


# --- integrations -------------------------------------------------------------------------


def can_edit_integration(user: User, source: Service, target: Service) -> bool:
    """The ordering function, and the owners and managers of either system."""
    return can_edit_service(user, source) or can_edit_service(user, target)


def _integration_save(integration: Integration, actor: User, reason: str) -> None:
    try:
        integration.full_clean()
    except ValidationError as exc:
        _raise_invalid(exc)
    integration._history_user = actor
    integration._change_reason = reason
    integration.save()


def integration_create(*, actor: User, data: dict[str, Any]) -> Integration:
    """Record a flow of data between two systems."""
    source, target = data.get("source"), data.get("target")
    if source is None or target is None:
        raise CatalogueError(_("Choose both systems of the integration."), "source")
    if not can_edit_integration(actor, source, target):
        raise NotAllowed(
            _("Only the ordering function and the owners and managers of the systems "
              "can record their integrations.")
        )
    with transaction.atomic():
        integration = Integration()
        for name in INTEGRATION_FIELDS:
            if name in data:
                setattr(integration, name, data[name])
        _integration_save(integration, actor, _("Integration added"))
    return integration


def integration_update(
    *, actor: User, integration_id: int, data: dict[str, Any], expected_version: int | None
) -> Integration:
    """Change an integration; who may must be allowed on it both before and after."""
    with transaction.atomic():
        integration = (
            Integration.objects.select_for_update(of=("self",))
            .select_related("source", "target")
            .get(pk=integration_id)
        )
        source = data.get("source", integration.source)
        target = data.get("target", integration.target)
        if not (
            can_edit_integration(actor, integration.source, integration.target)
            and can_edit_integration(actor, source, target)
        ):
            raise NotAllowed(
                _("Only the ordering function and the owners and managers of the systems "
                  "can change their integrations.")
            )
        _check_version(integration_version(integration.pk), expected_version,
                       _("integration"))
        changed = [
            n for n in INTEGRATION_FIELDS if n in data and _differs(integration, n, data[n])
        ]
        for name in changed:
            setattr(integration, name, data[name])
        if changed:
            _integration_save(integration, actor, _("Integration changed"))
    return integration


def integration_delete(*, actor: User, integration_id: int) -> None:
    """Remove an integration; the history keeps it."""
    with transaction.atomic():
        integration = (
            Integration.objects.select_for_update(of=("self",))
            .select_related("source", "target")
            .get(pk=integration_id)
        )
        if not can_edit_integration(actor, integration.source, integration.target):
            raise NotAllowed(
                _("Only the ordering function and the owners and managers of the systems "
                  "can remove their integrations.")
            )
        integration._history_user = actor
        integration._change_reason = _("Integration removed")
        integration.delete()
