"""Every write of the assessment app: score a month, manual items, objections, lock, publish the 红黑榜,
and schemes. Atomic, each recording a domain event."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
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
    indicator, the cap rule runs once over every occurrence of its source (one statement), and an item naming its
    record is written for each occurrence that carries points, plus one line per sheet for the occurrences beyond
    the indicator's cap (`_write_occurrences`); then the totals in one aggregate; then the objection window
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
    count = over = 0
    lines: list[ScoreItem] = []
    with sources.one_scoring():  # what several sources compute alike, once (staffing's month of punches)
        for indicator in scheme.indicators.exclude(source=MANUAL):
            if indicator.source not in sources.SOURCES:
                continue
            found = sources.SOURCES[indicator.source].collect(month.first, month.last)
            written, beyond = _write_occurrences(found, indicator, [s for s in sheets
                                                                    if not indicator.group or indicator.group == s.group],
                                                 lines)
            count, over = count + written, over + beyond
    ScoreItem.objects.bulk_create(lines)  # every indicator's over-cap lines, one insert
    recompute(ScoreSheet.objects.filter(assessment=assessment))
    record_event(assessment, "assessment.month.scored",
                 f"按“{scheme.name}”评分：{len(sheets)} 个单位，{count} 项计分"
                 + (f"（另有 {over} 次超过本项上限，不计分，每单位每项合为一行）" if over else "")
                 + f"；申诉截止 {assessment.objection_until}",
                 by=by)
    return assessment, True


# The cap rule — the one definition, in SQL, used when the month's items are written and whenever a sheet's
# items change: within one sheet and indicator, in date order (then the record's id, then the item's), count
# points until the indicator's cap; the item that crosses it counts the remainder, later ones 0; a cancelled
# item (objection upheld) counts 0 and uses none of the cap. Over rows `r` with the columns sheet_id,
# indicator_id, occurred_on, record_id, item_id, points, cap, cancelled:
_USED = ("COALESCE(SUM(CASE WHEN r.cancelled THEN 0 ELSE ABS(r.points) END) OVER ("
         "PARTITION BY r.sheet_id, r.indicator_id ORDER BY r.occurred_on, r.record_id{collate}, r.item_id "
         "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)")
_LEFT = "(ABS(w.cap) - w.used)"
_COUNTED = (f"CASE WHEN w.cancelled THEN 0 WHEN w.cap IS NULL THEN w.points WHEN {_LEFT} <= 0 THEN 0 "
            f"WHEN {_LEFT} >= ABS(w.points) THEN w.points WHEN w.points >= 0 THEN {_LEFT} ELSE -{_LEFT} END")


def _capped(rows_sql: str) -> str:
    """`rows_sql`'s rows (columns as above) with `used` (the cap used by earlier items) and `counted`."""
    from django.db import connection

    # record ids compared byte by byte (SQLite's default; on PostgreSQL the "C" collation also sorts fastest)
    used = _USED.format(collate=' COLLATE "C"' if connection.vendor == "postgresql" else "")
    return f"SELECT w.*, {_COUNTED} AS counted FROM (SELECT r.*, {used} AS used FROM ({rows_sql}) r) w"


# An occurrence beyond its indicator's cap carries no point; it is not written as an item of its own. Each sheet
# gets one line per indicator for them (an over-cap line: no record id, counted 0, points = n × the indicator's
# points), so the sheet still says how many there were; an upheld objection that frees room under the cap reads the
# source again and the next occurrences count (`_rescore`).
OVER_CAP_LABEL = "另有 {n} 次超过本项上限，不计分（{first} 至 {last}）"


@dataclass(frozen=True)
class _Kept:
    """An occurrence within the cap: `key` is the source row's pk (a `Rows` source) or its index (in Python)."""
    key: int
    sheet_id: int
    record_id: str
    counted: Decimal


