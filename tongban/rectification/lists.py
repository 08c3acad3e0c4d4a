"""The four lists of seed 003 (“列出责任清单、任务清单、具体问题清单、效果清单”), each declared once and
shown both as a page and as an Excel export, filtered by the same FilterSet.

- 责任清单 (responsibility): every unit's role on every measure, with leader and person;
- 任务清单 (tasks): every measure with its units, people, deadline and state;
- 具体问题清单 (problems): every finding with how far its measures have got;
- 效果清单 (results): every measure signed off, with its result and evidence.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from openpyxl.utils import get_column_letter

from tongban.documents.excel import styled_workbook, write_header, write_rows, write_title_row
from tongban.rectification.choices import MeasureStatus
from tongban.rectification.filtersets import FindingFilterSet, MeasureFilterSet
from tongban.rectification.models import Finding, Measure, cn_date
from tongban.rectification.selectors import BUCKETS, bucket_aggregates, responsibility_rows


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: int = 14


@dataclass(frozen=True)
class ListSpec:
    slug: str
    title: str
    description: str
    filterset_class: type
    columns: tuple[Column, ...]
    link_column: int  # the column whose cell links to the record (the measure or the finding)

    def base_queryset(self, user, today: date) -> QuerySet:
        if self.filterset_class is FindingFilterSet:
            return Finding.objects.visible_to(user).select_related("aspect", "inspection")
        return (
            Measure.objects.visible_to(user)
            .with_overdue(today)
            .select_related("lead_unit", "finding", "finding__aspect", "responsible_leader", "responsible_person",
                            "verified_by__staff")
            .prefetch_related("unit_roles__unit")
        )

    def rows(self, filtered: QuerySet, user, today: date) -> Iterable:
        if self.slug == "responsibility":
            return responsibility_rows(filtered)
        if self.slug == "results":
            return filtered.filter(status=MeasureStatus.VERIFIED).annotate(
                evidence_count=Count("updates__evidence", distinct=True)
            ).order_by("verified_at")
        if self.slug == "problems":
            return findings_with_progress(filtered, Measure.objects.visible_to(user))
        return filtered

    def cells(self, row) -> list:
        return [column.value(row) for column in self.columns]

    def table_row(self, row, url: str) -> list[dict]:
        """Cells for the page: the link on `link_column`, short columns kept on one line."""
        return [
            {"value": value, "url": url if index == self.link_column else "", "nowrap": column.width <= 12}
            for index, (column, value) in enumerate(zip(self.columns, self.cells(row)))
        ]


def findings_with_progress(findings: QuerySet[Finding], visible_measures: QuerySet[Measure]) -> list[Finding]:
    """Each finding with the buckets of the measures the user may see (counted in one query)."""
    figures = {
        row["finding_id"]: row
        for row in visible_measures.filter(finding__in=findings.values("pk"))
        .values("finding_id").annotate(**bucket_aggregates()).order_by()
    }
    result = []
    for finding in findings:
        row = figures.get(finding.pk, {})
        finding.figures = {key: row.get(key, 0) for key in ("total", *BUCKETS)}
        result.append(finding)
    return result


def _units(measure: Measure, role: str) -> str:
    return "、".join(mu.unit.name for mu in measure.unit_roles.all() if mu.role == role)


def _finding_state(finding: Finding) -> str:
    f = finding.figures
    if not f["total"]:
        return "未制定措施"
    if f["open"]:
        return "整改中"
    return "长期持续整改" if f["ongoing"] else "已整改到位"


def _signoff(measure: Measure) -> str:
    """How a measure was signed off: through 申请销号 → 销号, or straight from a ledger import."""
    from tongban.org.people import person_name

    if not measure.signed_off_by_import:
        return "审核销号"
    who = person_name(measure.verified_by, default="命令行导入")
    return f"台账导入（{who}，{'无佐证材料' if not getattr(measure, 'evidence_count', 0) else '其后补充了佐证材料'}）"


def _aspect(finding: Finding | None) -> str:
    return finding.aspect.label if finding and finding.aspect_id else ""


STATUS = Column("状态", lambda m: m.get_status_display(), 12)
OVERDUE = Column("逾期", lambda m: "逾期" if getattr(m, "is_overdue", False) else "", 8)

LISTS: dict[str, ListSpec] = {
    spec.slug: spec
    for spec in (
        ListSpec(
            "responsibility", "责任清单", "按责任单位列出其牵头、协调、配合的每项整改措施及责任领导、责任人。",
            MeasureFilterSet,
            (
                Column("责任单位", lambda r: r.unit.name, 22),
                Column("单位角色", lambda r: r.get_role_display(), 10),
                Column("整改措施", lambda r: r.measure.text, 50),
                Column("责任领导", lambda r: r.measure.leader_label, 10),
                Column("责任人", lambda r: r.measure.person_label, 10),
                Column("完成时限", lambda r: r.measure.deadline_label, 16),
                Column("状态", lambda r: r.measure.get_status_display(), 12),
            ),
            2,
        ),
        ListSpec(
            "tasks", "任务清单", "每项整改措施的牵头、协调、配合单位，责任领导、责任人、完成时限和整改状态。",
            MeasureFilterSet,
            (
                Column("问题方面", lambda m: _aspect(m.finding), 24),
                Column("具体问题", lambda m: m.finding.description if m.finding_id else m.get_source_kind_display(), 36),
                Column("整改措施", lambda m: m.text, 50),
                Column("牵头单位", lambda m: m.lead_unit.name, 18),
                Column("协调单位", lambda m: _units(m, "coordinating"), 18),
                Column("配合单位", lambda m: _units(m, "supporting"), 18),
                Column("责任领导", lambda m: m.leader_label, 10),
                Column("责任人", lambda m: m.person_label, 10),
                Column("完成时限", lambda m: m.deadline_label, 16),
                STATUS,
                OVERDUE,
            ),
            2,
        ),
        ListSpec(
            "problems", "具体问题清单", "每个反馈问题（意见建议）及其整改措施的完成情况。",
            FindingFilterSet,
            (
                Column("问题方面", _aspect, 28),
                Column("类型", lambda f: f.get_kind_display(), 10),
                Column("具体问题", lambda f: f.description, 50),
                Column("措施数", lambda f: f.figures["total"], 8),
                Column("已整改到位", lambda f: f.figures["verified"], 10),
                Column("长期持续整改", lambda f: f.figures["ongoing"], 12),
                Column("未完成", lambda f: f.figures["open"], 8),
                Column("整改状态", _finding_state, 12),
            ),
            2,
        ),
        ListSpec(
            "results", "效果清单", "已销号（已整改到位）的整改措施及其整改成效、销号时间和佐证材料。",
            MeasureFilterSet,
            (
                Column("具体问题", lambda m: m.finding.description if m.finding_id else m.get_source_kind_display(), 36),
                Column("整改措施", lambda m: m.text, 44),
                Column("牵头单位", lambda m: m.lead_unit.name, 18),
                Column("整改成效", lambda m: m.result or m.progress_note, 44),
                Column("销号日期", lambda m: cn_date(timezone.localtime(m.verified_at).date()) if m.verified_at else "", 14),
                Column("佐证材料（份）", lambda m: m.evidence_count, 10),
                Column("销号方式", _signoff, 16),
            ),
            1,
        ),
    )
}


def list_workbook(spec: ListSpec, rows: Iterable, *, subtitle: str = "") -> bytes:
    """The list in the house Excel look: merged title row, header, bordered wrapped cells."""
    book = styled_workbook(spec.title)
    sheet = book.active
    write_title_row(sheet, f"{spec.title}{f'（{subtitle}）' if subtitle else ''}", len(spec.columns))
    write_header(sheet, 2, [column.header for column in spec.columns])
    write_rows(sheet, 3, (spec.cells(row) for row in rows))
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
