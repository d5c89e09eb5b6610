"""Import of services and integrations from a spreadsheet (CSV or XLSX).

Many municipalities keep their system list in a spreadsheet. An import runs in two steps:

1. `read_table` reads the upload and `validate` checks every row against the catalogue as it
   is now, collecting every error with its row number and column; nothing is written.
2. `apply` validates the same rows again (the catalogue may have changed in between) and
   writes them all through the services in one transaction, or nothing at all.

The column headers are the catalogue's own field names in Swedish (the template and the
catalogue's export use the same ones), so an export can be edited and imported again. A
row whose name already is in the catalogue updates that service; the others are created.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, Value
from django.db.models.functions import Concat, Lower
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override

from organisation.models import Department, User
from tyreso_it.core import uploads
from tyreso_it.core.exports import FORMULA_STARTS

from . import services
from .models import Category, Integration, Service, Supplier

MAX_ROWS = 2000


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong format, encoding or no header row."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- columns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    model: type
    required: bool = False

    @property
    def header(self) -> str:
        """The column's header in the current language (Swedish in the app)."""
        return str(capfirst(self.model._meta.get_field(self.key).verbose_name))

    def names(self) -> set[str]:
        """Every header the column is known by: Swedish, English and the field's code."""
        found = {_normal(self.key)}
        for language in ("sv", "en"):
            with override(language):
                found.add(_normal(self.header))
        return found


SERVICE_COLUMNS: tuple[Column, ...] = (
    Column("name", Service, required=True),
    Column("kind", Service),
    Column("category", Service),
    Column("lifecycle", Service),
    Column("department", Service),
    Column("system_owner", Service),
    Column("system_manager", Service),
    Column("supplier", Service),
    Column("description", Service),
    Column("contact", Service),
    Column("availability_target", Service),
    Column("support_hours", Service),
    Column("confidentiality", Service),
    Column("integrity", Service),
    Column("availability", Service),
    Column("personal_data", Service),
    Column("orderable", Service),
    Column("order_template", Service),
    Column("review_month", Service),
    Column("yearly_cost", Service),
    Column("internal_notes", Service),
)
#: Shown only to those who see a service's internal fields (exports).
INTERNAL_KEYS = frozenset({"yearly_cost", "internal_notes"})

INTEGRATION_COLUMNS: tuple[Column, ...] = (
    Column("source", Integration, required=True),
    Column("target", Integration, required=True),
    Column("direction", Integration),
    Column("data", Integration, required=True),
    Column("method", Integration),
    Column("frequency", Integration),
    Column("owner", Integration),
)

KINDS: dict[str, tuple[Column, ...]] = {
    "services": SERVICE_COLUMNS,
    "integrations": INTEGRATION_COLUMNS,
}


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


# --- reading a file -----------------------------------------------------------------------