def _write_occurrences(found, indicator, sheets: list[ScoreSheet], lines: list[ScoreItem]) -> tuple[int, int]:
    """Write the month's items of one automatic indicator for `sheets`: (items, occurrences beyond the cap). A
    `Rows` source without a cap: every occurrence counts, ONE `INSERT … SELECT` (`_insert_items`). Otherwise
    the cap rule runs once over all the occurrences, reading only what it orders by (`_cap_rule`), then the
    occurrences that carry points are written with their labels (`_insert_kept`); the over-cap line of each
    sheet that had more is added to `lines` (the caller writes every indicator's in one insert)."""
    if not sheets:
        return 0, 0
    if isinstance(found, sources.Rows) and indicator.cap is None:
        return _insert_items(found, indicator, sheets), 0
    if not isinstance(found, sources.Rows):
        found = list(found)
        if not found:  # nothing to count: no statement
            return 0, 0
    kept, over = _cap_rule(found, indicator, sheets)
    written = _insert_kept(found, indicator, kept)
    lines.extend(_over_cap_line(indicator, sheet_id, *beyond) for sheet_id, beyond in over.items())
    return written + len(over), sum(n for n, _, _ in over.values())


def _occurrence_sql(found, unit_id: int | None) -> tuple[str, list]:
    """The occurrences as SQL with the columns occ_pk, occ_unit, occ_on, occ_record: a `Rows` source's narrow
    query, or a VALUES list of a Python source's occurrences (occ_pk = the index in the list)."""
    from django.db import connection

    if isinstance(found, sources.Rows):
        query = found.narrow()
        if unit_id is not None:
            query = query.filter(occ_unit=unit_id)
        sql, params = query.query.sql_with_params()
        return sql, list(params)
    rows, params = [], []
    for key, occ in enumerate(found):
        if unit_id is None or occ.unit_id == unit_id:
            rows.append(f"({key}, {int(occ.unit_id)}, %s, %s)")
            params += [connection.ops.adapt_datefield_value(occ.occurred_on), str(occ.record_id)]
    if not rows:
        return "SELECT 0 AS occ_pk, 0 AS occ_unit, NULL AS occ_on, '' AS occ_record WHERE 1 = 0", []
    return (f"SELECT v.column1 AS occ_pk, v.column2 AS occ_unit, v.column3 AS occ_on, v.column4 AS occ_record "
            f"FROM (VALUES {', '.join(rows)}) v", params)


