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
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from tongban.core.import_snapshots import KEEP_ALL, Baseline, RecordChanges, TakeFileValues
from tongban.core.text import parse_int
from tongban.history.services import record_event, record_events
from tongban.org.models import Staff, Unit, UnitAlias
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
                   "other_units": "协调、配合单位"}


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
    # Per existing measure the file would change: {measure, text, row, fields: [{field, label, old, new,
    # edited, taken, key}]}; `conflicts` counts the fields edited in tongban and kept.
    changes: list[dict] = field(default_factory=list)
    conflicts: int = 0
    # New measures the ledger calls 已完成 / 已整改到位: signed off by the import, without evidence.
    signed_off: list[dict] = field(default_factory=list)  # {row, text}
    # How every unit and person name was matched ({name, unit, how_label, rows, …}), the unit names
    # that matched nothing (to map or create in the preview), and what the user's choices did.
    unit_matches: list[dict] = field(default_factory=list)
    person_matches: list[dict] = field(default_factory=list)
    unresolved_units: list[dict] = field(default_factory=list)
    units_created: list[dict] = field(default_factory=list)  # {name, unit, parent}
    aliases_added: list[dict] = field(default_factory=list)  # {alias, unit}
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
        if self.changes:
            data["conflicts"] = self.conflicts
            data["changes"] = self.changes
        if self.signed_off:
            data["signed_off_by_import"] = [{"row": s["row"], "text": s["text"]} for s in self.signed_off]
        if self.unresolved_units:
            data["unresolved_units"] = [{"name": u["name"], "rows": u["rows"], "message": u["problem"]}
                                        for u in self.unresolved_units]
        if self.units_created:
            data["units_created"] = self.units_created
        if self.aliases_added:
            data["aliases_added"] = self.aliases_added
        return data

    def summary(self) -> str:
        if self.errors:
            return f"导入失败，共 {len(self.errors)} 处错误，数据库未做任何修改。"
        prefix = "检查通过（未写入）：" if self.dry_run else "导入完成："
        text = (f"{prefix}反馈问题 {self.findings} 条，整改措施 {self.measures} 项（其中长期持续整改 {self.ongoing} 项）；"
                f"新增 {self.created} 项，更新 {self.updated} 项，未变化 {self.unchanged} 项。")
        if self.signed_off:
            verb = "将直接记为" if self.dry_run else "已直接记为"
            text += (f"其中 {len(self.signed_off)} 项台账写为“已完成 / 已整改到位”，{verb}已整改到位"
                     "（由导入人销号，没有佐证材料）。")
        if self.conflicts:
            kept = "保留" if not self.dry_run else "将保留"
            text += f"冲突 {self.conflicts} 处：系统中导入后修改过的内容{kept}系统中的值（可选择采用台账值）。"
        return text


# --------------------------------------------------------------------------------------------------
# Names → records


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


UNIT_HOW = {"name": "全称", "short_name": "简称", "alias": "别名", "contains": "名称包含", "mapped": "按您的选择对应",
            "created": "新建"}


