"""Importing a parsed 整改台账 (`ledger_parsing.parse_ledger`) into findings and measures.

- All or nothing: every row is resolved first (units by exact name, short name, or a unique
  “contains” match; people to Staff by name), every problem is collected with its Excel row and
  column, and only a file without a single error is written, in one transaction.
- Idempotent: a measure's natural key is (inspection, aspect, finding text, measure text); importing
  the same file again creates nothing and changes nothing (`unchanged`), a changed row is `updated`.
- Set-based: the existing ledger is loaded in a few queries and written with bulk operations, so a
  5,000-row ledger imports in seconds (`tongban ledger benchmark`).
- New measures take the file's status as written; one imported as 已整改到位 gets `verified_at` (the
  import time) and `verified_by` (the importer), who thereby vouches for it.
- Existing measures are never moved by the file's status (the loop moves them: 申请销号, 销号, 退回):
  a re-import updates only what the measure *says* (number, lead and other units, people, and the
  deadline unless the measure is verified), writes one event per changed measure with every old → new
  value, and reports status (and verified-deadline) differences as warnings in the preview.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongban.history.services import record_event, record_events
from tongban.org.models import Staff, Unit
from tongban.rectification import services
from tongban.rectification.clocks import refresh_measure_clocks
from tongban.rectification.choices import (
    DeadlineKind,
    FindingKind,
    ImportStatus,
    InspectionKind,
    MeasureStatus,
    UnitRole,
)
from tongban.rectification.error_codes import RectificationError
from tongban.rectification.ledger_parsing import LedgerRow, ParsedLedger
from tongban.rectification.models import Aspect, Checkpoint, Finding, ImportRun, Inspection, Measure, MeasureUnit

logger = logging.getLogger("tongban.rectification")

MEASURE_FIELDS = ("number", "lead_unit_id", "responsible_leader_id", "responsible_leader_name",
                  "responsible_person_id", "responsible_person_name", "deadline_kind", "deadline", "status",
                  "progress_note")
# What a re-import may change on an existing measure (its state moves only through the loop).
DESCRIPTIVE_FIELDS = ("number", "lead_unit_id", "responsible_leader_id", "responsible_leader_name",
                      "responsible_person_id", "responsible_person_name", "deadline_kind", "deadline")
DEADLINE_FIELDS = ("deadline_kind", "deadline")
FIELD_LABELS_CN = {"number": "序号", "lead_unit_id": "牵头单位", "responsible_leader_id": "责任领导",
                   "responsible_leader_name": "责任领导", "responsible_person_id": "责任人",
                   "responsible_person_name": "责任人", "deadline_kind": "时限类型", "deadline": "完成时限",
                   "units": "责任单位"}


@dataclass
class ImportResult:
    inspection: Inspection | None = None
    findings: int = 0
    measures: int = 0
    ongoing: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)  # {row, column, message}: not imported, shown
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        """Exactly the shape of issue 3: the CLI's `--json` output."""
        data = {
            "inspection": self.inspection.pk if self.inspection and self.inspection.pk else None,
            "findings": self.findings, "measures": self.measures, "ongoing": self.ongoing,
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "errors": [{"row": e["row"], "column": e["column"], "message": e["message"]} for e in self.errors],
        }
        if self.warnings:  # only when there are some: the shape stays as it was
            data["warnings"] = [{"row": w["row"], "column": w["column"], "message": w["message"]}
                                for w in self.warnings]
        return data

    def summary(self) -> str:
        if self.errors:
            return f"导入失败，共 {len(self.errors)} 处错误，数据库未做任何修改。"
        prefix = "检查通过（未写入）：" if self.dry_run else "导入完成："
        return (f"{prefix}反馈问题 {self.findings} 条，整改措施 {self.measures} 项（其中长期持续整改 {self.ongoing} 项）；"
                f"新增 {self.created} 项，更新 {self.updated} 项，未变化 {self.unchanged} 项。")


