"""Every write of the assessment app: score a month, manual items, objections, lock, publish the 红黑榜,
and schemes. Atomic, each recording a domain event."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from tongban.assessment import sources
from tongban.assessment.choices import MANUAL, Group, ObjectionStatus, SheetStatus
from tongban.assessment.error_codes import error
from tongban.assessment.models import (
    AssessmentMonth,
    AssessmentSettings,
    BoardPublication,
    Objection,
    Indicator,
    Scheme,
    ScoreItem,
    ScoreSheet,
)
from tongban.assessment.rules import is_office, may_object
from tongban.history.services import record_event
from tongban.supervision.reports import Month

ZERO = Decimal("0")
CHIEF_POSITION = "首席代表"


def scheme_for(month: Month) -> Scheme:
    scheme = Scheme.objects.filter(valid_from__lte=month.first).order_by("-valid_from").first()
    if scheme is None:
        raise error("no_scheme", month=month.label)
    return scheme


def subjects(scheme: Scheme) -> dict[int, str]:
    """unit id → group, for every active unit of a kind the scheme assesses."""
    from tongban.org.models import Unit

    found = {}
    for group, kinds in scheme.subject_kinds.items():
        if group not in Group.values:
            continue
        for pk in Unit.objects.filter(is_active=True, kind__code__in=kinds).values_list("pk", flat=True):
            found.setdefault(pk, group)
    return found


@transaction.atomic
def score_month(month: Month, today: date, *, by=None) -> tuple[AssessmentMonth, bool]:
    """Score `month` for every assessed unit with the scheme in force that month, set-based: per automatic
    indicator ONE statement writes an item for every occurrence of its source, naming its record, with the
    points the cap leaves it (`INSERT … SELECT` for a `sources.Rows` source, one bulk insert for a source computed
    in Python, capped afterwards by the same rule); then the totals in one aggregate; then the objection window
    opens. Scored once: a second call returns the month unchanged (False)."""
    from tongban.workdays.services import add_workdays

    existing = AssessmentMonth.objects.filter(month=month.first).first()
    if existing is not None:
        return existing, False
    scheme = scheme_for(month)
    policy = AssessmentSettings.load()
    try:
        with transaction.atomic():  # a second scoring under way waits here on the month's unique key
            assessment = AssessmentMonth.objects.create(
                month=month.first, scheme=scheme, scored_on=today,
                objection_until=add_workdays(today, policy.objection_workdays).date)
    except IntegrityError:  # … and, the first committed, returns its month
        return AssessmentMonth.objects.get(month=month.first), False
    groups = subjects(scheme)
    sheets = ScoreSheet.objects.bulk_create([
        ScoreSheet(assessment=assessment, unit_id=unit_id, group=group, base_score=scheme.base_score,
                   total=scheme.base_score, grade=scheme.grade_of(scheme.base_score))
        for unit_id, group in groups.items()])
    sheet_of = {s.unit_id: s for s in sheets}
    count = 0
    computed: list[int] = []  # indicators whose source is computed in Python: capped after their bulk insert
    for indicator in scheme.indicators.exclude(source=MANUAL):
        if indicator.source not in sources.SOURCES:
            continue
        found = sources.SOURCES[indicator.source].collect(month.first, month.last)
        if isinstance(found, sources.Rows):
            count += _insert_items(found, indicator, [s for s in sheets
                                                      if not indicator.group or indicator.group == s.group])
            continue
        items = [ScoreItem(sheet=sheet_of[occ.unit_id], indicator=indicator, points=indicator.points,
                           counted=indicator.points, occurred_on=occ.occurred_on, label=occ.label[:200], url=occ.url,
                           record_key=indicator.source, record_id=occ.record_id)
                 for occ in found if occ.unit_id in sheet_of
                 and not (indicator.group and indicator.group != sheet_of[occ.unit_id].group)]
        ScoreItem.objects.bulk_create(items, batch_size=2000)
        count += len(items)
        computed.append(indicator.pk)
    if computed:
        _apply_caps(ScoreItem.objects.filter(sheet__assessment=assessment, indicator_id__in=computed))
    recompute(ScoreSheet.objects.filter(assessment=assessment))
    record_event(assessment, "assessment.month.scored",
                 f"按“{scheme.name}”评分：{len(sheets)} 个单位，{count} 项计分；申诉截止 {assessment.objection_until}",
                 by=by)
    return assessment, True


# The cap rule — the one definition, in SQL, used when the month's items are written and whenever a sheet's
# items change: within one sheet and indicator, in date order (then the record's id, then the item's), count
# points until the indicator's cap; the item that crosses it counts the remainder, later ones 0; a cancelled
# item (objection upheld) counts 0 and uses none of the cap. Over rows `r` with the columns sheet_id,
# indicator_id, occurred_on, record_id, item_id, points, cap, cancelled:
_USED = ("COALESCE(SUM(CASE WHEN r.cancelled THEN 0 ELSE ABS(r.points) END) OVER ("
         "PARTITION BY r.sheet_id, r.indicator_id ORDER BY r.occurred_on, r.record_id, r.item_id "
         "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)")
_LEFT = "(ABS(w.cap) - w.used)"
_COUNTED = (f"CASE WHEN w.cancelled THEN 0 WHEN w.cap IS NULL THEN w.points WHEN {_LEFT} <= 0 THEN 0 "
            f"WHEN {_LEFT} >= ABS(w.points) THEN w.points WHEN w.points >= 0 THEN {_LEFT} ELSE -{_LEFT} END")


def _capped(rows_sql: str) -> str:
    """`rows_sql`'s rows (columns as above) with `used` (the cap used by earlier items) and `counted`."""
    return f"SELECT w.*, {_COUNTED} AS counted FROM (SELECT r.*, {_USED} AS used FROM ({rows_sql}) r) w"