class Resolver:
    """Unit and staff names as ledgers write them, resolved against the whole county (loaded once).

    A unit name matches a unit's full name, short name or alias (别名), then — only if that leaves no
    doubt — the one unit whose name contains it. The user's choices for names that match nothing
    (`unit_choices["map"]`: name → unit id, and the units created for them) come first. Every name is
    remembered with how it matched and the rows that use it, for the preview."""

    def __init__(self, mapped: dict[str, Unit] | None = None, created: dict[str, Unit] | None = None,
                 create_unknown: Callable[[str], Unit] | None = None) -> None:
        self.units = list(Unit.objects.filter(is_active=True).only("pk", "name", "short_name"))
        self.by_name: dict[str, list[tuple[Unit, str]]] = {}
        for unit in self.units:
            for name, how in ((_key(unit.name), "name"), (_key(unit.short_name), "short_name")):
                if name:
                    self.by_name.setdefault(name, []).append((unit, how))
        units_by_pk = {unit.pk: unit for unit in self.units}
        for alias, unit_id in UnitAlias.objects.filter(unit__is_active=True).values_list("name", "unit_id"):
            self.by_name.setdefault(_key(alias), []).append((units_by_pk[unit_id], "alias"))
        self.mapped = {_key(k): v for k, v in (mapped or {}).items()}
        self.created = {_key(k): v for k, v in (created or {}).items()}
        self.create_unknown = create_unknown
        self.staff: dict[str, list[Staff]] = {}
        for person in Staff.objects.filter(is_active=True).select_related("unit").only("pk", "name", "unit_id",
                                                                                       "unit__name"):
            self.staff.setdefault(_key(person.name), []).append(person)
        self._cache: dict[str, Unit | str] = {}
        self.unit_matches: dict[str, dict] = {}  # name → {name, unit, unit_id, how, problem, candidates, rows, columns}
        self.person_matches: dict[tuple[str, str], dict] = {}  # (name, column) → {name, staff, how, rows}

    def unit(self, name: str, row: int | None = None, column: str = "") -> Unit | str:
        """The unit, or the Chinese error message."""
        name = _key(name)
        if name not in self._cache:
            self._cache[name] = self._resolve(name)
        match = self.unit_matches[name]
        if row is not None and row not in match["rows"]:
            match["rows"].append(row)
        if column and column not in match["columns"]:
            match["columns"].append(column)
        return self._cache[name]

    def _resolve(self, name: str) -> Unit | str:
        def found(unit: Unit, how: str) -> Unit:
            self.unit_matches[name] = {"name": name, "unit": unit.name, "unit_id": unit.pk, "how": how,
                                       "how_label": UNIT_HOW[how], "problem": "", "candidates": [], "rows": [],
                                       "columns": []}
            return unit

        if name in self.created:
            return found(self.created[name], "created")
        if name in self.mapped:
            return found(self.mapped[name], "mapped")
        exact = self.by_name.get(name, [])
        if len({u.pk for u, _ in exact}) == 1:
            return found(*exact[0])
        candidates = [u for u, _ in exact] or [u for u in self.units if name in _key(u.name)
                                               or (u.short_name and name in _key(u.short_name))]
        distinct = {u.pk: u for u in candidates}
        if len(distinct) == 1:
            return found(next(iter(distinct.values())), "contains")
        if not distinct and self.create_unknown is not None:
            unit = self.create_unknown(name)
            self.created[name] = unit
            return found(unit, "created")
        if not distinct:
            problem = f"找不到单位“{name}”"
        else:
            names = "、".join(sorted(u.name for u in distinct.values())[:5])
            problem = f"单位“{name}”不唯一，可能是：{names}，请写全称"
        self.unit_matches[name] = {"name": name, "unit": "", "unit_id": None, "how": "", "how_label": "",
                                   "problem": problem, "candidates": sorted(u.name for u in distinct.values())[:5],
                                   "rows": [], "columns": []}
        return problem

    def person(self, name: str, unit_id: int | None, row: int | None = None, column: str = "") -> Staff | None:
        """Staff by name: the only one so named, or the one in the lead unit; otherwise keep the name."""
        people = self.staff.get(_key(name), [])
        if len(people) == 1:
            person, how = people[0], "唯一同名人员"
        else:
            in_unit = [p for p in people if p.unit_id == unit_id]
            person, how = (in_unit[0], "牵头单位中的同名人员") if len(in_unit) == 1 else (None, "")
            if person is None:
                how = f"同名 {len(people)} 人，无法确定，按姓名保存" if people else "系统中无此人，按姓名保存"
        match = self.person_matches.setdefault((_key(name), column), {
            "name": _key(name), "column": column, "staff": f"{person.name}（{person.unit.name}）" if person else "",
            "how": how, "rows": []})
        if row is not None and row not in match["rows"]:
            match["rows"].append(row)
        return person

    def unresolved(self) -> list[dict]:
        """Every unit name that matched nothing (or more than one unit), once, with the rows using it."""
        return [m for m in self.unit_matches.values() if m["unit_id"] is None]