# --------------------------------------------------------------------------------------------------
# Names → records


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


class Resolver:
    """Unit and staff names as ledgers write them, resolved against the whole county (loaded once)."""

    def __init__(self) -> None:
        self.units = list(Unit.objects.filter(is_active=True).only("pk", "name", "short_name"))
        self.by_name: dict[str, list[Unit]] = {}
        for unit in self.units:
            for name in {_key(unit.name), _key(unit.short_name)} - {""}:
                self.by_name.setdefault(name, []).append(unit)
        self.staff: dict[str, list[Staff]] = {}
        for person in Staff.objects.filter(is_active=True).only("pk", "name", "unit_id"):
            self.staff.setdefault(_key(person.name), []).append(person)
        self._cache: dict[str, Unit | str] = {}

    def unit(self, name: str) -> Unit | str:
        """The unit, or the Chinese error message."""
        name = _key(name)
        if name not in self._cache:
            exact = self.by_name.get(name, [])
            if len({u.pk for u in exact}) == 1:
                self._cache[name] = exact[0]
            else:
                candidates = exact or [u for u in self.units if name in _key(u.name) or (u.short_name and name in _key(u.short_name))]
                distinct = {u.pk: u for u in candidates}
                if len(distinct) == 1:
                    self._cache[name] = next(iter(distinct.values()))
                elif not distinct:
                    self._cache[name] = f"找不到单位“{name}”"
                else:
                    names = "、".join(sorted(u.name for u in distinct.values())[:5])
                    self._cache[name] = f"单位“{name}”不唯一，可能是：{names}，请写全称"
        return self._cache[name]

    def person(self, name: str, unit_id: int | None) -> Staff | None:
        """Staff by name: the only one so named, or the one in the lead unit; otherwise keep the name."""
        people = self.staff.get(_key(name), [])
        if len(people) == 1:
            return people[0]
        in_unit = [p for p in people if p.unit_id == unit_id]
        return in_unit[0] if len(in_unit) == 1 else None


@dataclass
class Planned:
    """One ledger row resolved into what the measure should look like."""

    row: LedgerRow
    values: dict
    units: frozenset  # {(unit_id, role)}

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.row.aspect, self.row.finding, self.row.measure_text)


def _plan_row(row: LedgerRow, parsed: ParsedLedger, resolver: Resolver, errors: list[dict]) -> Planned | None:
    def fail(field_name: str, message: str) -> None:
        errors.append({"row": row.excel_row, "column": parsed.column_header(field_name), "message": message})

    lead = resolver.unit(row.lead_unit_name)
    if isinstance(lead, str):
        fail("lead_unit_name", lead)
    units: set[tuple[int, str]] = set()
    for field_name, role, names in (("coordinating_unit_names", UnitRole.COORDINATING, row.coordinating_unit_names),
                                    ("supporting_unit_names", UnitRole.SUPPORTING, row.supporting_unit_names)):
        for name in names:
            unit = resolver.unit(name)
            if isinstance(unit, str):
                # A second unit written in the 牵头单位 cell is reported against that column.
                fail("lead_unit_name" if name in row.lead_unit_name else field_name, unit)
            elif not isinstance(lead, str) and unit.pk != lead.pk and unit.pk not in {u for u, _ in units}:
                units.add((unit.pk, role))
    if isinstance(lead, str):
        return None
    if row.deadline_kind == DeadlineKind.DATE and row.deadline is None:
        fail("deadline", "缺少完成时限")
        return None
    units.add((lead.pk, UnitRole.LEAD))
    leader = resolver.person(row.leader_name, lead.pk) if row.leader_name else None
    person = resolver.person(row.person_name, lead.pk) if row.person_name else None
    status = row.status_code
    if row.deadline_kind == DeadlineKind.ONGOING and status == MeasureStatus.IN_PROGRESS:
        status = MeasureStatus.ONGOING  # a 长期坚持 measure at work is 长期持续整改
    values = {
        "lead_unit_id": lead.pk,
        "responsible_leader_id": leader.pk if leader else None,
        "responsible_leader_name": "" if leader else row.leader_name,
        "responsible_person_id": person.pk if person else None,
        "responsible_person_name": "" if person else row.person_name,
        "deadline_kind": row.deadline_kind,
        "deadline": row.deadline,
        "status": status,
        "progress_note": row.progress_text,
    }
    return Planned(row, values, frozenset(units))