def _insert_items(rows: sources.Rows, indicator, sheets: list[ScoreSheet]) -> int:
    """ONE `INSERT … SELECT`: every occurrence of the source for one of `sheets`' units becomes an item of that
    unit's sheet, with its label, URL and record, counted by the cap rule. The sheets come in as a VALUES list
    (unit → sheet), not a join on the table just filled: PostgreSQL has no statistics for those rows yet, would
    take them for one, and then read the source's table once per unit."""
    from django.db import connection

    if not sheets:
        return 0
    qn = connection.ops.quote_name
    select, params = rows.query().query.sql_with_params()
    item, ind = qn(ScoreItem._meta.db_table), qn(Indicator._meta.db_table)
    units = ", ".join(f"({int(s.unit_id)}, {int(s.pk)})" for s in sheets)
    occurrences = (
        f"SELECT s.sheet_id AS sheet_id, i.id AS indicator_id, o.occ_on AS occurred_on, o.occ_record AS record_id, "
        f"NULL AS item_id, i.points AS points, i.cap AS cap, {_false()} AS cancelled, "
        f"SUBSTR(o.occ_label, 1, 200) AS label, o.occ_url AS url "
        f"FROM ({select}) o JOIN sheets s ON s.unit_id = o.occ_unit JOIN {ind} i ON i.id = %s")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (f"INSERT INTO {item} (created_at, updated_at, sheet_id, indicator_id, points, counted, cancelled, "
           f"occurred_on, label, url, record_key, record_id, note, evidence) "
           f"WITH sheets(unit_id, sheet_id) AS (VALUES {units}) "
           f"SELECT %s, %s, c.sheet_id, c.indicator_id, c.points, c.counted, c.cancelled, c.occurred_on, c.label, "
           f"c.url, %s, c.record_id, '', '' FROM ({_capped(occurrences)}) c")
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, now, indicator.source, *params, indicator.pk])
        return cursor.rowcount


def _false() -> str:
    from django.db import connection

    return "FALSE" if connection.vendor == "postgresql" else "0"


