"""Signs of 表面整改、敷衍整改、虚假整改 (seed 003 §三3; seed 000 §三(三)): measures whose evidence or history
does not add up, so that 回头看 and 问责 go where they are needed (issue 16).

A signal is a prompt to look, never a verdict: each is computed from the records, explained in one
sentence that says what was found and asks someone to check, and decided on by a person (`decide`).

    scan()            fingerprint new files (batched), compute every kind, upsert by (kind, measure, key)
    scan(measure_ids) the same, recording only what touches those measures (after a change, on commit)

The record-based kinds are SQL (one query each, set-based); the two file comparisons load the stored
fingerprints once: photos as 64-bit integers compared all-against-all with numpy (XOR + popcount, in
blocks), documents through MinHash buckets and then rapidfuzz on the candidate pairs only. The
thresholds are `SignalSettings` (database-editable, each with its source).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Length, TruncDate
from django.utils import timezone

from tongban.jobs.queue import enqueue_on_commit
from tongban.rectification.choices import MeasureStatus, SignalKind, SignalStatus
from tongban.rectification.fingerprints import IMAGE_TYPES, TEXT_TYPES, fingerprint_pending
from tongban.rectification.models import Evidence, Measure, Revisit, Signal, SignalSettings, cn_date

# A result that names something one can check: a document issued, a rule made, a number reached.
MEASURABLE_RESULT = r"(印发|出台|制定|修订|建立|下发|发文|文件|制度|办法|方案|细则|台账|[0-9０-９]+ *(%|％|项|个|人|次|家|件|条|份|天|小时|户))"
SIMILAR_OTHERS = 5  # other measures named on one signal (the rest are counted)
# Documents become candidates when, in one of MINHASH_BANDS bands, all MINHASH_ROWS min-hashes of their
# character 3-grams agree: 3-gram sets 70 % alike (a text copied with a few changes) meet in ≥ 99 % of
# cases, 20 % alike (two notices in one house style) in under 10 %; the ratio then decides.
MINHASH_BANDS, MINHASH_ROWS = 12, 3
MINHASH_BUCKET_LIMIT = 500  # a bucket larger than this is boilerplate shared by everyone, not a copy
PHOTO_BLOCK = 256


@dataclass
class Found:
    kind: str
    measure_id: int
    sentence: str
    key: str = ""
    other_measure_id: int | None = None
    details: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# Scanning


def scan(measure_ids: Iterable[int] | None = None, *, progress=None) -> dict:
    """Compute every signal and record it: new ones created, found ones refreshed, ones no longer found
    marked `active=False` (kept with their decision). Idempotent: a second scan changes nothing.
    With `measure_ids`, only signals on (or pointing at) those measures are recorded or cleared."""
    fingerprinted = fingerprint_pending(progress=progress)
    policy = SignalSettings.load()
    found = compute(policy)
    wanted = set(measure_ids) if measure_ids is not None else None
    if wanted is not None:
        found = [f for f in found if f.measure_id in wanted or f.other_measure_id in wanted]
    result = record(found, wanted)
    result["fingerprinted"] = fingerprinted
    return result


def compute(policy: SignalSettings) -> list[Found]:
    found: list[Found] = []
    for kind_func in (same_files, similar_photos, similar_texts, evidence_after_signoff, evidence_predates_measure,
                      done_overnight, bulk, signed_off_by_import_without_evidence, thin_evidence,
                      reopened_with_same_evidence):
        found.extend(kind_func(policy))
    return found


@transaction.atomic
def record(found: list[Found], measure_ids: set[int] | None) -> dict:
    now = timezone.now()
    existing_qs = Signal.objects.all()
    if measure_ids is not None:
        existing_qs = existing_qs.filter(Q(measure_id__in=measure_ids) | Q(other_measure_id__in=measure_ids))
    existing = {(s.kind, s.measure_id, s.key): s for s in existing_qs.select_for_update()}
    unique: dict[tuple, Found] = {}
    for f in found:
        unique.setdefault((f.kind, f.measure_id, f.key), f)
    new, changed = [], []
    for key, f in unique.items():
        signal = existing.get(key)
        if signal is None:
            new.append(Signal(kind=f.kind, measure_id=f.measure_id, other_measure_id=f.other_measure_id, key=f.key,
                              sentence=f.sentence, details=f.details, last_seen_at=now))
            continue
        if (not signal.active or signal.sentence != f.sentence or signal.details != f.details
                or signal.other_measure_id != f.other_measure_id):
            signal.active, signal.sentence, signal.details = True, f.sentence, f.details
            signal.other_measure_id, signal.last_seen_at = f.other_measure_id, now
            changed.append(signal)
    gone = [s.pk for key, s in existing.items() if key not in unique and s.active]
    Signal.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    Signal.objects.bulk_update(changed, ["active", "sentence", "details", "other_measure", "last_seen_at"],
                               batch_size=500)
    Signal.objects.filter(pk__in=gone).update(active=False)
    return {"found": len(unique), "created": len(new), "updated": len(changed), "cleared": len(gone)}


# --------------------------------------------------------------------------------------------------
# The same evidence used for different measures


def _measure_names(ids: Iterable[int]) -> dict[int, str]:
    return {pk: text[:30] for pk, text in Measure.objects.filter(pk__in=set(ids)).values_list("pk", "text")}


def _evidence_rows(queryset) -> list[dict]:
    return list(queryset.values("pk", "sha256", "phash", "text", "original_name", "extension", "created_at",
                                measure_id=F("update__measure_id")))


def _pair_signals(kind: str, pairs: dict[tuple[int, int], dict], sentence) -> list[Found]:
    """`pairs[(measure, other)]` = what links them; one signal per (measure, other measure) pair, both ways."""
    names = _measure_names({m for pair in pairs for m in pair})
    found = []
    for (measure_id, other_id), details in pairs.items():
        details = {**details, "other_measure": other_id, "other_text": names.get(other_id, "")}
        found.append(Found(kind, measure_id, sentence(details), key=f"m{other_id}", other_measure_id=other_id,
                           details=details))
    return found


def _evidence_detail(row: dict) -> dict:
    return {"id": row["pk"], "name": row["original_name"], "uploaded": timezone.localtime(row["created_at"]).isoformat(),
            "image": row["extension"] in IMAGE_TYPES}


def same_files(policy: SignalSettings) -> list[Found]:
    """Byte-identical files (SHA-256 stored at upload) on different measures."""
    shared = (Evidence.objects.exclude(sha256="").values("sha256")
              .annotate(measures=Count("update__measure", distinct=True)).filter(measures__gt=1).values("sha256"))
    by_hash: dict[str, list[dict]] = defaultdict(list)
    for row in _evidence_rows(Evidence.objects.filter(sha256__in=shared).order_by("pk")):
        by_hash[row["sha256"]].append(row)
    pairs: dict[tuple[int, int], dict] = {}
    for rows in by_hash.values():
        first_per_measure = {}
        for row in rows:
            first_per_measure.setdefault(row["measure_id"], row)
        for a in first_per_measure.values():
            others = [b for b in first_per_measure.values() if b["measure_id"] != a["measure_id"]][:SIMILAR_OTHERS]
            for b in others:
                pairs.setdefault((a["measure_id"], b["measure_id"]),
                                 {"evidence": _evidence_detail(a), "other_evidence": _evidence_detail(b),
                                  "sha256": a["sha256"]})
    return _pair_signals(
        SignalKind.SAME_FILE, pairs,
        lambda d: f"佐证材料“{d['evidence']['name']}”与措施“{d['other_text']}”的“{d['other_evidence']['name']}”是同一个文件，"
                  f"请核对同一份材料能否同时证明两项措施。")


def _photo_pairs(rows: list[dict], limit: int):
    """(i, j, distance) for the rows whose 64-bit pHashes differ in at most `limit` bits: all against all,
    XOR and popcount in blocks of PHOTO_BLOCK rows (exact; 25,000 photos are 3·10⁸ comparisons, seconds)."""
    import numpy as np

    if len(rows) < 2:
        return
    hashes = np.array([int(r["phash"], 16) for r in rows], dtype=np.uint64)
    for start in range(0, len(hashes), PHOTO_BLOCK):
        block = hashes[start:start + PHOTO_BLOCK]
        distances = np.bitwise_count(block[:, None] ^ hashes[None, start:])
        for i, j in zip(*np.nonzero(distances <= limit)):
            a, b = start + int(i), start + int(j)
            if a < b:
                yield a, b, int(distances[i, j])


def similar_photos(policy: SignalSettings) -> list[Found]:
    """The same picture resized, recompressed or lightly cropped on different measures (pHash distance ≤
    the setting); byte-identical copies are `same_file`'s."""
    rows = _evidence_rows(Evidence.objects.filter(extension__in=IMAGE_TYPES).exclude(phash="").order_by("pk"))
    pairs: dict[tuple[int, int], dict] = {}
    for a, b, distance in _photo_pairs(rows, policy.photo_distance):
        ra, rb = rows[a], rows[b]
        if ra["measure_id"] == rb["measure_id"] or ra["sha256"] == rb["sha256"]:
            continue
        for x, y in ((ra, rb), (rb, ra)):
            key = (x["measure_id"], y["measure_id"])
            if key not in pairs or pairs[key]["distance"] > distance:
                pairs[key] = {"evidence": _evidence_detail(x), "other_evidence": _evidence_detail(y),
                              "distance": distance}
    return _pair_signals(
        SignalKind.SIMILAR_PHOTO, pairs,
        lambda d: f"照片“{d['evidence']['name']}”与措施“{d['other_text']}”的照片“{d['other_evidence']['name']}”看起来是同一张"
                  f"（感知哈希相差 {d['distance']} 位，可能经过缩放、压缩或裁剪），请核对是否为同一现场。")