def _cap_rule(found, indicator, sheets: list[ScoreSheet], *, excluded: list[str] = (),
              unit_id: int | None = None) -> tuple[list[_Kept], dict[int, tuple[int, date, date]]]:
    """ONE statement: the cap rule (`_capped`) over every occurrence of `found` for `sheets`' units (all of them,
    or `unit_id`'s), leaving out the records in `excluded` (items cancelled by an upheld objection use none of
    the cap). Answers the occurrences within the cap with their counted points, and per sheet the number of
    occurrences beyond it with their first and last day. The sheets come in as a VALUES list (unit → sheet), not
    a join on the table just filled: PostgreSQL has no statistics for those rows yet, would take them for one,
    and then read the source's table once per unit."""
    from django.db import connection

    occ_sql, params = _occurrence_sql(found, unit_id)
    units = ", ".join(f"({int(s.unit_id)}, {int(s.pk)})" for s in sheets)
    skip = f"WHERE q.occ_record NOT IN ({', '.join(['%s'] * len(excluded))})" if excluded else ""
    # The indicator's points and cap as literals (numbers from the scheme's row), so the rows stay narrow.
    points = f"CAST({Decimal(indicator.points)} AS NUMERIC)"
    cap = "CAST(NULL AS NUMERIC)" if indicator.cap is None else f"CAST({Decimal(indicator.cap)} AS NUMERIC)"
    # Every occurrence of one indicator carries the same points, so the cap is used up by the days before a day
    # (`before` occurrences × points): only the days where it was not yet used up can hold an occurrence within
    # it. Those days' occurrences — a prefix of the order, so each one's `used` is the same as over all of them —
    # go through the cap rule's window; the others are only counted per day (`d`), as the reference counts them,
    # instead of being sorted.
    candidates = (
        f"SELECT o.sheet_id AS sheet_id, {int(indicator.pk)} AS indicator_id, o.occurred_on AS occurred_on, "
        f"o.record_id AS record_id, 0 AS item_id, {points} AS points, {cap} AS cap, {_false()} AS cancelled, "
        f"o.occ_pk AS occ_pk FROM o WHERE (o.sheet_id, o.occurred_on) IN (SELECT b.sheet_id, b.occurred_on FROM b "
        f"WHERE b.before = 0 OR {cap} IS NULL OR b.before * ABS({points}) < ABS({cap}))")
    within = "(c.cap IS NULL OR c.used < ABS(c.cap) OR c.used = 0)"
    sql = (f"WITH sheets(unit_id, sheet_id) AS (VALUES {units}), "
           f"o AS MATERIALIZED (SELECT s.sheet_id AS sheet_id, q.occ_on AS occurred_on, q.occ_record AS record_id, "
           f"q.occ_pk AS occ_pk FROM ({occ_sql}) q JOIN sheets s ON s.unit_id = q.occ_unit {skip}), "
           f"d AS (SELECT sheet_id, occurred_on, COUNT(*) AS n FROM o GROUP BY sheet_id, occurred_on), "
           f"b AS (SELECT sheet_id, occurred_on, n, COALESCE(SUM(n) OVER (PARTITION BY sheet_id ORDER BY occurred_on "
           f"ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before FROM d) "
           f"SELECT NULL, b.sheet_id, NULL, NULL, b.n, b.occurred_on FROM b "
           f"UNION ALL SELECT c.occ_pk, c.sheet_id, c.record_id, c.counted, 0, c.occurred_on "
           f"FROM ({_capped(candidates)}) c WHERE {within}")
    kept, days = [], defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *excluded])
        for key, sheet_id, record, counted, n, day in cursor.fetchall():
            day = _as_date(day)
            if key is None:
                days[sheet_id][day] = days[sheet_id].get(day, 0) + int(n)
            else:
                kept.append(_Kept(int(key), sheet_id, str(record), Decimal(str(counted)).quantize(Decimal("0.01"))))
                days[sheet_id][day] = days[sheet_id].get(day, 0) - 1
    over = {}
    for sheet_id, left in days.items():  # per day: occurrences minus those within the cap
        beyond = sorted(day for day, n in left.items() if n > 0)
        if beyond:
            over[sheet_id] = (sum(left[day] for day in beyond), beyond[0], beyond[-1])
    return kept, over


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _insert_kept(found, indicator, kept: list[_Kept]) -> int:
    """Write the items of the occurrences in `kept`, with their record's label and URL: for a `Rows` source one
    `INSERT … SELECT` of its full query (label, URL) for those rows only, by pk (so a label's tables — a case's
    number and title — are read for these rows, not for the month's every occurrence); in Python, a bulk insert."""
    from django.db import connection

    if not kept:
        return 0
    if not isinstance(found, sources.Rows):
        ScoreItem.objects.bulk_create([
            ScoreItem(sheet_id=k.sheet_id, indicator=indicator, points=indicator.points, counted=k.counted,
                      occurred_on=found[k.key].occurred_on, label=found[k.key].label[:200], url=found[k.key].url,
                      record_key=indicator.source, record_id=k.record_id) for k in kept], batch_size=2000)
        return len(kept)
    qn = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    written = 0
    for start in range(0, len(kept), 500):
        chunk = kept[start:start + 500]
        rows = replace(found, queryset=found.queryset.filter(pk__in=[k.key for k in chunk]))
        select, params = rows.query(with_pk=True).query.sql_with_params()
        values = ", ".join(f"({k.key}, {int(k.sheet_id)}, {k.counted})" for k in chunk)
        sql = (f"INSERT INTO {qn(ScoreItem._meta.db_table)} (created_at, updated_at, sheet_id, indicator_id, points, "
               f"counted, cancelled, occurred_on, label, url, record_key, record_id, note, evidence) "
               f"WITH kept(pk, sheet_id, counted) AS (VALUES {values}) "
               f"SELECT %s, %s, k.sheet_id, %s, %s, k.counted, {_false()}, o.occ_on, SUBSTR(o.occ_label, 1, 200), "
               f"o.occ_url, %s, o.occ_record, '', '' FROM ({select}) o JOIN kept k ON k.pk = o.occ_pk")
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, now, indicator.pk, indicator.points, indicator.source, *params])
            written += cursor.rowcount
    return written