def _apply_caps(items) -> int:
    """The cap rule over `items` (a queryset: one sheet's, or the month's items of some indicators): one
    SELECT computes every item's counted points; the items whose points changed are written."""
    from django.db import connection

    rows = (items.order_by().annotate(item_id=F("pk"), cap=F("indicator__cap"), was=F("counted"))
            .values_list("sheet_id", "indicator_id", "occurred_on", "record_id", "item_id", "points", "cap", "cancelled",
                         "was"))
    select, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT c.item_id, c.counted FROM ({_capped(select)}) c WHERE c.counted <> c.was", params)
        changed = [ScoreItem(pk=pk, counted=Decimal(str(counted)).quantize(Decimal("0.01")))
                   for pk, counted in cursor.fetchall()]
    ScoreItem.objects.bulk_update(changed, ["counted"], batch_size=1000)
    return len(changed)


def _recap(sheet: ScoreSheet) -> None:
    _apply_caps(ScoreItem.objects.filter(sheet=sheet))


def recompute(sheets) -> int:
    """Totals from the items in one aggregate query per batch: base + bonus − deductions, at most the cap;
    the grade by the scheme's lines; a window's chief representative carries `chief_share` % of the deductions."""
    from tongban.org.models import Staff

    sheets = list(sheets.select_related("assessment__scheme"))
    if not sheets:
        return 0
    sums = {row["sheet_id"]: row for row in ScoreItem.objects.filter(sheet__in=[s.pk for s in sheets]).values("sheet_id")
            .annotate(minus=Sum("counted", filter=Q(counted__lt=0)), plus=Sum("counted", filter=Q(counted__gt=0)))}
    chiefs = dict(Staff.objects.filter(unit_id__in=[s.unit_id for s in sheets], is_active=True,
                                       position__contains=CHIEF_POSITION).values_list("unit_id", "name"))
    for sheet in sheets:
        scheme = sheet.assessment.scheme
        row = sums.get(sheet.pk, {})
        sheet.deductions = -(row.get("minus") or ZERO)
        sheet.bonus = row.get("plus") or ZERO
        sheet.total = min(scheme.cap_score, sheet.base_score + sheet.bonus - sheet.deductions)
        sheet.grade = scheme.grade_of(sheet.total)
        sheet.chief_name = chiefs.get(sheet.unit_id, "") if sheet.group == Group.WINDOW else ""
        sheet.chief_deduction = (sheet.deductions * scheme.chief_share / 100).quantize(Decimal("0.01")) \
            if sheet.chief_name else ZERO
    ScoreSheet.objects.bulk_update(sheets, ["deductions", "bonus", "total", "grade", "chief_name", "chief_deduction"],
                                   batch_size=1000)
    return len(sheets)


def _open(sheet: ScoreSheet) -> ScoreSheet:
    """The sheet as it is now (locked for this transaction); refused once its month is locked."""
    sheet = ScoreSheet.objects.select_for_update(of=("self",)).select_related("assessment__scheme").get(pk=sheet.pk)
    if sheet.status == SheetStatus.LOCKED or sheet.assessment.locked_at:
        raise error("month_locked", month=str(sheet.assessment))
    return sheet


