"""The standard ledger (整改台账) of an inspection as Excel: a title row, the header offices use, one
row per measure, each aspect and each finding merged across its measures.

The columns, the deadline wording and the status labels come from `ledger_parsing`, so the parser
reads back exactly what is written here: export → import → export gives the same cells.
"""
from __future__ import annotations

import io
from collections.abc import Callable

from django.db.models import F, QuerySet
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from tongban.documents.excel import styled_workbook, write_header, write_rows, write_title_row
from tongban.rectification.ledger_parsing import STATUS_LABELS, format_deadline, format_unit_names, ledger_columns
from tongban.rectification.models import Inspection, Measure


def ledger_title(inspection: Inspection) -> str:
    return f"{inspection.title}整改台账"


def ledger_measures(inspection: Inspection, measures: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    queryset = measures if measures is not None else Measure.objects.all()
    return (
        queryset.filter(finding__inspection=inspection)
        .select_related("finding", "finding__aspect", "lead_unit", "responsible_leader", "responsible_person")
        .prefetch_related("unit_roles__unit")
        .order_by(F("finding__aspect__number").asc(nulls_first=True), "finding__aspect_id", "finding__number",
                  "finding_id", "number", "pk")
    )


def ledger_row(seq: int, measure: Measure) -> list:
    finding = measure.finding
    values = {
        "seq": seq,
        "aspect": finding.aspect.label if finding.aspect_id else "",
        "finding_kind": finding.get_kind_display(),
        "finding": finding.description,
        "measure_text": measure.text,
        "lead_unit_name": measure.lead_unit.name,
        "coordinating_unit_names": format_unit_names(u.name for u in measure.coordinating_units),
        "supporting_unit_names": format_unit_names(u.name for u in measure.supporting_units),
        "leader_name": measure.leader_label,
        "person_name": measure.person_label,
        "deadline": format_deadline(measure.deadline_kind, measure.deadline),
        "status": STATUS_LABELS[measure.status],
        "progress_text": measure.progress_note,
    }
    return [values[column.field] for column in ledger_columns()]


def _merge_runs(sheet, column: int, keys: list, first_row: int) -> None:
    """Merge consecutive rows whose key in `column` is the same (an aspect or finding spanning its measures)."""
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            if index - start > 1 and keys[start] is not None:
                sheet.merge_cells(start_row=first_row + start, start_column=column,
                                  end_row=first_row + index - 1, end_column=column)
                sheet.cell(first_row + start, column).alignment = Alignment(vertical="center", wrap_text=True)
            start = index


def export_ledger(inspection: Inspection, *, measures: QuerySet[Measure] | None = None,
                  present: Callable[[Measure], Measure] | None = None) -> bytes:
    """`present` shows each measure as the reader may see it (rectification.privacy: ID numbers masked)."""
    columns = ledger_columns()
    rows = [present(m) if present else m for m in ledger_measures(inspection, measures)]
    book = styled_workbook("整改台账")
    sheet = book.active
    write_title_row(sheet, ledger_title(inspection), len(columns))
    write_header(sheet, 2, [column.header for column in columns])
    write_rows(sheet, 3, (ledger_row(seq, measure) for seq, measure in enumerate(rows, start=1)))
    position = {column.field: index for index, column in enumerate(columns, start=1)}
    aspects = [m.finding.aspect_id for m in rows]
    findings = [m.finding_id for m in rows]
    _merge_runs(sheet, position["aspect"], aspects, 3)
    _merge_runs(sheet, position["finding_kind"], findings, 3)
    _merge_runs(sheet, position["finding"], findings, 3)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