@dataclass
class Planned:
    """One ledger row resolved into what the measure should look like."""

    row: LedgerRow
    values: dict
    units: frozenset  # {(unit_id, role)}

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.row.aspect, self.row.finding, self.row.measure_text)

    def snapshot_values(self) -> dict:
        """What the import writes into the measure, as remembered for the next import."""
        return {**{name: self.values[name] for name in DESCRIPTIVE_FIELDS},
                "other_units": _other_units(self.units)}


def _plan_row(row: LedgerRow, parsed: ParsedLedger, resolver: Resolver, errors: list[dict]) -> Planned | None:
    def fail(field_name: str, message: str) -> None:
        errors.append({"row": row.excel_row, "column": parsed.column_header(field_name), "message": message})

    excel_row = row.excel_row
    lead = resolver.unit(row.lead_unit_name, excel_row, parsed.column_header("lead_unit_name"))
    if isinstance(lead, str):
        fail("lead_unit_name", lead)
    units: set[tuple[int, str]] = set()
    for field_name, role, names in (("coordinating_unit_names", UnitRole.COORDINATING, row.coordinating_unit_names),
                                    ("supporting_unit_names", UnitRole.SUPPORTING, row.supporting_unit_names)):
        for name in names:
            # A second unit written in the 牵头单位 cell is reported against that column.
            column = "lead_unit_name" if name in row.lead_unit_name else field_name
            unit = resolver.unit(name, excel_row, parsed.column_header(column))
            if isinstance(unit, str):
                fail(column, unit)
            elif not isinstance(lead, str) and unit.pk != lead.pk and unit.pk not in {u for u, _ in units}:
                units.add((unit.pk, role))
    if isinstance(lead, str):
        return None
    if row.deadline_kind == DeadlineKind.DATE and row.deadline is None:
        fail("deadline", "缺少完成时限")
        return None
    units.add((lead.pk, UnitRole.LEAD))
    leader = (resolver.person(row.leader_name, lead.pk, excel_row, parsed.column_header("leader_name"))
              if row.leader_name else None)
    person = (resolver.person(row.person_name, lead.pk, excel_row, parsed.column_header("person_name"))
              if row.person_name else None)
    # A 长期坚持 measure at work is 长期持续整改, and only a 长期坚持 one is (a ledger may write 持续整改
    # beside a date): the same rule as every edit, so that a re-import finds nothing to put right.
    status = services.status_for_deadline_kind(row.status_code, row.deadline_kind)
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
                  progress: Callable[[int, int], None] | None = None,
                  take_file_values: TakeFileValues = KEEP_ALL, unit_choices: dict | None = None) -> ImportResult:
    """Import a parsed ledger, all or nothing. A re-import keeps every field edited in tongban since the
    last import (reported in `result.changes` as conflicts) unless `take_file_values` takes the file's.

    `unit_choices` settles unit names that match nothing: {"map": {name: unit id}} (remembered as the
    unit's alias), {"create": {name: {"parent": unit id, "kind": kind code, "full_name": …}}} and
    {"create_unknown": {"parent": …, "kind": …}} for every unknown name (the CLI's --create-units);
    all written in the import's transaction, so a failed or dry run leaves nothing behind."""
    result = ImportResult(inspection=inspection, dry_run=dry_run, errors=list(parsed.errors))
    if result.errors and not parsed.rows:
        return result  # nothing readable (no header, not a workbook …)
    if not parsed.rows:
        result.errors.append({"row": None, "column": "", "message": RectificationError.IMPORT_EMPTY.label})
        return result
    if inspection is None and not inspection_title(parsed):
        result.errors.append({"row": None, "column": "", "message": RectificationError.IMPORT_NO_INSPECTION.label})
        return result

    with transaction.atomic():
        choices = _UnitChoices(unit_choices or {}, result, by=by)
        resolver = Resolver(choices.mapped, choices.created, create_unknown=choices.create_unknown_or_none)
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
        result.unit_matches = sorted(resolver.unit_matches.values(), key=lambda m: (m["unit_id"] is not None, m["rows"]))
        result.person_matches = sorted(resolver.person_matches.values(), key=lambda m: m["rows"])
        result.unresolved_units = resolver.unresolved()
        result.units_created = choices.created_report(resolver)
        findings_in_file = {(p.row.aspect, p.row.finding) for p in planned}
        result.findings = len(findings_in_file)
        result.measures = len(planned)
        result.ongoing = sum(1 for p in planned if p.values["status"] == MeasureStatus.ONGOING)
        if result.errors:
            # The parser's errors and ours, in the order of the file; nothing written stays.
            result.errors.sort(key=lambda e: (e["row"] is not None, e["row"] or 0))
            transaction.set_rollback(True)
            return result
        inspection = inspection or _find_or_create_inspection(parsed, dry_run=dry_run, by=by)
        result.inspection = inspection
        _write(inspection, planned, result, dry_run=dry_run, by=by, progress=progress, column=parsed.column_header,
               take=take_file_values)
        result.aliases_added = choices.remember_aliases(resolver, by=by)
        if dry_run:
            transaction.set_rollback(True)
    return result