@transaction.atomic
def add_manual_item(sheet: ScoreSheet, *, indicator, label: str, count: int = 1, note: str = "", evidence=None,
                    occurred_on: date | None = None, by) -> ScoreItem:
    """A manual indicator's points with their evidence (a file through the upload check, or a written note)."""
    if not is_office(by):
        raise error("not_office")
    sheet = _open(sheet)
    if not indicator.is_manual:
        raise error("manual_not_manual", indicator=indicator.name)
    label = (label or "").strip()
    if not label:
        raise error("manual_label_required")
    if not isinstance(count, int) or not 1 <= count <= 100:
        raise error("manual_count_invalid")
    if evidence is None and not (note or "").strip():
        raise error("manual_evidence_required")
    if evidence is not None:
        from tongban.core.uploads import check_upload, stored_name

        check_upload(evidence, (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx"))
        evidence.name = stored_name(evidence.name)
    points = indicator.points * count
    item = ScoreItem.objects.create(
        sheet=sheet, indicator=indicator, points=points, counted=points, label=label[:200], note=note.strip(),
        occurred_on=occurred_on, record_key=MANUAL, entered_by=by, evidence=evidence or "")
    item.url = f"{sheet.get_absolute_url()}#item-{item.pk}"
    item.record_id = str(item.pk)
    item.save(update_fields=["url", "record_id"])
    _recap(sheet)
    recompute(ScoreSheet.objects.filter(pk=sheet.pk))
    record_event(sheet, "assessment.item.manual", f"人工计分：{indicator.name} {points} 分（{label}）", by=by)
    return item


@transaction.atomic
def file_objection(item: ScoreItem, *, reason: str, by, today: date) -> Objection:
    sheet = _open(item.sheet)
    if today > sheet.assessment.objection_until:
        raise error("objection_closed", until=sheet.assessment.objection_until)
    if not may_object(by, sheet):
        raise error("objection_not_yours")
    reason = (reason or "").strip()
    if not reason:
        raise error("objection_reason_required")
    if item.objections.filter(status=ObjectionStatus.PENDING).exists():
        raise error("objection_exists")
    objection = Objection.objects.create(item=item, reason=reason, filed_by=by)
    record_event(sheet, "assessment.objection.filed", f"对“{item.label}”申诉：{reason}", by=by)
    return objection


@transaction.atomic
def decide_objection(objection: Objection, *, upheld: bool, decision: str, by) -> Objection:
    """The office decides; upheld, the item is cancelled (kept, counted 0) and the sheet recomputed."""
    if not is_office(by):
        raise error("not_office")
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.PENDING:
        raise error("objection_decided")
    sheet = _open(objection.item.sheet)
    decision = (decision or "").strip()
    if not decision:
        raise error("decision_required")
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED
    objection.decision, objection.decided_by, objection.decided_at = decision, by, timezone.now()
    objection.save()
    if upheld:
        item = objection.item
        item.cancelled, item.counted = True, ZERO
        item.save(update_fields=["cancelled", "counted", "updated_at"])
        _recap(sheet)
        recompute(ScoreSheet.objects.filter(pk=sheet.pk))
    record_event(sheet, "assessment.objection.decided",
                 f"申诉{objection.get_status_display()}：{objection.item.label}。{decision}", by=by)
    return objection


@transaction.atomic
def lock_month(assessment: AssessmentMonth, *, by) -> AssessmentMonth:
    """Lock the month: the month's row and then its sheets are locked for this transaction first, so a second
    lock waits and then finds the month locked, and a change to a sheet under way (an objection filed, a
    manual item) finishes before the pending objections are counted — or waits and is then refused."""
    if by is not None and not is_office(by):
        raise error("not_office")
    assessment.locked_at = AssessmentMonth.objects.select_for_update().get(pk=assessment.pk).locked_at
    if assessment.locked_at:
        return assessment
    sheets = list(ScoreSheet.objects.select_for_update().filter(assessment=assessment).order_by("pk"))
    pending = Objection.objects.filter(item__sheet__assessment=assessment, status=ObjectionStatus.PENDING).count()
    if pending:
        raise error("pending_objections", count=pending)
    assessment.locked_at = timezone.now()
    assessment.save(update_fields=["locked_at", "updated_at"])
    for sheet in sheets:  # one save each (tens of units), so each sheet's history shows 申诉期 → 已锁定
        sheet.status = SheetStatus.LOCKED
        sheet.save(update_fields=["status", "updated_at"])
    record_event(assessment, "assessment.month.locked", "考核结果已锁定", by=by)
    return assessment


@transaction.atomic
def publish_board(assessment: AssessmentMonth, *, by) -> tuple[BoardPublication, bool]:
    if by is not None and not is_office(by):
        raise error("not_office")
    if not assessment.locked_at:
        raise error("not_locked")
    board, created = BoardPublication.objects.get_or_create(assessment=assessment, defaults={"published_by": by})
    if created:
        record_event(assessment, "assessment.board.published", "红黑榜已发布（门户与工作通报）", by=by)
    return board, created


def lock_due(today: date) -> int:
    """The daily job's part: lock every month whose objection window has passed and has no pending objection."""
    done = 0
    for assessment in AssessmentMonth.objects.filter(locked_at__isnull=True, objection_until__lt=today):
        if not Objection.objects.filter(item__sheet__assessment=assessment, status=ObjectionStatus.PENDING).exists():
            lock_month(assessment, by=None)
            done += 1
    return done
