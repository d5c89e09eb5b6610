"""The cost reports as tables: for the pages' history of keys, the CSV and XLSX exports, and
the PDFs (`tyreso_it.core.pdf.report`). Every table is built from an `Allocation`, so the
page, the export and the PDF of a year always show the same figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from tyreso_it.core.pdf import Section, pdf_response, report

from .models import Basis, CostKind, KeySet
from .selectors import Allocation, DepartmentLine, DepartmentRow


@dataclass
class KeyHistory:
    """The keys of each year, a column per year: how the sharing changed over the years."""

    years: list[KeySet]
    rows: list[tuple[str, list[str]]]


def key_history(key_sets: Sequence[KeySet]) -> KeyHistory:
    """Each kind of cost (the pools by name) with its key in each year; a dash where the
    year had no such pool. Reads the pools prefetched with the key sets."""
    rows = []
    for kind in CostKind:
        rows.append((str(kind.label), [str(Basis(k.basis_of(kind.value)).label)
                                       for k in key_sets]))
    names = sorted({pool.name for k in key_sets for pool in k.pools.all()})
    for name in names:
        cells = []
        for key_set in key_sets:
            pool = next((p for p in key_set.pools.all() if p.name == name), None)
            cells.append(str(Basis(pool.basis).label) if pool else "–")
        rows.append((name, cells))
    return KeyHistory(list(key_sets), rows)


def _status(allocation: Allocation) -> str:
    key_set = allocation.key_set
    return (_("Draft: the figures change until the year is published.") if key_set.is_draft
            else _("Published %(date)s by %(name)s.") % {
                "date": key_set.published_at.date().isoformat(),
                "name": key_set.published_by or "–"})


def matrix_table(allocation: Allocation) -> tuple[list[str], list[list]]:
    """Department × kind of cost, with the department's total and a line of totals."""
    headers = [_("Department"), *[kind.label for kind in allocation.kinds], _("Total")]
    rows = [[row.name, *row.shares, row.total] for row in allocation.departments]
    rows.append([_("Total"), *[kind.total for kind in allocation.kinds], allocation.total])
    return headers, rows


def keys_table(allocation: Allocation) -> tuple[list[str], list[list]]:
    headers = [_("Kind of cost"), _("Amount (SEK)"), _("Key"), _("Weight of all departments")]
    rows = [[kind.label, kind.total, kind.basis_label, kind.weight_total]
            for kind in allocation.kinds]
    return headers, rows


@dataclass
class ItemGroup:
    label: str
    basis_label: str
    total: Decimal
    items: list


def item_groups(allocation: Allocation) -> list[ItemGroup]:
    """The year's costs by kind: the items drawn from the product, and each pool."""
    groups = []
    for kind in allocation.kinds:
        if kind.pool is not None:
            items = [(kind.pool.name, kind.pool.description, kind.pool.amount)]
        else:
            items = [(i.label, i.detail, i.amount) for i in allocation.items
                     if i.kind == kind.code]
        groups.append(ItemGroup(kind.label, kind.basis_label, kind.total, items))
    return groups


def item_table(allocation: Allocation) -> tuple[list[str], list[list]]:
    headers = [_("Kind of cost"), _("Cost"), _("How it is counted"), _("Amount (SEK)")]
    rows = [[group.label, label, detail, amount]
            for group in item_groups(allocation) for label, detail, amount in group.items]
    return headers, rows


def department_table(allocation: Allocation, lines: list[DepartmentLine],
                     ) -> tuple[list[str], list[list]]:
    headers = [_("Kind of cost"), _("The municipality's cost (SEK)"), _("Key"),
               _("The department's weight"), _("Weight of all departments"),
               _("The department's part of the key (%)"), _("The department's share (SEK)")]
    rows = [[line.kind.label, line.kind.total, line.kind.basis_label, line.weight,
             line.weight_total, line.percent, line.amount] for line in lines]
    rows.append([_("Total"), allocation.total, "", None, None, None,
                 sum((line.amount for line in lines if line.amount is not None),
                     Decimal("0.00"))])
    return headers, rows


def municipality_pdf(allocation: Allocation, name: str) -> HttpResponse:
    key_set = allocation.key_set
    headers, rows = matrix_table(allocation)
    key_headers, key_rows = keys_table(allocation)
    sections = [Section(_("Keys"), headers=key_headers, rows=key_rows, widths=(3, 2, 2, 2))]
    if allocation.errors:
        sections.append(Section(_("Costs that cannot be shared"),
                                text=" ".join(allocation.errors)))
    sections.append(Section(_("Shares by department (SEK)"), headers=headers, rows=rows,
                            total_row=True, widths=(3, *[1.6] * (len(headers) - 1))))
    body = report(
        title=_("IT costs %(year)s shared among the departments") % {"year": key_set.year},
        subtitle=_status(allocation),
        facts_rows=[(_("Total (SEK)"), allocation.total),
               (_("Departments sharing"), allocation.sharing_departments)],
        sections=sections, wide=True)
    return pdf_response(body, name)


def department_pdf(allocation: Allocation, row: DepartmentRow, lines: list[DepartmentLine],
                   name: str) -> HttpResponse:
    headers, rows = department_table(allocation, lines)
    body = report(
        title=_("IT costs %(year)s: %(department)s") % {"year": allocation.key_set.year,
                                                        "department": row.name},
        subtitle=_status(allocation),
        facts_rows=[(_("The department's share (SEK)"), row.total),
               (_("The municipality's IT costs (SEK)"), allocation.total)],
        sections=[Section(_("Share of each kind of cost"), headers=headers, rows=rows,
                          total_row=True, widths=(3, 2, 2, 1.5, 1.5, 1.5, 2))],
        wide=True)
    return pdf_response(body, name)