# --------------------------------------------------------------------------------------------------
# The inspection a ledger belongs to


TITLE_SUFFIX = re.compile(r"(反馈)?(问题)?整改(落实)?(工作)?(情况)?台账$|台账$")


def inspection_title(parsed: ParsedLedger) -> str:
    return TITLE_SUFFIX.sub("", _key(parsed.title_text))


def _find_or_create_inspection(parsed: ParsedLedger, *, dry_run: bool, by) -> Inspection | None:
    """The inspection named by the ledger's title row: the one with that title, or a new one (the
    office completes its dates afterwards). None in a dry run that would create it."""
    title = inspection_title(parsed)
    existing = Inspection.objects.filter(title=title).first()
    if existing or dry_run:
        return existing
    group = re.search(r"((?:中央|省委|市委|县委|区委|旗委)?第[一二三四五六七八九十\d]+巡[察视]组)", title)
    body = re.search(r"(中央|省委|市委|县委|区委|旗委)", title)
    root = Unit.objects.filter(parent__isnull=True, is_active=True).order_by("sort_order", "pk").first()
    return services.create_inspection(
        title=title, body=body.group(1) if body else "县委", group=group.group(1) if group else "",
        kind=InspectionKind.TOUR if "巡视" in title else InspectionKind.PATROL, inspected_unit=root,
        feedback_date=timezone.localdate(), notes="由整改台账导入时自动登记，请补充反馈日期等信息。", by=by,
    )


# --------------------------------------------------------------------------------------------------
# The import