def _unguard(text: str) -> str:
    """Undo the export's formula guard, so an exported file imports the text it showed."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else \
            value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_csv(raw: bytes) -> list[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”.")
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file could not be read: %(error)s") % {
            "error": exc}) from exc


def _read_xlsx(raw: bytes, sheet_names: set[str]) -> list[list[str]]:
    """The rows of the workbook's sheet of that name (or its first), opened safely: a zip
    bomb or XML entities are refused (`tyreso_it.core.uploads.open_workbook`)."""
    from zipfile import BadZipFile

    try:
        with uploads.open_workbook(raw) as workbook:
            sheet = next(
                (ws for ws in workbook.worksheets if _normal(ws.title) in sheet_names),
                workbook.worksheets[0],
            )
            rows = []
            for values in sheet.iter_rows(values_only=True):
                rows.append([_xlsx_text(value) for value in values])
                if len(rows) > MAX_ROWS + 1:
                    break
            return rows
    except uploads.UploadRefused as exc:
        raise ImportFileError(exc.message) from exc
    except (BadZipFile, OSError, KeyError, ValueError, IndexError) as exc:
        raise ImportFileError(_("The file could not be read as an Excel workbook.")) from exc


def read_table(
    name: str, raw: bytes, kind: str
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows (with their row numbers in the file) of an upload."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        rows = _read_xlsx(raw, {_normal(sheet_title(kind))})
    elif suffix == ".csv":
        rows = _read_csv(raw)
    else:
        raise ImportFileError(_("Choose a .csv or .xlsx file."))
    numbered = [
        (number, [_unguard(cell.strip()) for cell in row])
        for number, row in enumerate(rows, start=1)
    ]
    numbered = [(number, row) for number, row in numbered if any(row)]
    if not numbered:
        raise ImportFileError(_("The file is empty."))
    header_number, header = numbered[0]
    if header_number != 1:
        raise ImportFileError(_("The first row of the file must hold the column headers."))
    data = numbered[1:]
    if len(data) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows; split it in parts.") % {"max": MAX_ROWS}
        )
    if not data:
        raise ImportFileError(_("The file has column headers but no rows."))
    return header, data


def sheet_title(kind: str) -> str:
    return _("Services") if kind == "services" else _("Integrations")


# --- rows and their errors ----------------------------------------------------------------


@dataclass
class RowError:
    column: str  # the header as the user wrote it, or "" for the row as a whole
    message: str


@dataclass
class Row:
    number: int
    values: dict[str, str]  # column key → the cell's text
    errors: list[RowError] = field(default_factory=list)
    action: str = "create"  # or "update"
    existing_id: int | None = None
    version: int | None = None
    cleaned: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if "name" in self.values:
            return self.values["name"]
        return " → ".join(v for v in (self.values.get("source"), self.values.get("target")) if v)


@dataclass
class Result:
    kind: str
    headers: dict[str, str]  # column key → its header as written in the file
    rows: list[Row]
    file_errors: list[RowError] = field(default_factory=list)  # about the header row
    new_categories: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(row.errors) for row in self.rows)

    @property
    def created(self) -> int:
        return sum(1 for row in self.rows if row.action == "create")

    @property
    def updated(self) -> int:
        return sum(1 for row in self.rows if row.action == "update")

    def rows_with_errors(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    def columns(self) -> list[tuple[str, str]]:
        """(key, header) of the file's known columns, in the template's order."""
        return [(c.key, self.headers[c.key]) for c in KINDS[self.kind] if c.key in self.headers]

    def header(self, key: str) -> str:
        return self.headers.get(key) or next(c.header for c in KINDS[self.kind] if c.key == key)


def map_header(kind: str, header: Sequence[str]) -> tuple[dict[int, Column], list[RowError]]:
    """Which column each header cell is, and the errors of the header row."""
    columns = KINDS[kind]
    known = {name: column for column in columns for name in column.names()}
    mapping: dict[int, Column] = {}
    errors: list[RowError] = []
    seen: set[str] = set()
    for index, text in enumerate(header):
        if not text:
            continue
        column = known.get(_normal(text))
        if column is None:
            errors.append(RowError(text, _("Unknown column. Remove it or name it as in the "
                                           "template.")))
        elif column.key in seen:
            errors.append(RowError(text, _("The column appears twice.")))
        else:
            seen.add(column.key)
            mapping[index] = column
    for column in columns:
        if column.required and column.key not in seen:
            errors.append(RowError(column.header, _("The column is missing; it is required.")))
    return mapping, errors


# --- parsing cells ------------------------------------------------------------------------

YES = {"ja", "j", "yes", "y", "x", "1", "true", "sant"}
NO = {"nej", "n", "no", "0", "false", "falskt", ""}


def _choice(choices: Sequence[tuple[Any, Any]], text: str) -> Any:
    """A choice's value from its value or its label (Swedish or English)."""
    wanted = _normal(text)
    for value, label in choices:
        names = {_normal(str(value))}
        for language in ("sv", "en"):
            with override(language):
                names.add(_normal(str(label)))
        if wanted in names:
            return value
    labels = ", ".join(str(label) for _value, label in choices)
    raise ValidationError(_("Unknown value. Use one of: %(labels)s.") % {"labels": labels})


def _yes_no(text: str) -> bool:
    value = _normal(text)
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValidationError(_("Write Ja or Nej."))


