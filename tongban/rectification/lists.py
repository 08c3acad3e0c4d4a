"""The four lists of seed 003 (“列出责任清单、任务清单、具体问题清单、效果清单”), each declared once and
shown both as a page and as an Excel export, filtered by the same FilterSet.

- 责任清单 (responsibility): every unit's role on every measure, with leader and person;
- 任务清单 (tasks): every measure with its units, people, deadline and state;
- 具体问题清单 (problems): every finding with how far its measures have got;
- 效果清单 (results): every measure signed off, with its result and evidence.

A list is read in keyset order (`ordering`, never an OFFSET or a COUNT over derived expressions):
the page takes 50 rows after a cursor, an export walks the whole list 1,000 rows at a time, and what
a row needs beyond its columns (a finding's figures, a measure's evidence count) is fetched once per
chunk by `decorate`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from html import escape
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from tongban.core.paging import keyset_page
from tongban.documents.excel import streamed_table
from tongban.rectification import privacy
from tongban.rectification.choices import MeasureStatus
from tongban.rectification.filtersets import FindingFilterSet, MeasureFilterSet
from tongban.rectification.models import Evidence, Finding, Measure, MeasureUnit, cn_date
from tongban.rectification.selectors import STATUS_BUCKETS, bucket_aggregates, responsibility_rows

EXPORT_CHUNK = 1000
# The columns the lists and their exports read (not the bookkeeping a row would otherwise convert).
LIST_FIELDS = (
    "text", "number", "source_kind", "deadline_kind", "deadline", "status", "due_date", "verified_at", "created_at",
    "result", "progress_note", "responsible_leader_name", "responsible_person_name", "lead_unit__name",
    "finding__description", "finding__number", "finding__kind", "finding__aspect__number", "finding__aspect__title",
    "responsible_leader__name", "responsible_person__name", "import_verified_at", "verified_by__first_name",
    "verified_by__last_name", "verified_by__username", "verified_by__staff__name",
)
LAST_DAY = date(9999, 12, 31)  # sorts a measure without a deadline last


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
    ordering: tuple[str, ...]  # the keyset order of `rows()`: never NULL, ends in a unique field

    def base_queryset(self, user, today: date) -> QuerySet:
        if self.filterset_class is FindingFilterSet:
            return Finding.objects.visible_to(user).select_related("aspect", "inspection")
        return (
            Measure.objects.visible_to(user)
            .with_overdue(today)
            .select_related("lead_unit", "finding", "finding__aspect", "responsible_leader", "responsible_person",
                            "verified_by__staff")
            .only(*LIST_FIELDS)
        )

    def rows(self, filtered: QuerySet) -> QuerySet:
        """The list's rows, with the sort keys `ordering` names."""
        if self.slug == "responsibility":
            return responsibility_rows(filtered).annotate(
                sort_deadline=Coalesce(F("measure__deadline"), Value(LAST_DAY)))
        if self.slug == "results":
            return filtered.filter(status=MeasureStatus.VERIFIED).annotate(
                sort_verified=Coalesce(F("verified_at"), F("created_at")))
        if self.slug == "problems":
            return filtered.annotate(sort_aspect=Coalesce(F("aspect__number"), Value(0)))
        return ledger_ordered(filtered)

    def decorate(self, rows: list, user) -> list:
        """What the rows need beyond their own columns, for this chunk only (a query or two), and their
        free text as this reader may see it (身份证号 masked for readers who do not handle the measure),
        on the page and in the export alike."""
        if self.slug == "problems":
            add_figures(rows, Measure.objects.visible_to(user))
        elif self.slug == "results":
            add_evidence_counts(rows)
        elif self.slug == "tasks":  # also the overdue list's export, in the task list's columns
            add_unit_roles(rows)
        handled = privacy.handled_measure_ids(user)
        return [privacy.masked_row(row, handled) for row in rows]

    def page(self, rows: QuerySet, cursor: str | None, user):
        page = keyset_page(rows, self.ordering, cursor)
        self.decorate(page.object_list, user)
        return page

    def iterate(self, rows: QuerySet, user, *, ordering: tuple[str, ...] | None = None,
                chunk: int = EXPORT_CHUNK) -> Iterator:
        """Every row, in order, a chunk at a time (for exports)."""
        cursor = None
        while True:
            page = keyset_page(rows, ordering or self.ordering, cursor, per_page=chunk)
            yield from self.decorate(page.object_list, user)
            if not page.has_next:
                return
            cursor = page.next_cursor

    def cells(self, row) -> list:
        return [column.value(row) for column in self.columns]

    def table_row(self, row, url: str) -> str:
        """The row's <tr> for the page: the link on `link_column`, short columns kept on one line, long
        text cut at CELL_CHARS. Built in Python, one string per cell (the same markup the template's
        `truncatechars` loop made, at a tenth of its cost: 50 rows × 11 cells were most of a page)."""
        cells = []
        for index, (column, value) in enumerate(zip(self.columns, self.cells(row))):
            css = ' class="text-nowrap"' if column.width <= 12 else ""
            if url and index == self.link_column:
                cells.append(f'<td{css}><a href="{escape(url)}">{escape(_cut(value or "（无）"))}</a></td>')
            else:
                cells.append(f"<td{css}>{escape(_cut(value))}</td>")
        return mark_safe(f"<tr>{''.join(cells)}</tr>")  # noqa: S308 — every value escaped above