def import_ledger(parsed: ParsedLedger, *, inspection: Inspection | None = None, dry_run: bool = False, by=None,
                  progress: Callable[[int, int], None] | None = None) -> ImportResult:
    result = ImportResult(inspection=inspection, dry_run=dry_run, errors=list(parsed.errors))
    if result.errors and not parsed.rows:
        return result  # nothing readable (no header, not a workbook …)
    if not parsed.rows:
        result.errors.append({"row": None, "column": "", "message": RectificationError.IMPORT_EMPTY.label})
        return result
    if inspection is None and not inspection_title(parsed):
        result.errors.append({"row": None, "column": "", "message": RectificationError.IMPORT_NO_INSPECTION.label})
        return result

    resolver = Resolver()
    planned: list[Planned] = []
    seen: dict[tuple, int] = {}
    for row in parsed.rows:
        plan = _plan_row(row, parsed, resolver, result.errors)
        if plan is None:
            continue
        if plan.key in seen:
            result.errors.append({"row": row.excel_row, "column": parsed.column_header("measure_text"),
                                  "message": f"与第 {seen[plan.key]} 行重复（同一方面、同一问题下的相同整改措施）"})
            continue
        seen[plan.key] = row.excel_row
        planned.append(plan)
    findings_in_file = {(p.row.aspect, p.row.finding) for p in planned}
    result.findings = len(findings_in_file)
    result.measures = len(planned)
    result.ongoing = sum(1 for p in planned if p.values["status"] == MeasureStatus.ONGOING)
    if result.errors:
        # The parser's errors and ours, in the order of the file.
        result.errors.sort(key=lambda e: (e["row"] is not None, e["row"] or 0))
        return result

    with transaction.atomic():
        inspection = inspection or _find_or_create_inspection(parsed, dry_run=dry_run, by=by)
        result.inspection = inspection
        _write(inspection, planned, result, dry_run=dry_run, by=by, progress=progress, column=parsed.column_header)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _write(inspection: Inspection | None, planned: list[Planned], result: ImportResult, *, dry_run: bool, by,
           progress, column: Callable[[str], str]) -> None:
    aspects = {a.title: a for a in inspection.aspects.all()} if inspection else {}
    findings = {(f.aspect.title if f.aspect_id else "", f.description): f
                for f in inspection.findings.select_related("aspect")} if inspection else {}
    existing = {}
    if inspection:
        for measure in (Measure.objects.filter(finding__inspection=inspection)
                        .select_related("finding", "finding__aspect").prefetch_related("unit_roles", "checkpoints")):
            finding = measure.finding
            existing[(finding.aspect.title if finding.aspect_id else "", finding.description, measure.text)] = measure

    # Number findings and measures in file order.
    measure_numbers: dict[tuple[str, str], int] = {}
    finding_numbers: dict[str, int] = {}
    for plan in planned:
        fkey = (plan.row.aspect, plan.row.finding)
        if fkey not in measure_numbers:
            finding_numbers[plan.row.aspect] = finding_numbers.get(plan.row.aspect, 0) + 1
            measure_numbers[fkey] = 0
        measure_numbers[fkey] += 1
        plan.values["number"] = measure_numbers[fkey]

    to_create, to_update, changed_units = [], [], []
    for plan in planned:
        current = existing.get(plan.key)
        kind = FindingKind.SUGGESTION if plan.row.finding_kind == "suggestion" else FindingKind.PROBLEM
        if current is None:
            to_create.append(plan)
            continue
        changes = _descriptive_changes(current, plan, result, column)
        units_now = frozenset((mu.unit_id, mu.role) for mu in current.unit_roles.all())
        checkpoint_missing = (changes.get("deadline_kind", current.deadline_kind) == DeadlineKind.ONGOING
                              and plan.values["deadline"] and "deadline" not in changes
                              and current.status != MeasureStatus.VERIFIED
                              and plan.values["deadline"] not in {c.due_date for c in current.checkpoints.all()})
        if changes or units_now != plan.units or current.finding.kind != kind or checkpoint_missing:
            to_update.append((current, plan, changes, units_now))
            if units_now != plan.units:
                changed_units.append((current, plan))
        else:
            result.unchanged += 1
    result.created, result.updated = len(to_create), len(to_update)
    if dry_run or inspection is None:
        return

    # Aspects and findings first (bulk), then measures, their units and checkpoints.
    next_aspect = (inspection.aspects.aggregate(n=Max("number"))["n"] or 0) + 1
    new_aspects = []
    for plan in planned:
        title = plan.row.aspect
        if title and title not in aspects:
            aspects[title] = Aspect(inspection=inspection, title=title, number=next_aspect)
            new_aspects.append(aspects[title])
            next_aspect += 1
    Aspect.objects.bulk_create(new_aspects)
    new_findings, kind_changes = [], []
    per_aspect: dict[str, int] = {}
    for plan in planned:
        fkey = (plan.row.aspect, plan.row.finding)
        kind = FindingKind.SUGGESTION if plan.row.finding_kind == "suggestion" else FindingKind.PROBLEM
        if fkey in findings:
            finding = findings[fkey]
            if finding.kind != kind and finding not in kind_changes:
                finding.kind, finding.version = kind, finding.version + 1
                kind_changes.append(finding)
            continue
        per_aspect[plan.row.aspect] = per_aspect.get(plan.row.aspect, 0) + 1
        findings[fkey] = Finding(inspection=inspection, aspect=aspects.get(plan.row.aspect), kind=kind,
                                 description=plan.row.finding, number=per_aspect[plan.row.aspect])
        new_findings.append(findings[fkey])
    Finding.objects.bulk_create(new_findings)
    Finding.objects.bulk_update(kind_changes, ["kind", "version"])

    total = len(to_create) + len(to_update)
    now = timezone.now()
    importer = by if getattr(by, "is_authenticated", False) else None
    created = [Measure(finding=findings[(p.row.aspect, p.row.finding)], text=p.row.measure_text, **p.values,
                       **_imported_state(p.values["status"], now, importer))
               for p in to_create]
    Measure.objects.bulk_create(created, batch_size=500)
    if progress:
        progress(len(created), total)
    for measure, plan, changes, _units in to_update:
        for name, (_old, new) in changes.items():
            setattr(measure, name, new)
        measure.version += 1
        measure.updated_at = now
    Measure.objects.bulk_update([m for m, *_ in to_update], [*DESCRIPTIVE_FIELDS, "status", "version", "updated_at"],
                                batch_size=500)
    MeasureUnit.objects.filter(measure__in=[m for m, _ in changed_units]).delete()
    unit_rows = [MeasureUnit(measure=m, unit_id=u, role=r) for m, p in zip(created, to_create) for u, r in sorted(p.units)]
    unit_rows += [MeasureUnit(measure=m, unit_id=u, role=r) for m, p in changed_units for u, r in sorted(p.units)]
    MeasureUnit.objects.bulk_create(unit_rows, batch_size=1000)
    checkpoints = [Checkpoint(measure=m, due_date=p.values["deadline"])
                   for m, p in [*zip(created, to_create), *[(m, p) for m, p, c, _u in to_update
                                                            if m.status != MeasureStatus.VERIFIED]]
                   if m.deadline_kind == DeadlineKind.ONGOING and p.values["deadline"]]
    Checkpoint.objects.bulk_create(checkpoints, ignore_conflicts=True, batch_size=1000)
    refresh_measure_clocks(Measure.objects.filter(finding__inspection=inspection))  # stored due dates
    if progress:
        progress(total, total)

    _record_import_events(inspection, created, to_update, by=by)
    record_event(inspection, "rectification.ledger.imported",
                 f"导入整改台账：新增 {result.created} 项、更新 {result.updated} 项、未变化 {result.unchanged} 项整改措施",
                 by=by, **{k: v for k, v in result.as_json().items() if k != "errors"})