def _over_cap_line(indicator, sheet_id: int, n: int, first: date, last: date, line: ScoreItem | None = None) -> ScoreItem:
    line = line or ScoreItem(sheet_id=sheet_id, indicator=indicator, counted=ZERO, record_key=indicator.source,
                             record_id="", url="")
    line.points, line.occurred_on = indicator.points * n, first
    line.label = OVER_CAP_LABEL.format(n=n, first=f"{first.month}月{first.day}日", last=f"{last.month}月{last.day}日")
    return line


def _rescore(sheet: ScoreSheet, indicator) -> None:
    """After an upheld objection on an automatic item: if the sheet has occurrences of that indicator beyond the
    cap, the room the cancelled item freed goes to the next ones — the source is read again for the sheet's unit
    (cancelled records left out), the cap rule run, the occurrences that now count written, the items whose
    counted points changed saved, and the over-cap line rewritten (or deleted)."""
    line = sheet.items.filter(indicator=indicator, record_id="").exclude(record_key=MANUAL).first()
    if line is None or indicator.source not in sources.SOURCES:
        return  # nothing was left out beyond the cap
    month = Month.of(sheet.assessment.month)
    found = sources.SOURCES[indicator.source].collect(month.first, month.last)
    if not isinstance(found, sources.Rows):
        found = list(found)
    items = {i.record_id: i for i in sheet.items.filter(indicator=indicator).exclude(record_id="")}
    kept, over = _cap_rule(found, indicator, [sheet], unit_id=sheet.unit_id,
                           excluded=[key for key, item in items.items() if item.cancelled])
    for k in kept:
        item = items.get(k.record_id)
        if item is not None and item.counted != k.counted:
            item.counted = k.counted
            item.save(update_fields=["counted", "updated_at"])
    _insert_kept(found, indicator, [k for k in kept if k.record_id not in items])
    if sheet.pk in over:
        _over_cap_line(indicator, sheet.pk, *over[sheet.pk], line=line).save()
    else:
        line.delete()


def _insert_items(rows: sources.Rows, indicator, sheets: list[ScoreSheet]) -> int:
    """ONE `INSERT … SELECT` for an indicator without a cap: every occurrence of the source for one of `sheets`'
    units becomes an item of that unit's sheet, with its label, URL and record (the sheets as a VALUES list, as in
    `_cap_rule`)."""
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
    """The cap rule over `items` (a queryset: one sheet's): one SELECT computes every item's counted points
    (over-cap lines left out: they stand for occurrences that count nothing); the items whose points changed are
    written."""
    from django.db import connection

    rows = (items.exclude(record_id="").order_by().annotate(item_id=F("pk"), cap=F("indicator__cap"), was=F("counted"))
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
    _update_totals(sheets)
    return len(sheets)


def _update_totals(sheets: list[ScoreSheet]) -> None:
    """One `UPDATE … FROM` a VALUES list of the sheets' totals (what `bulk_update` writes, without building a
    CASE expression per field and sheet in Python — a tenth of a second of a month's scoring)."""
    from django.db import connection

    qn = connection.ops.quote_name
    fields = ["deductions", "bonus", "total", "grade", "chief_name", "chief_deduction"]
    now = timezone.now()
    for start in range(0, len(sheets), 500):
        chunk = sheets[start:start + 500]
        rows = ", ".join(f"({int(s.pk)}, %s, %s, %s, %s, %s, %s)" for s in chunk)
        params = [value for s in chunk for value in (
            s.deductions, s.bonus, s.total, s.grade, s.chief_name, s.chief_deduction)]
        table = qn(ScoreSheet._meta.db_table)
        sets = ", ".join(f"{qn(f)} = v.{qn(f)}" for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(f"WITH v(id, {', '.join(qn(f) for f in fields)}) AS (VALUES {rows}) "
                           f"UPDATE {table} SET {sets}, {qn('updated_at')} = %s FROM v WHERE {table}.id = v.id",
                           [*params, connection.ops.adapt_datetimefield_value(now)])
        for sheet in chunk:
            sheet.updated_at = now


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
    if item.is_over_cap_line:
        raise error("objection_over_cap_line")
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
        if not item.indicator.is_manual:
            _rescore(sheet, item.indicator)
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