class _UnitChoices:
    """The user's answers for unit names that match nothing: map to a unit, or create one."""

    def __init__(self, choices: dict, result: ImportResult, *, by) -> None:
        from tongban.org.models import UnitKind

        self.result, self.by = result, by
        allowed = Unit.objects.visible_to(by) if getattr(by, "is_authenticated", False) else Unit.objects.all()
        wanted_ids = {parse_int(v, min=1) for v in (choices.get("map") or {}).values()}
        wanted_ids |= {parse_int(c.get("parent"), min=1) for c in [*(choices.get("create") or {}).values(),
                                                                   choices.get("create_unknown") or {}]}
        wanted_ids.discard(None)
        units = {u.pk: u for u in allowed.filter(pk__in=wanted_ids)}
        self.kinds = {k.code: k for k in UnitKind.objects.all()}
        self.mapped = {}
        for name, unit_id in (choices.get("map") or {}).items():
            if parse_int(unit_id) in units:
                self.mapped[name] = units[parse_int(unit_id)]
        self.created: dict[str, Unit] = {}
        self.parents: dict[str, Unit | None] = {}
        for name, spec in (choices.get("create") or {}).items():
            self.created[name] = self._create(name, spec, units)
        self.create_all = choices.get("create_unknown")
        self.units = units

    def _create(self, name: str, spec: dict, units: dict[int, Unit]) -> Unit:
        from django.core.exceptions import ValidationError

        from tongban.org import services as org_services

        parent = units.get(parse_int(spec.get("parent")))
        kind = self.kinds.get(spec.get("kind") or "department") or self.kinds.get("department")
        full_name = _key(spec.get("full_name") or "") or _key(name)
        try:
            unit = org_services.create_unit(code=org_services.unit_code_for(full_name), name=full_name, kind=kind,
                                            parent=parent, by=self.by,
                                            aliases=[_key(name)] if full_name != _key(name) else None)
        except ValidationError as exc:
            self.result.errors.append({"row": None, "column": "", "message": f"新建单位“{full_name}”失败：{'；'.join(exc.messages)}"})
            unit = Unit(pk=None, name=full_name)
        self.parents[_key(name)] = parent
        return unit

    @property
    def create_unknown_or_none(self) -> Callable[[str], Unit] | None:
        """With --create-units: every unknown name becomes a new unit under the chosen parent."""
        if not self.create_all:
            return None
        return lambda name: self._create(name, self.create_all, self.units)

    def created_report(self, resolver: Resolver) -> list[dict]:
        return [{"name": name, "unit": unit.name, "parent": (self.parents.get(name).name if self.parents.get(name)
                                                              else "")}
                for name, unit in resolver.created.items() if unit.pk]

    def remember_aliases(self, resolver: Resolver, *, by) -> list[dict]:
        """A name the user mapped to a unit becomes that unit's alias (unless some unit already
        answers to it), so the next ledger writing it needs no answer."""
        from tongban.org import services as org_services

        added = []
        for name, unit in self.mapped.items():
            name = _key(name)
            if name not in resolver.unit_matches or org_services.alias_problem(unit, name) is not None:
                continue
            if name in {unit.name, unit.short_name, *unit.aliases.values_list("name", flat=True)}:
                continue
            org_services.add_unit_alias(unit, name, by=by)
            added.append({"alias": name, "unit": unit.name})
        return added