def _imported_state(status: str, now, importer) -> dict:
    """A measure imported as 已整改到位 was signed off by the importer, now; one imported as 申请销号
    was submitted now (by the unit, not recorded: the importer may then sign it off)."""
    if status == MeasureStatus.VERIFIED:
        return {"verified_at": now, "verified_by": importer}
    if status == MeasureStatus.PENDING_SIGNOFF:
        return {"submitted_at": now}
    return {}


def _record_import_events(inspection: Inspection, created: list[Measure], updated: list[tuple], *, by) -> None:
    """One timeline entry per imported measure: the new ones in bulk (a 5,000-row ledger is a few INSERT
    batches), each updated one with its old → new values (bulk_update bypasses the field-diff log)."""
    record_events(created, "rectification.measure.imported", "由整改台账导入", by=by, inspection=inspection.pk)
    unit_names = dict(Unit.objects.values_list("pk", "name"))
    staff_names = dict(Staff.objects.values_list("pk", "name"))
    for measure, plan, changes, units_before in updated:
        shown = {name: (_show(name, old, unit_names, staff_names), _show(name, new, unit_names, staff_names))
                 for name, (old, new) in changes.items()}
        if units_before != plan.units:
            shown["units"] = (_units_label(units_before, unit_names), _units_label(plan.units, unit_names))
        parts = [f"{FIELD_LABELS_CN[name]}：{old or '—'} → {new or '—'}" for name, (old, new) in shown.items()
                 if old != new]
        record_event(measure, "rectification.measure.reimported",
                     ("按整改台账更新：" + "；".join(parts))[:300] if parts else "按整改台账更新",
                     by=by, inspection=inspection.pk, changes={k: list(v) for k, v in shown.items()})