def _minhashes(text: str) -> list[int]:
    """MINHASH_BANDS min-hashes of the text's character 3-grams (numpy over the grams; Python's string hash
    is salted per process, which is fine: the buckets live for one scan)."""
    import numpy as np

    grams = np.fromiter({hash(text[i:i + 3]) for i in range(len(text) - 2)}, dtype=np.int64).view(np.uint64)
    mixed = (grams[None, :] * _MULTIPLIERS[:, None] + _OFFSETS[:, None]) >> np.uint64(32)
    rows = mixed.min(axis=1).tolist()
    return [hash(tuple(rows[band * MINHASH_ROWS:(band + 1) * MINHASH_ROWS])) for band in range(MINHASH_BANDS)]


def _salts():
    import numpy as np

    rng = np.random.default_rng(16)
    size = MINHASH_BANDS * MINHASH_ROWS
    return (rng.integers(1, 2**63, size, dtype=np.uint64) | np.uint64(1), rng.integers(0, 2**63, size, dtype=np.uint64))


_MULTIPLIERS, _OFFSETS = _salts()


def similar_texts(policy: SignalSettings) -> list[Found]:
    """Documents whose extracted text is nearly the same (rapidfuzz ratio ≥ the setting) on different measures.
    Candidates first (documents agreeing on a band of min-hashes of their character 3-grams, see MINHASH_BANDS),
    then the ratio for those pairs only."""
    from rapidfuzz import fuzz

    rows = [r for r in _evidence_rows(Evidence.objects.filter(extension__in=TEXT_TYPES).order_by("pk"))
            if len(r["text"]) >= policy.text_min_chars]
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        for band, value in enumerate(_minhashes(row["text"])):
            buckets[(band, value)].append(index)
    seen: set[tuple[int, int]] = set()
    pairs: dict[tuple[int, int], dict] = {}
    for members in buckets.values():
        if len(members) < 2 or len(members) > MINHASH_BUCKET_LIMIT:
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                ra, rb = rows[a], rows[b]
                if (a, b) in seen or ra["measure_id"] == rb["measure_id"] or ra["sha256"] == rb["sha256"]:
                    continue
                seen.add((a, b))
                score = fuzz.ratio(ra["text"], rb["text"], score_cutoff=policy.text_similarity)
                if not score:
                    continue
                for p, q in ((ra, rb), (rb, ra)):
                    key = (p["measure_id"], q["measure_id"])
                    if key not in pairs or pairs[key]["similarity"] < round(score):
                        pairs[key] = {"evidence": _evidence_detail(p), "other_evidence": _evidence_detail(q),
                                      "similarity": round(score)}
    return _pair_signals(
        SignalKind.SIMILAR_TEXT, pairs,
        lambda d: f"文件“{d['evidence']['name']}”与措施“{d['other_text']}”的“{d['other_evidence']['name']}”文字相似度 "
                  f"{d['similarity']}%，请核对是否只改了个别字句。")


