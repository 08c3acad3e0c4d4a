"""`tongban bench signals [--measures 20000] [--files 50000] [--json]`: the signals' scan over a county-sized
ledger with real evidence files, beside references timed in the same run, then rolled back.

Built by bulk insert (the loop's services are not what is measured here): units, one inspection, the
measures in every state with their dates spread over two years, one progress update each, and `files`
evidence files written to a temporary MEDIA_ROOT — half photos (JPEG, 480×360, each its own picture, with
an EXIF date), a third PDFs and the rest DOCX, each document with its own text — with a few hundred
reused (the same bytes, or a photo resized) as a real ledger has.

Timed: the first scan (every file fingerprinted in batches, every signal computed, recorded), and a
second scan (nothing new to fingerprint: the computing and the idempotent recording alone).
References, same run, same files and rows: reading the same bytes and hashing them with hashlib alone
(the least any scan of the files must do), and the plain SELECT of the columns the record-based
signals read. Nothing is kept: the run is one transaction rolled back and the files are deleted.
"""
from __future__ import annotations

import hashlib
import io
import os
import random
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

def _words() -> list[str]:
    """2,000 made-up words: documents as varied as real ones (a few dozen words would make every text alike)."""
    rng = random.Random(2)
    return ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(3, 10))) for _ in range(2000)]


WORDS = _words()


def _arguments(parser) -> None:
    parser.add_argument("--measures", type=int, default=20000, help="整改措施数（默认 20000）")
    parser.add_argument("--files", type=int, default=50000, help="佐证材料文件数（默认 50000）")


def run(*, log: Callable[[str], None], measures: int, files: int) -> dict:
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media), transaction.atomic():
        started = time.perf_counter()
        paths = _build(measures, files, Path(media), log)
        built = time.perf_counter() - started
        log(f"数据已生成（{built:.0f} 秒）：整改措施 {measures} 项，佐证材料 {len(paths)} 份，开始计时……")
        report = {"database": connection.vendor, "measures": measures, "evidence_files": len(paths),
                  "build_seconds": round(built, 1), "load": _load()}
        report["reference"] = {"hash_seconds": _timed(lambda: _hash_all(paths)),
                               "select_seconds": _timed(_plain_select)}
        from tongban.rectification.signals import scan

        first, second = {}, {}
        cpu = time.process_time()
        report["scan_seconds"] = _timed(lambda: first.update(scan()))
        report["scan_cpu_seconds"] = round(time.process_time() - cpu, 1)  # this process only: the load aside
        report["rescan_seconds"] = _timed(lambda: second.update(scan()))
        from django.db.models import Count

        from tongban.rectification.models import Signal

        report["by_kind"] = dict(Signal.objects.values_list("kind").annotate(n=Count("pk")).order_by("kind"))
        report["signals"] = first["found"]
        report["rescan_changes"] = second["created"] + second["updated"] + second["cleared"]
        reference = report["reference"]
        report["scan_ratio"] = round(report["scan_seconds"] / max(reference["hash_seconds"], 1e-6), 1)
        report["rescan_ratio"] = round(report["rescan_seconds"] / max(reference["select_seconds"], 1e-6), 1)
        report["within_minutes"] = report["scan_seconds"] < 600
        transaction.set_rollback(True)
    return report