CELL_CHARS = 80


def _cut(value) -> str:
    """`value|truncatechars:80`: the text unchanged when it is short (nearly always), else Django's cut."""
    text = str(value)
    return text if len(text) <= CELL_CHARS else Truncator(text).chars(CELL_CHARS)


LEDGER_ORDER = ("sort_aspect", "sort_finding", "number", "pk")
OVERDUE_ORDER = ("due_date", "pk")


def overdue_rows(measures: QuerySet[Measure], today: date) -> QuerySet[Measure]:
    """The overdue list: overdue measures and ongoing ones past a checkpoint, earliest due first
    (`OVERDUE_ORDER`, served by the index on due_date)."""
    return measures.past_due(today).select_related("lead_unit", "finding", "finding__aspect", "responsible_leader",
                                                   "responsible_person")


def ledger_ordered(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    """Measures in ledger order (aspect, finding, number), with the sort keys of `LEDGER_ORDER`."""
    return measures.annotate(sort_aspect=Coalesce(F("finding__aspect__number"), Value(0)),
                             sort_finding=Coalesce(F("finding__number"), Value(0)))


def add_figures(findings: list[Finding], visible_measures: QuerySet[Measure]) -> list[Finding]:
    """Each finding with the buckets of the measures the user may see (counted in one query)."""
    aggregates = bucket_aggregates()
    figures = {
        row["finding_id"]: row
        for row in visible_measures.filter(finding__in=[f.pk for f in findings])
        .values("finding_id").annotate(**{k: aggregates[k] for k in ("total", *STATUS_BUCKETS)}).order_by()
    }
    for finding in findings:
        row = figures.get(finding.pk, {})
        finding.figures = {key: row.get(key, 0) for key in ("total", *STATUS_BUCKETS)}
    return findings


def add_unit_roles(measures: list[Measure]) -> list[Measure]:
    """`roles` on each measure: its (role, unit name) pairs, from one query over these measures only,
    as plain tuples — a prefetch built two model instances per role (54,000 for a 20,000-row export)."""
    roles: dict[int, list[tuple[str, str]]] = {}
    for measure_id, role, name in (MeasureUnit.objects.filter(measure_id__in=[m.pk for m in measures])
                                   .order_by("role", "pk").values_list("measure_id", "role", "unit__name")):
        roles.setdefault(measure_id, []).append((role, name))
    for measure in measures:
        measure.roles = roles.get(measure.pk, [])
    return measures


def add_evidence_counts(measures: list[Measure]) -> list[Measure]:
    """`evidence_count` on each measure, from one grouped query over these measures only."""
    counts = dict(
        Evidence.objects.filter(update__measure__in=[m.pk for m in measures])
        .values("update__measure").annotate(n=Count("pk")).values_list("update__measure", "n").order_by()
    )
    for measure in measures:
        measure.evidence_count = counts.get(measure.pk, 0)
    return measures


def _units(measure: Measure, role: str) -> str:
    return "、".join(name for unit_role, name in measure.roles if unit_role == role)


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
OVERDUE = Column("逾期", lambda m: "逾期" if getattr(m, "is_overdue", False)
                 else "时间节点逾期" if getattr(m, "is_overdue_ongoing", False) else "", 8)

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
            ("unit__path", "role", "sort_deadline", "measure_id", "pk"),
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
            LEDGER_ORDER,
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
            ("inspection_id", "sort_aspect", "number", "pk"),
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
            ("sort_verified", "pk"),
        ),
    )
}


def list_workbook(spec: ListSpec, rows: Iterable, target, *, title: str | None = None, subtitle: str = "",
                  progress: Callable[[int], None] | None = None) -> int:
    """The list in the house Excel look (merged title row, header, bordered wrapped cells), streamed
    row by row into `target` (a path or a binary file); returns the number of rows."""
    title = title or spec.title
    return streamed_table(
        target, sheet_title=title, title=f"{title}{f'（{subtitle}）' if subtitle else ''}",
        headers=[column.header for column in spec.columns], widths=[column.width for column in spec.columns],
        rows=(spec.cells(row) for row in rows), progress=progress,
    )