# --------------------------------------------------------------------------------------------------
# Dates that do not fit


def evidence_after_signoff(policy: SignalSettings) -> list[Found]:
    rows = (Evidence.objects.filter(update__measure__status=MeasureStatus.VERIFIED,
                                    update__measure__verified_at__isnull=False,
                                    created_at__gt=F("update__measure__verified_at"))
            .values("update__measure_id").annotate(n=Count("pk"), first=Min("created_at"), first_id=Min("pk"),
                                                   verified=Max("update__measure__verified_at")))
    found = []
    for row in rows:
        details = {"count": row["n"], "first_uploaded": timezone.localtime(row["first"]).isoformat(),
                   "verified_at": timezone.localtime(row["verified"]).isoformat(), "evidence_id": row["first_id"]}
        found.append(Found(
            SignalKind.AFTER_SIGNOFF, row["update__measure_id"],
            f"措施于 {timezone.localtime(row['verified']):%Y-%m-%d %H:%M} 销号，此后又上传了 {row['n']} 份佐证材料"
            f"（最早 {timezone.localtime(row['first']):%Y-%m-%d %H:%M}），请核对销号时依据的材料是否齐全。",
            details=details))
    return found


def evidence_predates_measure(policy: SignalSettings) -> list[Found]:
    """The file says it was made (photo taken, document created) well before the measure existed."""
    rows = (Evidence.objects.filter(made_on__isnull=False)
            .annotate(measure_day=TruncDate("update__measure__created_at"))
            .filter(made_on__lt=ExpressionWrapper(F("measure_day") - timedelta(days=policy.predates_days),
                                                  output_field=DateField()))
            .values("update__measure_id").annotate(n=Count("pk"), earliest=Min("made_on"), first_id=Min("pk"),
                                                   created=Min("measure_day")))
    found = []
    for row in rows:
        found.append(Found(
            SignalKind.PREDATES_MEASURE, row["update__measure_id"],
            f"有 {row['n']} 份佐证材料自带的日期（拍摄或形成日期，最早 {cn_date(row['earliest'])}）早于措施建立"
            f"（{cn_date(row['created'])}）{policy.predates_days} 天以上，请核对材料是否反映本次整改。",
            details={"count": row["n"], "earliest": row["earliest"].isoformat(), "created": row["created"].isoformat(),
                     "evidence_id": row["first_id"]}))
    return found