def _write(inspection: Inspection | None, planned: list[Planned], result: ImportResult, *, dry_run: bool, by,
           progress, column: Callable[[str], str], take: TakeFileValues = KEEP_ALL) -> None:
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

    matched = [existing[p.key] for p in planned if p.key in existing]
    baseline = Baseline(Measure, [m.pk for m in matched], extra_edited=_units_edited_without_snapshot(matched))
    baseline.prefetch_log([m.pk for m in matched])
    names = _Names()
    to_create, to_update = [], []
    for plan in planned:
        current = existing.get(plan.key)
        kind = FindingKind.SUGGESTION if plan.row.finding_kind == "suggestion" else FindingKind.PROBLEM
        if current is None:
            to_create.append(plan)
            if plan.values["status"] == MeasureStatus.VERIFIED:
                result.signed_off.append({"row": plan.row.excel_row, "text": plan.row.measure_text})
            continue
        update = _measure_update(current, plan, baseline, take, result, column, names)
        checkpoint_missing = (update.values.get("deadline_kind", current.deadline_kind) == DeadlineKind.ONGOING
                              and plan.values["deadline"] and "deadline" not in update.values
                              and current.status != MeasureStatus.VERIFIED
                              and plan.values["deadline"] not in {c.due_date for c in current.checkpoints.all()})
        if update.record.fields:
            result.changes.append({"measure": current.pk, "text": current.text, **update.record.as_json()})
            result.conflicts += len(update.record.conflicts)
        if update.values or update.units is not None or current.finding.kind != kind or checkpoint_missing:
            to_update.append(update)
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
    for update in to_update:
        for name, value in update.values.items():
            setattr(update.measure, name, value)
        update.measure.version += 1
        update.measure.updated_at = now
    Measure.objects.bulk_update([u.measure for u in to_update], [*DESCRIPTIVE_FIELDS, "status", "version", "updated_at"],
                                batch_size=500)
    changed_units = [u for u in to_update if u.units is not None]
    MeasureUnit.objects.filter(measure__in=[u.measure for u in changed_units]).delete()
    unit_rows = [MeasureUnit(measure=m, unit_id=u, role=r) for m, p in zip(created, to_create) for u, r in sorted(p.units)]
    unit_rows += [MeasureUnit(measure=u.measure, unit_id=unit, role=role)
                  for u in changed_units for unit, role in sorted(u.units)]
    MeasureUnit.objects.bulk_create(unit_rows, batch_size=1000)
    checkpoints = [Checkpoint(measure=m, due_date=p.values["deadline"])
                   for m, p in [*zip(created, to_create), *[(u.measure, u.plan) for u in to_update
                                                            if u.measure.status != MeasureStatus.VERIFIED]]
                   if m.deadline_kind == DeadlineKind.ONGOING and p.values["deadline"]]
    Checkpoint.objects.bulk_create(checkpoints, ignore_conflicts=True, batch_size=1000)
    refresh_measure_clocks(Measure.objects.filter(finding__inspection=inspection))  # stored due dates
    # Measures signed off or submitted by the import: their signals (e.g. signed off without evidence).
    services.scan_after_commit([m.pk for m in created if m.status in (MeasureStatus.VERIFIED,
                                                                       MeasureStatus.PENDING_SIGNOFF)])
    if progress:
        progress(total, total)

    # What this import wrote, per measure: the next import tells tongban's edits from the file's by it.
    baseline.remember({m.pk: p.snapshot_values() for m, p in zip(created, to_create)}, by=by)
    baseline.remember({existing[p.key].pk: p.snapshot_values() for p in planned if p.key in existing}, by=by)
    _record_import_events(inspection, created, to_update, result, by=by)
    record_event(inspection, "rectification.ledger.imported",
                 f"导入整改台账：新增 {result.created} 项、更新 {result.updated} 项、未变化 {result.unchanged} 项整改措施"
                 + (f"；保留系统中的修改 {result.conflicts} 处" if result.conflicts else ""),
                 by=by, **{k: v for k, v in result.as_json().items() if k not in ("errors", "changes")})