def _show(name: str, value, unit_names: dict, staff_names: dict) -> str:
    if value is None or value == "":
        return ""
    if name == "lead_unit_id":
        return unit_names.get(value, str(value))
    if name in ("responsible_leader_id", "responsible_person_id"):
        return staff_names.get(value, str(value))
    if name == "deadline_kind":
        return DeadlineKind(value).label
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _units_label(units: frozenset, unit_names: dict) -> str:
    return "、".join(f"{unit_names.get(u, u)}（{UnitRole(r).label}）" for u, r in sorted(units, key=lambda x: (x[1], x[0])))


def _descriptive_changes(current: Measure, plan: Planned, result: ImportResult, column) -> dict:
    """{field: (old, new)} a re-import applies to an existing measure; status (and, on a verified
    measure, deadline) differences become preview warnings instead."""
    row = plan.row.excel_row
    changes = {name: (getattr(current, name), plan.values[name]) for name in DESCRIPTIVE_FIELDS
               if getattr(current, name) != plan.values[name]}
    if current.status == MeasureStatus.VERIFIED:
        held = [name for name in DEADLINE_FIELDS if name in changes]
        for name in held:
            changes.pop(name)
        if held:
            result.warnings.append({"row": row, "column": column("deadline"),
                                    "message": "该措施已整改到位，完成时限不随台账修改"})
    wanted = plan.values["status"]
    if wanted != current.status and not (
            {wanted, current.status} <= {MeasureStatus.IN_PROGRESS, MeasureStatus.ONGOING}):
        result.warnings.append({
            "row": row, "column": column("status"),
            "message": f"台账状态为“{MeasureStatus(wanted).label}”，系统中为“{current.get_status_display()}”："
                       "导入不改变已有措施的状态，请通过填报进展、申请销号、销号办理",
        })
    new_kind = changes.get("deadline_kind", (None, current.deadline_kind))[1]
    consistent = services.status_for_deadline_kind(current.status, new_kind)
    if consistent != current.status:
        changes["status"] = (current.status, consistent)
    return changes


# --------------------------------------------------------------------------------------------------
# The web import's confirm step: a run record, the Huey task, progress the page polls


def queue_import(*, path: str, file_name: str, inspection: Inspection | None, column_overrides: dict,
                 by) -> ImportRun:
    """Record the confirmed import and put it on the queue (`tasks.import_ledger_task`)."""
    from tongban.rectification.tasks import import_ledger_task

    run = ImportRun.objects.create(path=path, file_name=file_name, inspection=inspection,
                                   column_overrides=column_overrides, by=by)
    import_ledger_task(run.pk)
    return run


def run_import(run_id: int) -> ImportRun | None:
    """Parse and import the run's file (all or nothing), reporting progress on the run; the file is
    removed afterwards either way. A run already claimed (or finished) is left alone."""
    from pathlib import Path

    from tongban.rectification.ledger_parsing import parse_ledger

    if not ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING):
        return ImportRun.objects.filter(pk=run_id).first()
    run = ImportRun.objects.select_related("inspection", "by").get(pk=run_id)
    path = Path(run.path)
    try:
        parsed = parse_ledger(str(path), column_overrides=run.column_overrides or None)
        run.set_progress(0, len(parsed.rows))
        result = import_ledger(parsed, inspection=run.inspection, by=run.by, progress=run.set_progress)
    except Exception as exc:
        logger.exception("ledger import run %s failed", run_id)
        _finish_run(run, ImportStatus.FAILED, summary=f"导入时出错，数据库未做任何修改：{type(exc).__name__}: {exc}")
    else:
        status = ImportStatus.SUCCEEDED if result.ok else ImportStatus.FAILED
        _finish_run(run, status, summary=result.summary(), result=result.as_json(),
                    inspection=result.inspection if result.ok else run.inspection)
    finally:
        path.unlink(missing_ok=True)
    return run


def _finish_run(run: ImportRun, status: str, **changes) -> None:
    changes.update(status=status, finished_at=timezone.now())
    for name, value in changes.items():
        setattr(run, name, value)
    run.save(update_fields=[*changes, "updated_at"])