def _since_rework_q(prefix: str = "updates__evidence__") -> Q:
    return Q(rework_since__isnull=True) | Q(**{f"{prefix}created_at__gt": F("rework_since")})


def done_overnight(policy: SignalSettings) -> list[Found]:
    """Long overdue, then the first evidence, 申请销号 and 销号 all within hours."""
    window = timedelta(hours=policy.overnight_hours)
    rows = (Measure.objects.filter(status=MeasureStatus.VERIFIED, verified_at__isnull=False, due_date__isnull=False)
            .exclude(import_verified_at=F("verified_at"))
            .annotate(first=Min("updates__evidence__created_at", filter=_since_rework_q()))
            .annotate(first_day=TruncDate("first"),
                      late_from=ExpressionWrapper(F("due_date") + timedelta(days=policy.overnight_overdue_days),
                                                  output_field=DateField()),
                      span=ExpressionWrapper(F("verified_at") - F("first"), output_field=DurationField()))
            .filter(first__isnull=False, first_day__gte=F("late_from"), span__lte=window)
            .values("pk", "due_date", "first", "submitted_at", "verified_at"))
    found = []
    for row in rows:
        first = timezone.localtime(row["first"])
        late_days = (first.date() - row["due_date"]).days
        hours = (row["verified_at"] - row["first"]).total_seconds() / 3600
        found.append(Found(
            SignalKind.OVERNIGHT, row["pk"],
            f"措施应于 {cn_date(row['due_date'])} 完成，逾期 {late_days} 天后，首份佐证材料、申请销号和销号在"
            f"{'不到 1 小时' if hours < 1 else f' {hours:.0f} 小时'}内完成，请核对整改是否真正落实。",
            details={"due_date": row["due_date"].isoformat(), "late_days": late_days, "hours": round(hours, 1),
                     "first_evidence": first.isoformat(),
                     "submitted_at": timezone.localtime(row["submitted_at"]).isoformat() if row["submitted_at"] else None,
                     "verified_at": timezone.localtime(row["verified_at"]).isoformat()}))
    return found


# --------------------------------------------------------------------------------------------------
# Bulk


def bulk(policy: SignalSettings) -> list[Found]:
    return (_bulk(policy, "submitted_at", SignalKind.BULK_SUBMITTED, "申请销号",
                  Measure.objects.filter(submitted_at__isnull=False))
            + _bulk(policy, "verified_at", SignalKind.BULK_SIGNED_OFF, "销号",
                    Measure.objects.filter(status=MeasureStatus.VERIFIED, verified_at__isnull=False)
                    .exclude(import_verified_at=F("verified_at"))))