@dataclass
class _Update:
    """What a re-import does to one existing measure: the field values to write (only the changes that
    apply), the unit set when it changes, and every change the file asked for (with the kept ones)."""

    measure: Measure
    plan: Planned
    values: dict
    units: frozenset | None
    record: RecordChanges


class _Names:
    """Unit and staff names for showing changes, loaded once."""

    def __init__(self) -> None:
        self._units: dict | None = None
        self._staff: dict | None = None

    @property
    def units(self) -> dict:
        if self._units is None:
            self._units = dict(Unit.objects.values_list("pk", "name"))
        return self._units

    @property
    def staff(self) -> dict:
        if self._staff is None:
            self._staff = dict(Staff.objects.values_list("pk", "name"))
        return self._staff

    def show(self, name: str) -> Callable[[object], str]:
        def show(value) -> str:
            if value is None or value == "":
                return ""
            if name == "lead_unit_id":
                return self.units.get(value, str(value))
            if name in ("responsible_leader_id", "responsible_person_id"):
                return self.staff.get(value, str(value))
            if name == "deadline_kind":
                return DeadlineKind(value).label
            if name == "other_units":
                return _units_label(value, self.units)
            return value.isoformat() if hasattr(value, "isoformat") else str(value)

        return show


def _other_units(units) -> frozenset:
    """A measure's coordinating and supporting units, {(unit_id, role)}: the lead is its own field."""
    return frozenset((unit, role) for unit, role in units if role != UnitRole.LEAD)


def _units_edited_without_snapshot(measures: list[Measure]) -> Callable[[int, str], bool | None]:
    """For measures no import has written yet: their coordinating / supporting units count as edited in
    tongban when the measure was edited there (`rectification.measure.updated`); the change log of the
    unit rows does not say which measure they belong to."""
    from django.contrib.contenttypes.models import ContentType

    from tongban.history.models import DomainEvent

    state: dict[str, set] = {}

    def edited(pk: int, name: str) -> bool | None:
        if name != "other_units":
            return None
        if "pks" not in state:
            state["pks"] = set(DomainEvent.objects.filter(
                content_type=ContentType.objects.get_for_model(Measure), code="rectification.measure.updated",
                object_id__in=[str(m.pk) for m in measures]).values_list("object_id", flat=True))
        return str(pk) in state["pks"]

    return edited


def _measure_update(current: Measure, plan: Planned, baseline: Baseline, take: TakeFileValues, result: ImportResult,
                    column, names: _Names) -> _Update:
    """Compare an existing measure with its row. A field the file changes applies unless it was edited
    in tongban since the last import (then it is kept, unless the user takes the file's value); status
    and a verified measure's deadline never follow the file (they are warnings)."""
    row = plan.row.excel_row
    record = RecordChanges(pk=current.pk, label=f"措施 {current.pk}「{current.text[:20]}」", row=row)
    values: dict = {}
    held_deadline = False
    for name in DESCRIPTIVE_FIELDS:
        if current.status == MeasureStatus.VERIFIED and name in DEADLINE_FIELDS:
            held_deadline |= getattr(current, name) != plan.values[name]
            continue
        change = baseline.compare(current.pk, name, FIELD_LABELS_CN[name], getattr(current, name), plan.values[name],
                                  take, show=names.show(name))
        if change is not None:
            record.fields.append(change)
            if change.taken:
                values[name] = plan.values[name]
    if held_deadline:
        result.warnings.append({"row": row, "column": column("deadline"),
                                "message": "该措施已整改到位，完成时限不随台账修改"})
    units_now = frozenset((mu.unit_id, mu.role) for mu in current.unit_roles.all())
    others_now, others_file = _other_units(units_now), _other_units(plan.units)
    change = baseline.compare(current.pk, "other_units", FIELD_LABELS_CN["other_units"], others_now, others_file,
                              take, show=names.show("other_units"))
    others = others_now
    if change is not None:
        record.fields.append(change)
        if change.taken:
            others = others_file
    lead = values.get("lead_unit_id", current.lead_unit_id)
    units = frozenset({(lead, UnitRole.LEAD), *((u, r) for u, r in others if u != lead)})
    wanted = plan.values["status"]
    if wanted != current.status and not (
            {wanted, current.status} <= {MeasureStatus.IN_PROGRESS, MeasureStatus.ONGOING}):
        result.warnings.append({
            "row": row, "column": column("status"),
            "message": f"台账状态为“{MeasureStatus(wanted).label}”，系统中为“{current.get_status_display()}”："
                       "导入不改变已有措施的状态，请通过填报进展、申请销号、销号办理",
        })
    consistent = services.status_for_deadline_kind(current.status, values.get("deadline_kind", current.deadline_kind))
    if consistent != current.status:
        values["status"] = consistent
    return _Update(current, plan, values, units if units != units_now else None, record)