def _decimal(text: str, *, low: Decimal | None = None, high: Decimal | None = None,
             places: int = 2) -> Decimal | None:
    if not text:
        return None
    cleaned = text.replace("\xa0", "").replace(" ", "").replace("%", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValidationError(_("Write a number, e.g. 99,5.")) from exc
    if not value.is_finite():
        raise ValidationError(_("Write a number, e.g. 99,5."))
    if low is not None and value < low or high is not None and value > high:
        raise ValidationError(_("Give a number from %(low)s to %(high)s.") % {
            "low": low, "high": high})
    return value.quantize(Decimal(1).scaleb(-places))


def _month(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise ValidationError(_("Give a month from 1 to 12.")) from exc
    if not 1 <= value <= 12:
        raise ValidationError(_("Give a month from 1 to 12."))
    return value


def _level(text: str) -> int | None:
    if not text:
        return None
    return _choice(Service.Level.choices, text)


class Lookups:
    """The rows a set of import rows refers to, each kind fetched in one query."""

    def __init__(self, kind: str, rows: list[Row]) -> None:
        def wanted(*keys: str) -> set[str]:
            return {row.values[k] for row in rows for k in keys if row.values.get(k)}

        people_keys = ("system_owner", "system_manager") if kind == "services" else ("owner",)
        names = {_normal(v) for v in wanted(*people_keys)}
        self.people: dict[str, list[User]] = {}
        if names:
            for user in User.objects.annotate(
                l_username=Lower("username"), l_email=Lower("email"),
                l_full=Lower(Concat("first_name", Value(" "), "last_name")),
            ).filter(
                Q(l_username__in=names) | Q(l_email__in=names) | Q(l_full__in=names),
                is_active=True,
            ):
                for key in {user.l_username, user.l_email, _normal(user.l_full)} & names:
                    self.people.setdefault(key, []).append(user)
        self.departments: dict[str, Department] = {}
        self.categories: dict[str, Category] = {}
        self.suppliers: dict[str, Supplier] = {}
        self.services: dict[str, Service] = {}
        if kind == "services":
            for department in Department.objects.all():
                self.departments.setdefault(_normal(department.short_name), department)
                self.departments.setdefault(_normal(department.name), department)
            self.categories = {c.name: c for c in Category.objects.filter(
                name__in=wanted("category"))}
            suppliers = {_normal(v) for v in wanted("supplier")}
            if suppliers:
                for supplier in Supplier.objects.annotate(l_name=Lower("name")).filter(
                        l_name__in=suppliers):
                    self.suppliers[_normal(supplier.name)] = supplier
            self.services = {s.name: s for s in Service.objects.filter(name__in=wanted("name"))}
            self.versions = _latest_history(Service, [s.pk for s in self.services.values()])
        else:
            self.services = {
                s.name: s for s in Service.objects.filter(name__in=wanted("source", "target"))
            }
            self.integrations = {
                (i.source_id, i.target_id, i.data): i
                for i in Integration.objects.filter(
                    source__name__in=wanted("source"), target__name__in=wanted("target")
                )
            }
            self.versions = _latest_history(
                Integration, [i.pk for i in self.integrations.values()]
            )

    def person(self, text: str) -> User:
        found = self.people.get(_normal(text), [])
        if not found:
            raise ValidationError(_("No active user has this user name, e-mail address or "
                                    "name."))
        if len(found) > 1:
            raise ValidationError(_("Several people have this name; give the user name or "
                                    "e-mail address."))
        return found[0]

    def department(self, text: str) -> Department:
        department = self.departments.get(_normal(text))
        if department is None:
            raise ValidationError(_("No department has this name or abbreviation."))
        return department

    def supplier(self, text: str) -> Supplier:
        supplier = self.suppliers.get(_normal(text))
        if supplier is None:
            raise ValidationError(_("The supplier is not in the catalogue; add it first."))
        return supplier

    def service(self, text: str) -> Service:
        service = self.services.get(text)
        if service is None:
            raise ValidationError(_("No service or system in the catalogue has this name."))
        return service


def _latest_history(model: type, ids: list[int]) -> dict[int, int]:
    """The version token (latest history id) of each row, in one query."""
    if not ids:
        return {}
    return dict(
        model.history.filter(id__in=ids).values("id").annotate(latest=Max("history_id"))
        .values_list("id", "latest")
    )


def _service_parsers(lookups: Lookups) -> dict[str, Callable[[str], Any]]:
    def text(key: str) -> Callable[[str], str]:
        limit = Service._meta.get_field(key).max_length

        def parse(value: str) -> str:
            if limit and len(value) > limit:
                raise ValidationError(_("At most %(limit)s characters.") % {"limit": limit})
            return value
        return parse

    def optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
        return lambda value: parse(value) if value else None

    return {
        "name": text("name"),
        "kind": optional(lambda v: _choice(Service.Kind.choices, v)),
        "description": text("description"),
        "category": lambda v: v or None,  # resolved (or created) when applied
        "lifecycle": optional(lambda v: _choice(Service.Lifecycle.choices, v)),
        "department": optional(lookups.department),
        "system_owner": optional(lookups.person),
        "system_manager": optional(lookups.person),
        "contact": text("contact"),
        "supplier": optional(lookups.supplier),
        "availability_target": lambda v: _decimal(v, low=Decimal(0), high=Decimal(100)),
        "support_hours": text("support_hours"),
        "confidentiality": _level,
        "integrity": _level,
        "availability": _level,
        "personal_data": _yes_no,
        "orderable": _yes_no,
        "order_template": text("order_template"),
        "review_month": optional(_month),
        "yearly_cost": lambda v: _decimal(v, low=Decimal(0), high=Decimal("999999999999")),
        "internal_notes": text("internal_notes"),
    }


def _integration_parsers(lookups: Lookups) -> dict[str, Callable[[str], Any]]:
    def text(key: str) -> Callable[[str], str]:
        limit = Integration._meta.get_field(key).max_length

        def parse(value: str) -> str:
            if len(value) > limit:
                raise ValidationError(_("At most %(limit)s characters.") % {"limit": limit})
            return value
        return parse

    def direction(value: str) -> str:
        if value in {"→", "->"}:
            return Integration.Direction.ONE_WAY
        if value in {"↔", "<->"}:
            return Integration.Direction.BOTH
        return _choice(Integration.Direction.choices, value) if value \
            else Integration.Direction.ONE_WAY

    return {
        "source": lookups.service,
        "target": lookups.service,
        "direction": direction,
        "data": text("data"),
        "method": text("method"),
        "frequency": text("frequency"),
        "owner": lambda v: lookups.person(v) if v else None,
    }


# --- validation ---------------------------------------------------------------------------

#: Fields that cannot be empty: an empty cell means the default for a new service, and
#: "leave as it is" for one being updated.
SERVICE_DEFAULTS: dict[str, Any] = {
    "kind": Service.Kind.SYSTEM,
    "lifecycle": Service.Lifecycle.IN_USE,
    "review_month": 10,
}


def rows_from_table(kind: str, header: list[str], data: list[tuple[int, list[str]]]) -> Result:
    mapping, header_errors = map_header(kind, header)
    rows = [
        Row(number, {column.key: (cells[i] if i < len(cells) else "")
                     for i, column in mapping.items()})
        for number, cells in data
    ]
    headers = {column.key: header[i] for i, column in mapping.items()}
    return Result(kind=kind, headers=headers, rows=rows, file_errors=header_errors)


def validate(result: Result) -> Result:
    """Check every row against the catalogue as it is now; fill `errors` and `cleaned`."""
    lookups = Lookups(result.kind, result.rows)
    services_kind = result.kind == "services"
    parsers = _service_parsers(lookups) if services_kind else _integration_parsers(lookups)
    columns = {column.key: column for column in KINDS[result.kind]}
    seen: dict[Any, int] = {}
    new_categories: set[str] = set()
    for row in result.rows:
        row.errors, row.cleaned = [], {}
        row.action, row.existing_id, row.version = "create", None, None
        for key, value in row.values.items():
            if columns[key].required and not value:
                row.errors.append(RowError(result.header(key), _("This field is required.")))
                continue
            try:
                row.cleaned[key] = parsers[key](value)
            except ValidationError as exc:
                row.errors.append(RowError(result.header(key), exc.messages[0]))
        if services_kind:
            _check_service_row(row, result, lookups, seen, new_categories)
        else:
            _check_integration_row(row, result, lookups, seen)
    result.new_categories = sorted(new_categories)
    return result


def _check_service_row(row: Row, result: Result, lookups: Lookups, seen: dict[Any, int],
                       new_categories: set[str]) -> None:
    name = row.cleaned.get("name")
    existing = lookups.services.get(name) if name else None
    if name:
        if name in seen:
            row.errors.append(RowError(result.header("name"), _(
                "The name is also on row %(row)s; each service once.") % {"row": seen[name]}))
        seen.setdefault(name, row.number)
    if existing is not None:
        row.action, row.existing_id = "update", existing.pk
        row.version = lookups.versions.get(existing.pk, 0)
    for key, default in SERVICE_DEFAULTS.items():
        if row.cleaned.get(key, default) is None:
            if existing is None:
                row.cleaned[key] = default
            else:
                del row.cleaned[key]
    lifecycle = row.cleaned.get("lifecycle", existing.lifecycle if existing else None)
    orderable = row.cleaned.get("orderable", existing.orderable if existing else False)
    if orderable and lifecycle == Service.Lifecycle.RETIRED:
        row.errors.append(RowError(result.header("orderable" if "orderable" in row.cleaned
                                                 else "lifecycle"),
                                   _("A retired service cannot be ordered.")))
    category = row.cleaned.get("category")
    if category:
        limit = Category._meta.get_field("name").max_length
        if len(category) > limit:
            row.errors.append(RowError(result.header("category"),
                                       _("At most %(limit)s characters.") % {"limit": limit}))
        elif category not in lookups.categories:
            new_categories.add(category)


def _check_integration_row(row: Row, result: Result, lookups: Lookups,
                           seen: dict[Any, int]) -> None:
    source, target, data = (row.cleaned.get(k) for k in ("source", "target", "data"))
    if source is not None and source == target:
        row.errors.append(RowError(result.header("target"),
                                   _("A system cannot integrate with itself.")))
    if source is None or target is None or not data:
        return
    key = (source.pk, target.pk, data)
    if key in seen:
        row.errors.append(RowError("", _("The same integration is also on row %(row)s.")
                                   % {"row": seen[key]}))
    seen.setdefault(key, row.number)
    existing = lookups.integrations.get(key)
    if existing is not None:
        row.action, row.existing_id = "update", existing.pk
        row.version = lookups.versions.get(existing.pk, 0)


def preview(name: str, raw: bytes, kind: str) -> Result:
    """Read and check an upload; raises ImportFileError when the file cannot be read."""
    header, data = read_table(name, raw, kind)
    return validate(rows_from_table(kind, header, data))


# --- between preview and confirm ----------------------------------------------------------


def to_session(result: Result) -> dict[str, Any]:
    """What the session keeps between preview and confirm: the parsed cells, not objects."""
    payload = {
        "kind": result.kind,
        "headers": result.headers,
        "rows": [[row.number, row.values, row.version] for row in result.rows],
    }
    payload["token"] = token(payload)
    return payload


def token(payload: dict[str, Any]) -> str:
    body = json.dumps([payload["kind"], payload["headers"], payload["rows"]],
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def from_session(payload: dict[str, Any]) -> Result:
    """The rows of a previewed import, checked again against the catalogue as it is now."""
    rows = [Row(number, dict(values)) for number, values, _version in payload["rows"]]
    result = validate(Result(kind=payload["kind"], headers=dict(payload["headers"]), rows=rows))
    versions = {number: version for number, _values, version in payload["rows"]}
    for row in result.rows:
        # The version shown in the preview: an edit since then is not overwritten unseen.
        if row.action == "update" and versions.get(row.number) != row.version:
            row.errors.append(RowError("", _(
                "Someone changed this in the catalogue after the preview. Upload the file "
                "again to see the current values.")))
    return result


# --- writing ------------------------------------------------------------------------------


def apply(result: Result, *, actor: User) -> Result:
    """Write every row in one transaction, or nothing at all.

    `result` comes from `from_session`, so it was checked just now; a row the services
    still refuse (someone was quicker) is marked with the refusal and the whole import is
    rolled back.
    """
    if not result.is_valid:
        return result
    try:
        with transaction.atomic():
            categories: dict[str, Category] = {}
            if result.kind == "services":
                categories = services.categories_ensure(
                    actor=actor,
                    names={r.cleaned["category"] for r in result.rows if r.cleaned.get("category")},
                )
            for row in result.rows:
                try:
                    if result.kind == "services":
                        _apply_service(row, actor, categories)
                    else:
                        _apply_integration(row, actor)
                except services.CatalogueError as exc:
                    column = result.header(exc.field) if exc.field in result.headers else ""
                    row.errors.append(RowError(column, exc.message))
                    raise _Rollback from exc
    except _Rollback:
        pass
    return result


class _Rollback(Exception):
    pass


def _apply_service(row: Row, actor: User, categories: dict[str, Category]) -> None:
    data = dict(row.cleaned)
    if "category" in data:
        data["category"] = categories.get(data["category"]) if data["category"] else None
    if row.action == "update":
        services.service_update(actor=actor, service_id=row.existing_id, data=data,
                                expected_version=row.version)
    else:
        services.service_create(actor=actor, data=data)


def _apply_integration(row: Row, actor: User) -> None:
    if row.action == "update":
        services.integration_update(actor=actor, integration_id=row.existing_id,
                                    data=row.cleaned, expected_version=row.version)
    else:
        services.integration_create(actor=actor, data=row.cleaned)


# --- the template -------------------------------------------------------------------------

EXAMPLES: dict[str, list[list[str]]] = {
    "services": [[
        "Exempelsystem", "Verksamhetssystem", "Skola och förskola", "I bruk", "BUF",
        "", "", "", "Vad systemet används till.", "Servicedesk, tfn 08-578 291 00",
        "99,5", "Vardagar 7–17", "Hög", "Hög", "Medel", "Ja", "Nej", "", "10", "", "",
    ]],
    "integrations": [[
        "Elevadministrativt system", "Lärplattform", "Från källsystem till målsystem",
        "Elever, klasser och grupper", "REST API", "Varje natt", "",
    ]],
}


def template_rows(kind: str) -> tuple[list[str], list[list[str]]]:
    """The headers and one example row, for the downloadable template."""
    return [column.header for column in KINDS[kind]], EXAMPLES[kind]