def _bulk(policy: SignalSettings, column: str, kind: str, action: str, measures) -> list[Found]:
    """Measures of one lead unit whose `column` lies within `bulk_minutes` of at least `bulk_count − 1`
    others' (a correlated COUNT on the (lead_unit, column) index)."""
    window = timedelta(minutes=policy.bulk_minutes)
    neighbours = (measures.filter(lead_unit=OuterRef("lead_unit"),
                                  **{f"{column}__gte": OuterRef(column) - window, f"{column}__lte": OuterRef(column) + window})
                  .order_by().values("lead_unit").annotate(n=Count("pk")).values("n"))
    flagged = list(measures.annotate(n=Subquery(neighbours, output_field=IntegerField()))
                   .filter(n__gte=policy.bulk_count).values("pk", "lead_unit_id", "lead_unit__name", column)
                   .order_by("lead_unit_id", column))
    by_unit: dict[int, list[dict]] = defaultdict(list)
    for row in flagged:
        by_unit[row["lead_unit_id"]].append(row)
    found = []
    for rows in by_unit.values():
        for row in rows:
            at = row[column]
            group = [r for r in rows if abs(r[column] - at) <= window]
            first, last = min(r[column] for r in group), max(r[column] for r in group)
            minutes = max(1, round((last - first).total_seconds() / 60))
            found.append(Found(
                kind, row["pk"],
                f"{row['lead_unit__name']}的 {len(group)} 项措施在 {timezone.localtime(first):%Y-%m-%d %H:%M} 起约 {minutes} 分钟内"
                f"集中{action}，请核对每项是否都逐项审核了佐证材料。",
                details={"unit": row["lead_unit__name"], "count": len(group), "minutes": minutes,
                         "from": timezone.localtime(first).isoformat(), "to": timezone.localtime(last).isoformat(),
                         "measures": [r["pk"] for r in group if r["pk"] != row["pk"]][:20]}))
    return found


def signed_off_by_import_without_evidence(policy: SignalSettings) -> list[Found]:
    rows = (Measure.objects.signed_off_by_import()
            .filter(~Exists(Evidence.objects.filter(update__measure=OuterRef("pk"))))
            .values("pk", "verified_at"))
    return [Found(SignalKind.IMPORT_NO_EVIDENCE, row["pk"],
                  f"措施由台账导入于 {timezone.localtime(row['verified_at']):%Y-%m-%d} 直接记为已整改到位，没有任何佐证材料，"
                  f"请补充核实整改情况。",
                  details={"verified_at": timezone.localtime(row["verified_at"]).isoformat()})
            for row in rows]


# --------------------------------------------------------------------------------------------------
# Thin evidence; reopened and closed with the same evidence


def thin_evidence(policy: SignalSettings) -> list[Found]:
    """申请销号 (or signed off) on documents only, of little text, while the 整改成效 names a checkable result."""
    since = _since_rework_q()
    rows = (Measure.objects.filter(status__in=[MeasureStatus.PENDING_SIGNOFF, MeasureStatus.VERIFIED],
                                   submitted_at__isnull=False, result__regex=MEASURABLE_RESULT)
            .annotate(files=Count("updates__evidence", filter=since),
                      rich=Count("updates__evidence", filter=since & ~Q(updates__evidence__extension__in=TEXT_TYPES)),
                      unread=Count("updates__evidence",
                                   filter=since & Q(updates__evidence__fingerprinted_at__isnull=True)),
                      chars=Coalesce(Sum(Length("updates__evidence__text"), filter=since), Value(0)))
            .filter(files__gt=0, rich=0, unread=0, chars__lt=policy.thin_text_chars)
            .values("pk", "files", "chars", "result"))
    return [Found(SignalKind.THIN_EVIDENCE, row["pk"],
                  f"整改成效写有可核对的结果（“{row['result'][:30]}”），但申请销号的佐证材料只有 {row['files']} 份文字文件、"
                  f"共 {row['chars']} 字，没有照片或表格，请核对能否证明该结果。",
                  details={"files": row["files"], "chars": row["chars"], "result": row["result"][:200]})
            for row in rows]