def _imported_state(status: str, now, importer) -> dict:
    """A measure imported as 已整改到位 was signed off by the importer, now, without evidence (marked by
    `import_verified_at`, shown on its page, in the API and in the lists); one imported as 申请销号
    was submitted now (by the unit, not recorded: the importer may then sign it off)."""
    if status == MeasureStatus.VERIFIED:
        return {"verified_at": now, "verified_by": importer, "import_verified_at": now}
    if status == MeasureStatus.PENDING_SIGNOFF:
        return {"submitted_at": now}
    return {}


def _record_import_events(inspection: Inspection, created: list[Measure], updated: list[_Update], result, *,
                          by) -> None:
    """One timeline entry per imported measure: the new ones in bulk (a 5,000-row ledger is a few INSERT
    batches), each updated one with its old → new values (bulk_update bypasses the field-diff log) and
    the values it kept because they were edited in tongban."""
    record_events(created, "rectification.measure.imported", "由整改台账导入", by=by, inspection=inspection.pk)
    for update in updated:
        applied = [f for f in update.record.fields if f.taken]
        kept = update.record.conflicts
        parts = [f"{f.label}：{f.old or '—'} → {f.new or '—'}" for f in applied]
        text = "按整改台账更新：" + "；".join(parts) if parts else "按整改台账更新"
        if kept:
            text += "；保留系统中的修改：" + "；".join(f"{f.label}（系统 {f.old or '—'}，台账 {f.new or '—'}）" for f in kept)
        record_event(update.measure, "rectification.measure.reimported", text[:300], by=by, inspection=inspection.pk,
                     changes={f.field: [f.old, f.new] for f in applied},
                     kept={f.field: [f.old, f.new] for f in kept})


def _units_label(units: frozenset, unit_names: dict) -> str:
    return "、".join(f"{unit_names.get(u, u)}（{UnitRole(r).label}）" for u, r in sorted(units, key=lambda x: (x[1], x[0])))


# --------------------------------------------------------------------------------------------------
# The web import's confirm step: a run record, the Huey task, progress the page polls


def queue_import(*, token: str, path: Path, file_name: str, inspection: Inspection | None, column_overrides: dict,
                 by, take_file_values: TakeFileValues = KEEP_ALL, unit_choices: dict | None = None) -> ImportRun:
    """Record the confirmed import — once per upload: the run is keyed by the upload's token, so any
    number of concurrent confirms land on the one run — and put it on the queue
    (`tasks.import_ledger_task`). The file moves to MEDIA_ROOT/imports/runs/, out of reach of the
    clean-up of unconfirmed uploads, until the run has read it."""
    from tongban.rectification.tasks import import_ledger_task

    target = path.parent / "runs" / path.name
    defaults = {"path": str(target), "file_name": file_name, "inspection": inspection,
                "column_overrides": column_overrides, "take_file_values": take_file_values.as_json(),
                "unit_choices": unit_choices or {}, "by": by}
    try:
        run, created = ImportRun.objects.get_or_create(token=token, defaults=defaults)
    except IntegrityError:  # another confirm inserted it between our look and our insert
        run, created = ImportRun.objects.get(token=token), False
    if created:
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
        import_ledger_task(run.pk)
        run.refresh_from_db()
    return run