def _timed(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return round(time.perf_counter() - started, 4)  # a small bench's plain SELECT takes well under 10 ms


def _load() -> str:
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return ""


def _hash_all(paths: list[Path]) -> None:
    for path in paths:
        hashlib.sha256(path.read_bytes()).hexdigest()


def _plain_select() -> None:
    from tongban.rectification.models import Evidence, Measure

    for queryset, columns in ((Measure.objects.all(), ("pk", "status", "lead_unit_id", "due_date", "submitted_at",
                                                       "verified_at", "import_verified_at", "rework_since", "result")),
                              (Evidence.objects.all(), ("pk", "update__measure_id", "sha256", "phash", "extension",
                                                        "created_at", "made_on"))):
        sql, params = queryset.values_list(*columns).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()


# --- building ------------------------------------------------------------------------------------------

def _build(measures: int, files: int, media: Path, log) -> list[Path]:
    from tongban.org import services as org
    from tongban.org.models import UnitKind
    from tongban.rectification import services
    from tongban.rectification.choices import MeasureStatus
    from tongban.rectification.models import Evidence, Measure, ProgressUpdate

    rng = random.Random(16)
    kind = UnitKind.objects.get_or_create(code="section", defaults={"name": "股室"})[0]
    root = org.create_unit(code="sbench-root", name="提示基准中心", kind=kind)
    units = [org.create_unit(code=f"sbench-{n:02d}", name=f"提示基准单位{n:02d}", kind=kind, parent=root)
             for n in range(60)]
    inspection = services.create_inspection(title="提示基准巡察", body="县委", inspected_unit=root,
                                            feedback_date=date(2024, 6, 1))
    finding = services.add_finding(inspection, description="提示基准问题")
    now = timezone.now()
    rows = []
    for n in range(measures):
        worked = now - timedelta(days=rng.randrange(20, 700), minutes=rng.randrange(1440))
        due = (worked + timedelta(days=rng.randrange(-20, 60))).date()
        state = rng.random()
        status = (MeasureStatus.VERIFIED if state < 0.6 else MeasureStatus.PENDING_SIGNOFF if state < 0.7
                  else MeasureStatus.IN_PROGRESS)
        submitted = worked + timedelta(days=rng.randrange(1, 10)) if status != MeasureStatus.IN_PROGRESS else None
        verified = submitted + timedelta(days=rng.randrange(1, 20), minutes=rng.randrange(600)) \
            if status == MeasureStatus.VERIFIED else None
        rows.append(Measure(finding=finding, number=n % 30000 + 1, text=f"提示基准措施{n}", lead_unit=units[n % len(units)],
                            deadline=due, due_date=due, status=status, submitted_at=submitted, verified_at=verified,
                            result="已按要求整改到位" if n % 7 else "印发管理制度，办结率达到100%"))
    Measure.objects.bulk_create(rows, batch_size=1000)
    # Drawn up before any of the work began (auto_now_add wrote "now" on insert).
    Measure.objects.filter(pk__in=[m.pk for m in rows]).update(created_at=now - timedelta(days=760))
    created_at = {m.pk: (m.submitted_at or now) - timedelta(days=2) for m in rows}
    updates = ProgressUpdate.objects.bulk_create([ProgressUpdate(measure=m, text="已按计划推进") for m in rows],
                                                 batch_size=1000)
    log(f"整改措施 {measures} 项已写入，正在写 {files} 份佐证材料文件……")
    folder = media / "rectification" / "evidence" / "bench"
    folder.mkdir(parents=True)
    template = _docx_template()
    paths, evidence, reused = [], [], []
    for n in range(files):
        update = updates[n % len(updates)]
        if n % 200 == 199 and reused:  # a file of another measure used again, as a real ledger has
            data, ext = reused[rng.randrange(len(reused))]
            if ext == "jpg" and n % 400 == 399:
                data = _resized(data)
        elif n % 6 < 3:
            data, ext = _photo(n, created_at[update.measure_id].date()), "jpg"
        elif n % 6 < 5:
            data, ext = _pdf(rng), "pdf"
        else:
            data, ext = _docx(template, rng), "docx"
        if n % 100 == 0:
            reused.append((data, ext))
        path = folder / f"{n}.{ext}"
        path.write_bytes(data)
        paths.append(path)
        evidence.append(Evidence(update=update, file=f"rectification/evidence/bench/{n}.{ext}",
                                 original_name=f"佐证材料{n}.{ext}", extension=ext, size=len(data),
                                 sha256=hashlib.sha256(data).hexdigest()))
        if len(evidence) == 1000:
            _write_evidence(evidence, created_at)
            evidence = []
            if (n + 1) % 10000 == 0:
                log(f"已写 {n + 1}/{files} 份")
    _write_evidence(evidence, created_at)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return paths


def _write_evidence(rows: list, created_at: dict) -> None:
    from tongban.rectification.models import Evidence

    created = Evidence.objects.bulk_create(rows)
    for row in created:  # evidence written before the request (auto_now_add sets "now" on insert)
        row.created_at = created_at[row.update.measure_id]
    Evidence.objects.bulk_update(created, ["created_at"])


def _photo(n: int, taken: date) -> bytes:
    from tongban.rectification.evidence_samples import photo_bytes

    return photo_bytes(n, size=(480, 360), taken=taken)


def _resized(data: bytes) -> bytes:
    from tongban.rectification.evidence_samples import resized

    return resized(data)


def _pdf(rng: random.Random) -> bytes:
    from tongban.rectification.evidence_samples import pdf_bytes

    return pdf_bytes(" ".join(rng.choice(WORDS) for _ in range(30)))


def _docx_template() -> dict[str, bytes]:
    from tongban.rectification.evidence_samples import docx_bytes

    with zipfile.ZipFile(io.BytesIO(docx_bytes(["TEXT"]))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _docx(template: dict[str, bytes], rng: random.Random) -> bytes:
    """The template's parts with another paragraph text: a DOCX as Word writes it, in a fraction of the time
    python-docx takes to build one."""
    text = " ".join(rng.choice(WORDS) for _ in range(30))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in template.items():
            archive.writestr(name, data.replace(b">TEXT<", f">{text}<".encode()) if name == "word/document.xml" else data)
    return buffer.getvalue()


def _summary(report: dict) -> str:
    reference = report["reference"]
    return "\n".join([
        f"\n数据库 {report['database']}，整改措施 {report['measures']} 项，佐证材料 {report['evidence_files']} 份"
        f"（生成 {report['build_seconds']} 秒，已回滚；{report['load']}）",
        f"首次计算（逐批提取 {report['evidence_files']} 份文件的特征 + 全部提示 + 记录）：{report['scan_seconds']} 秒；"
        f"参照：同样的文件只读取并用 hashlib 计算 SHA-256 {reference['hash_seconds']} 秒（{report['scan_ratio']} 倍）；"
        f"本进程 CPU 时间 {report['scan_cpu_seconds']} 秒",
        f"再次计算（无新文件，幂等：变化 {report['rescan_changes']} 条）：{report['rescan_seconds']} 秒；"
        f"参照：提示所读各列的普通 SELECT {reference['select_seconds']} 秒（{report['rescan_ratio']} 倍）",
        f"发现提示 {report['signals']} 条（{'、'.join(f'{k} {n}' for k, n in report['by_kind'].items())}）；{'数分钟内完成' if report['within_minutes'] else '超过 10 分钟'}。",
    ])


JSON_KEYS = ("database", "measures", "evidence_files", "load", "scan_seconds", "scan_cpu_seconds", "rescan_seconds",
             "reference", "scan_ratio", "rescan_ratio", "signals", "by_kind", "rescan_changes", "within_minutes")
