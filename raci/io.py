"""The matrix as a spreadsheet: export to CSV and XLSX for a Swedish Excel, and import of the
same format.

One row per activity: its process, its code, its name, then one column per role holding H,
U, K, I or nothing. The code ties a row to its activity, so names can be edited freely; a
role's column is found by the role's name (or its code). Import checks the whole file first
and reports every error with its row number, as Excel numbers rows (the header is row 1);
only a file without any error is written, and then all of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import override

from organisation.models import Role
from tyreso_it.core import uploads
from tyreso_it.core.exports import FORMULA_STARTS

from .models import Activity, Letter
from .rules import activity_problems
from .selectors import Grid

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
FIXED = ("process", "code", "activity")


def _fixed_headers() -> tuple[str, str, str]:
    return (_("Process"), _("Code"), _("Activity"))


def export_table(grid: Grid) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a version, every activity and every role (filters aside)."""
    headers = [*_fixed_headers(), *(role.name for role in grid.roles)]
    rows = []
    for group in grid.groups:
        for row in group.rows:
            rows.append([str(group.label), row.activity.code, row.activity.name,
                         *(cell.letter for cell in row.cells)])
    return headers, rows


# --- import ---------------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be read."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int | None  # the spreadsheet's row number; None for the file as a whole
    message: str


@dataclass
class ImportResult:
    letters: dict[tuple[int, int], str]
    activity_ids: set[int]
    errors: list[RowError]


def _normal(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _unguard(value: object) -> str:
    """The cell as text, without the apostrophe an export put before formula-like text."""
    text = "" if value is None else str(value).strip()
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def read_table(upload) -> list[list[str]]:
    """The upload's rows as text (CSV: UTF-8 or Windows-1252, `;`, `,` or tab; or XLSX)."""
    name = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    if upload.size > MAX_BYTES:
        raise ImportFileError(_("The file is too large: at most 2 MB."))
    data = upload.read()
    if name == ".xlsx":
        return _read_xlsx(data)
    if name in {".csv", ".txt"}:
        return _read_csv(data)
    raise ImportFileError(_("Choose a CSV or XLSX file (the format of the export)."))


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise ImportFileError(_("The file's characters cannot be read: save it as UTF-8."))
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileError(_("The file has too many rows."))
    return [[_unguard(value) for value in row] for row in rows]


def _read_xlsx(data: bytes) -> list[list[str]]:
    """The rows of the workbook's first sheet, opened safely: a zip bomb or XML entities are
    refused (`tyreso_it.core.uploads.open_workbook`)."""
    try:
        with uploads.open_workbook(data) as workbook:
            sheet = workbook.worksheets[0]
            rows = []
            for row in sheet.iter_rows(values_only=True):
                rows.append([_unguard(value) for value in row])
                if len(rows) > MAX_ROWS + 1:
                    raise ImportFileError(_("The file has too many rows."))
            return rows
    except uploads.UploadRefused as exc:
        raise ImportFileError(exc.message) from exc
    except (ImportFileError, ImproperlyConfigured):
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same to the user
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc


def _header_names() -> dict[str, str]:
    names = {}
    for language in ("sv", "en"):
        with override(language):
            for key, header in zip(FIXED, _fixed_headers(), strict=True):
                names[_normal(header)] = key
    for key in FIXED:
        names[key] = key
    return names


def read_matrix(
    table: Sequence[Sequence[str]], activities: Sequence[Activity], roles: Sequence[Role]
) -> ImportResult:
    """Match the rows to `activities` (those in use) and the columns to `roles`, and check
    every letter and every rule. Nothing is written here."""
    errors: list[RowError] = []
    letters: dict[tuple[int, int], str] = {}
    seen: dict[int, int] = {}
    table = [list(row) for row in table]
    while table and not any(table[0]):
        table.pop(0)
    if not table:
        raise ImportFileError(_("The file is empty."))
    header = table[0]
    fixed_names = _header_names()
    role_names = {}
    for role in roles:
        role_names[_normal(role.name)] = role
        role_names[_normal(role.code)] = role
    columns: dict[int, str | Role] = {}
    for index, title in enumerate(header):
        if not title:
            continue
        key = fixed_names.get(_normal(title)) or role_names.get(_normal(title))
        if key is None:
            errors.append(RowError(1, _("The column “%(title)s” is neither a role nor one of "
                                        "Process, Code and Activity.") % {"title": title}))
        elif key in columns.values():
            errors.append(RowError(1, _("The column “%(title)s” appears twice.")
                                   % {"title": title}))
        else:
            columns[index] = key
    if "code" not in columns.values():
        raise ImportFileError(_("The file has no column “%(code)s”: export the matrix and "
                                "start from that file.") % {"code": _("Code")})
    for role in roles:
        if role not in columns.values():
            errors.append(RowError(1, _("The column of the role “%(role)s” is missing.")
                                   % {"role": role.name}))
    code_index = next(i for i, key in columns.items() if key == "code")
    by_code = {activity.code: activity for activity in activities}
    retired = set(Activity.objects.filter(is_active=False).values_list("code", flat=True))
    valid = ", ".join(Letter.values)
    for number, row in enumerate(table[1:], start=2):
        if not any(row):
            continue
        code = row[code_index] if code_index < len(row) else ""
        activity = by_code.get(code)
        if activity is None:
            if not code:
                message = _("The row has no code.")
            elif code in retired:
                message = _("The activity “%(code)s” is no longer in use: remove the row.")
            else:
                message = _("There is no activity with the code “%(code)s”.")
            errors.append(RowError(number, message % {"code": code}))
            continue
        if activity.pk in seen:
            errors.append(RowError(number, _("The activity “%(code)s” is also on row "
                                             "%(other)d.") % {"code": code,
                                                              "other": seen[activity.pk]}))
            continue
        seen[activity.pk] = number
        for index, key in columns.items():
            if not isinstance(key, Role):
                continue
            value = (row[index] if index < len(row) else "").strip().upper()
            if not value:
                continue
            if value not in Letter.values:
                errors.append(RowError(number, _("%(role)s: “%(value)s” is not a HUKI letter. "
                                                 "Write one of %(valid)s, or leave it empty.")
                                       % {"role": key.name, "value": value, "valid": valid}))
                continue
            letters[(activity.pk, key.pk)] = value
    for activity in activities:
        if activity.pk not in seen:
            errors.append(RowError(None, _("The activity “%(name)s” (%(code)s) is missing from "
                                           "the file.") % {"name": activity.name,
                                                           "code": activity.code}))
    roles_by_id = {role.pk: role for role in roles}
    for activity in activities:
        if activity.pk not in seen:
            continue
        row_letters = {r: v for (a, r), v in letters.items() if a == activity.pk}
        for problem in activity_problems(activity, row_letters, roles_by_id):
            errors.append(RowError(seen[activity.pk], f"{activity.name}: {problem}"))
    errors.sort(key=lambda e: (e.row or 0))
    return ImportResult(letters=letters, activity_ids=set(seen), errors=errors)