def run_import(run_id: int) -> ImportRun | None:
    """Parse and import the run's file (all or nothing), reporting progress on the run; the file is
    removed afterwards either way. A run already claimed (or finished) is left alone."""
    from tongban.rectification.ledger_parsing import parse_ledger

    if not ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING):
        return ImportRun.objects.filter(pk=run_id).first()
    run = ImportRun.objects.select_related("inspection", "by").get(pk=run_id)
    path = Path(run.path)
    try:
        if not path.is_file():
            _finish_run(run, ImportStatus.FAILED, summary="待导入的文件已不存在（可能已被清理），数据库未做任何修改，请重新上传。")
            return run
        parsed = parse_ledger(str(path), column_overrides=run.column_overrides or None, name=run.file_name)
        run.set_progress(0, len(parsed.rows))
        result = import_ledger(parsed, inspection=run.inspection, by=run.by, progress=run.set_progress,
                               take_file_values=TakeFileValues.from_json(run.take_file_values),
                               unit_choices=run.unit_choices or None)
    except Exception:
        logger.exception("ledger import run %s failed", run_id)
        _finish_run(run, ImportStatus.FAILED,
                    summary="导入时出错，数据库未做任何修改。错误已记入系统日志，请稍后重试或联系管理员。")
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


# --------------------------------------------------------------------------------------------------
# The downloadable template


LEDGER_TEMPLATE_NOTES = (
    "整改台账导入模板：填写说明",
    "1. 第 1 行写标题（如“2026年县委第一巡察组反馈问题整改台账”），导入时按标题识别巡察，标题中的年份用于没有写年份的时限；第 2 行是表头。",
    "2. 灰色斜体的是示例行，请改写或删除。各单位自己的台账格式也可以直接导入：表头在前 10 行内即可，列名可用常见写法（如“责任单位”“完成时间”）。",
    "3. 反馈问题、整改措施、牵头单位、整改时限必填。同一问题下的多项措施，问题方面和反馈问题可以只写一次或合并单元格。",
    "4. 牵头单位可写全称、简称或别名（如“市场监管局”）；一格写多个单位时，第一个为牵头单位，其余为配合单位，用“、”分隔。"
    "找不到的单位在预览中可对应到已有单位（记为别名）或新建。",
    "5. 整改时限可写 2026年6月30日前、2026.9.30、10月底前、年底前、立行立改、长期坚持，或 Excel 日期。",
    "6. 整改状态可写 未启动、整改中、申请销号、已整改到位（已完成）、长期持续整改。注意：写“已完成 / 已整改到位”的新措施"
    "会直接记为已整改到位，销号人为导入人，没有佐证材料，系统会标明“台账导入销号”。",
    "7. 支持 .xlsx、.xls、WPS .et、.ods。全部成功或一行不改；可重复导入，导入后在系统中修改过的内容默认保留。",
)


def ledger_template():
    """The standard ledger layout with a title row and two example measures of one finding."""
    from tongban.core.import_templates import TemplateSheet, template_workbook
    from tongban.rectification.ledger_parsing import ledger_columns

    columns = ledger_columns()
    examples = [
        {"seq": 1, "aspect": "一、窗口服务不够规范", "finding_kind": "问题", "finding": "一次性告知不到位，群众反映多次跑",
         "measure_text": "制定一次性告知清单并在各窗口公示", "lead_unit_name": "市场监管局", "coordinating_unit_names": "",
         "supporting_unit_names": "办公室", "leader_name": "水建华", "person_name": "李娜",
         "deadline": "2026年6月30日前", "status": "整改中", "progress_text": "已起草清单初稿"},
        {"seq": 2, "aspect": "", "finding_kind": "", "finding": "", "measure_text": "每季度抽查窗口告知情况",
         "lead_unit_name": "效能监察股", "coordinating_unit_names": "", "supporting_unit_names": "",
         "leader_name": "", "person_name": "", "deadline": "长期坚持", "status": "长期持续整改", "progress_text": ""},
    ]
    return template_workbook(
        [TemplateSheet("整改台账", [c.header for c in columns], [[e[c.field] for c in columns] for e in examples],
                       title_row="2026年县委第一巡察组反馈问题整改台账（示例）",
                       widths={index: c.width for index, c in enumerate(columns, start=1)})],
        LEDGER_TEMPLATE_NOTES,
    )