def reopened_with_same_evidence(policy: SignalSettings) -> list[Found]:
    """Reopened by an unsatisfied 回头看, then submitted again with a file that is the old one: identical
    bytes, or a photo within the pHash distance."""
    reopened_at = Subquery(Revisit.objects.filter(measure=OuterRef("pk"), satisfied=False).order_by()
                           .values("measure").annotate(at=Max("updated_at")).values("at"),
                           output_field=DateTimeField())
    measures = dict(Measure.objects.filter(reopened_count__gt=0, submitted_at__isnull=False,
                                           status__in=[MeasureStatus.PENDING_SIGNOFF, MeasureStatus.VERIFIED])
                    .annotate(reopened_at=reopened_at).filter(reopened_at__isnull=False)
                    .values_list("pk", "reopened_at"))
    if not measures:
        return []
    by_measure: dict[int, list[dict]] = defaultdict(list)
    for row in _evidence_rows(Evidence.objects.filter(update__measure_id__in=measures).order_by("pk")):
        by_measure[row["measure_id"]].append(row)
    found = []
    for measure_id, rows in by_measure.items():
        cut = measures[measure_id]
        before = [r for r in rows if r["created_at"] <= cut]
        for new in (r for r in rows if r["created_at"] > cut):
            old = next((r for r in before if r["sha256"] == new["sha256"] or _close_photos(r, new, policy)), None)
            if old is None:
                continue
            found.append(Found(
                SignalKind.REOPENED_SAME_EVIDENCE, measure_id,
                f"回头看群众不满意、重新整改后，再次申请销号所附的“{new['original_name']}”与重新整改前的"
                f"“{old['original_name']}”是同一份材料，请核对重新整改是否有新的进展。",
                key=f"e{new['pk']}",
                details={"evidence": _evidence_detail(new), "other_evidence": _evidence_detail(old),
                         "reopened_at": timezone.localtime(cut).isoformat(), "identical": new["sha256"] == old["sha256"]}))
            break
    return found


def _close_photos(a: dict, b: dict, policy: SignalSettings) -> bool:
    return bool(a["phash"] and b["phash"]) and (int(a["phash"], 16) ^ int(b["phash"], 16)).bit_count() <= policy.photo_distance


# Used by the pages: every measure with an unresolved signal, as a subquery.
def unresolved_measure_ids(signals=None):
    return (signals if signals is not None else Signal.objects.all()).unresolved().values("measure_id")



# --------------------------------------------------------------------------------------------------
# Deciding: a person looks and says what they found, through the loop's existing actions.


@transaction.atomic
def decide(signal: Signal, *, decision: str, reason: str, by, revisit_date=None, accountability: dict | None = None) -> Signal:
    """已核查，无问题 / 安排回头看 (services.schedule_revisit) / 记录问责 (services.record_accountability), with
    who and why. One decision per signal: a second one is refused with who decided first."""
    from tongban.history.services import record_event
    from tongban.org.people import person_name
    from tongban.rectification import services
    from tongban.rectification.error_codes import RectificationError as E
    from tongban.rectification.error_codes import rect_error

    reason = (reason or "").strip()
    if not reason:
        raise rect_error(E.SIGNAL_REASON_REQUIRED)
    signal = Signal.objects.select_for_update().select_related("measure").get(pk=signal.pk)
    if signal.status != SignalStatus.OPEN:
        raise rect_error(E.SIGNAL_DECIDED, by=person_name(signal.decided_by),
                         at=f"{timezone.localtime(signal.decided_at):%Y-%m-%d %H:%M}", status=signal.get_status_display())
    changes = {}
    if decision == SignalStatus.FINE:
        pass
    elif decision == SignalStatus.REVISIT:
        if revisit_date is None:
            raise rect_error(E.SIGNAL_REVISIT_DATE)
        changes["revisit"] = services.schedule_revisit(signal.measure, scheduled_date=revisit_date, by=by)
    elif decision == SignalStatus.ACCOUNTABILITY:
        changes["accountability"] = services.record_accountability(
            measures=[signal.measure], by=by, **{"notes": reason, **(accountability or {})})
    else:
        raise rect_error(E.SIGNAL_BAD_DECISION)
    for name, value in {**changes, "status": decision,
                        "decided_by": by if getattr(by, "is_authenticated", False) else None, "decided_at": timezone.now(),
                        "reason": reason}.items():
        setattr(signal, name, value)
    signal.save()
    record_event(signal.measure, "rectification.signal.decided",
                 f"核查提示“{signal.get_kind_display()}”：{signal.get_status_display()}——{reason}", by=by,
                 signal=signal.pk, decision=decision)
    return signal


def scan_after_commit(measure_ids: Iterable[int]) -> None:
    """Called by the services that change what the signals read (evidence, 申请销号, 销号, 回头看, import):
    once the transaction has committed, the Huey task re-scans for those measures."""
    ids = sorted(set(measure_ids))
    if ids:
        from tongban.rectification.tasks import scan_signals_task

        enqueue_on_commit(scan_signals_task, ids)
