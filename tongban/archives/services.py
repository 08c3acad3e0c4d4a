"""Every write of 电子签名 and 电子档案: named, atomic, each recorded on the case's timeline (CaseEvent) or the
package's (history)."""
from __future__ import annotations

import logging
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tongban.archives import packages, signing
from tongban.archives.choices import PackageStatus, SignedKind
from tongban.archives.error_codes import ArchiveError, archive_error
from tongban.archives.models import ArchivePackage, ArchiveSettings, Signature
from tongban.cases.choices import CaseStatus
from tongban.cases.models import Case
from tongban.cases.services.common import event, lock
from tongban.core.uploads import stored_name
from tongban.history.services import record_event

logger = logging.getLogger(__name__)

PACKAGE_FOLDER = "archives/packages"


@transaction.atomic
def sign_document(case: Case, kind: str, *, image: bytes, signer_name: str, by) -> Signature:
    """The applicant signs one document at the counter: the image is checked, the document rendered with the
    signature in it, both stored with their SHA-256, and the case's timeline says so. Once per document."""
    case = lock(case)
    if kind not in SignedKind.values:
        raise archive_error(ArchiveError.NOT_SIGNABLE, title=kind)
    title = SignedKind(kind).label
    if not signing.applies(case, kind):
        raise archive_error(ArchiveError.NOT_SIGNABLE, title=title)
    existing = Signature.objects.filter(case=case, kind=kind).first()
    if existing:
        raise archive_error(ArchiveError.ALREADY_SIGNED, title=title,
                            at=f"{timezone.localtime(existing.signed_at):%Y-%m-%d %H:%M}")
    signer_name = " ".join((signer_name or "").split())[:60]
    if not signer_name:
        raise archive_error(ArchiveError.SIGNER_REQUIRED)
    image = signing.check_signature_image(image)
    now = timezone.now()
    document = signing.signed_document(case, kind, image, signer_name, now)
    signature = Signature(case=case, kind=kind, signer_name=signer_name, signed_by=by, signed_at=now,
                          image_sha256=signing.sha256(image), document_sha256=signing.sha256(document))
    signature.image.save(stored_name("signature.png"), ContentFile(image), save=False)
    signature.document.save(stored_name("signed.docx"), ContentFile(document), save=False)
    signature.save()
    event(case, "case.signed", f"申请人{signer_name}电子签名：{title}（SHA-256 {signature.document_sha256[:16]}…）",
          by=by, kind=kind, sha256=signature.document_sha256)
    return signature


def _retention(case: Case, settings_row: ArchiveSettings) -> int:
    """Years for the case's item type; a bundle keeps the longest of its items (0, 永久, is longest)."""
    if case.item_id:
        types = [case.item.item_type]
    else:
        types = list(case.tasks.values_list("item__item_type", flat=True).distinct())
    years = [settings_row.years_for(t) for t in types] or [settings_row.other_power_years]
    return 0 if 0 in years else max(years)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def package_path(package_or_relative) -> Path:
    relative = getattr(package_or_relative, "path", package_or_relative)
    return Path(settings.MEDIA_ROOT) / relative


@transaction.atomic
def pack_case(case: Case, *, by=None) -> ArchivePackage:
    """办结 → 归档信息包. Idempotent: a case packed once keeps its package (a second call returns it)."""
    existing = ArchivePackage.objects.filter(case=case).first()
    if existing:
        return existing
    case = lock(case)
    existing = ArchivePackage.objects.filter(case=case).first()  # packed by another run while we waited
    if existing:
        return existing
    if case.status != CaseStatus.CLOSED:
        raise archive_error(ArchiveError.NOT_CLOSED, status=case.get_status_display())
    case = Case.objects.select_related("item", "bundle", "intake_unit", "intake_window").get(pk=case.pk)
    data, count = packages.build_zip(case)
    relative = f"{PACKAGE_FOLDER}/{case.closed_on.year}/{case.number}.zip"
    target = package_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, target)
    years = _retention(case, ArchiveSettings.load())
    package = ArchivePackage.objects.create(
        case=case, path=relative, sha256=signing.sha256(data), size=len(data), file_count=count,
        packed_at=timezone.now(), closed_on=case.closed_on, retention_years=years,
        retain_until=_add_years(case.closed_on, years) if years else None)
    event(case, "case.archived", f"电子档案归档：归档信息包 {count} 个文件，保管期限{package.retention_label}", by=by,
          sha256=package.sha256)
    return package


def pack_closed_cases(*, limit: int | None = None, progress: Callable[[int, int], None] | None = None,
                      failed: list[str] | None = None) -> int:
    """The daily job: pack every closed case without a package (one query finds them, in id order); returns how
    many were packed. Each case is its own transaction: a case that fails is logged and named in `failed`
    ("编号：原因"), the others are packed, and the next run tries it again."""
    todo = Case.objects.filter(status=CaseStatus.CLOSED, archive_package__isnull=True).order_by("pk")
    ids = list(todo.values_list("pk", flat=True)[:limit] if limit else todo.values_list("pk", flat=True))
    packed = 0
    for done, pk in enumerate(ids, 1):
        case = Case.objects.get(pk=pk)
        try:
            pack_case(case)
        except Exception as exc:  # one bad case must not stop the job for all the others
            logger.exception("Packing case %s failed", case.number)
            why = "；".join(exc.messages) if isinstance(exc, ValidationError) else "打包时出错，详见系统日志"
            if failed is not None:
                failed.append(f"{case.number}：{why}")
        else:
            packed += 1
        if progress:
            progress(done, len(ids))
    return packed


@transaction.atomic
def verify_package(package: ArchivePackage, *, by=None) -> packages.Verification:
    """Check the stored package against its manifest and against the SHA-256 recorded when it was packed."""
    path = package_path(package)
    if not path.exists():
        result = packages.Verification(root=package.case.number, errors=["归档包文件不存在"])
    else:
        try:
            result = packages.verify_zip(path)
        except ValidationError as exc:  # unreadable or over the limits: the stored package is damaged
            result = packages.Verification(errors=list(exc.messages))
        if result.ok and signing.sha256(path.read_bytes()) != package.sha256:
            result.errors.append("归档包与归档时记录的 SHA-256 不一致")
    package.status = PackageStatus.INTACT if result.ok else PackageStatus.DAMAGED
    package.verified_at = timezone.now()
    package.verify_message = result.summary()[:500]
    package.save(update_fields=["status", "verified_at", "verify_message", "updated_at"])
    record_event(package, "archives.package.verified", f"校验归档包：{package.get_status_display()}", by=by)
    return result


def export_packages(date_from: date, date_to: date, folder: Path, *,
                    progress: Callable[[int, int], None] | None = None) -> dict:
    """Copy the packages of cases closed in [date_from, date_to] into `folder` for the county archive, with a
    transfer list (移交清单.csv: number, file, SHA-256, size, retention). Closed cases still unpacked are packed
    first. Rows are read 500 at a time as values, never as a list of models."""
    import csv

    if date_from > date_to:
        raise archive_error(ArchiveError.EXPORT_RANGE)
    unpacked = Case.objects.filter(status=CaseStatus.CLOSED, closed_on__range=(date_from, date_to),
                                   archive_package__isnull=True).values_list("pk", flat=True)
    to_pack = list(unpacked)
    for pk in to_pack:
        pack_case(Case.objects.get(pk=pk))
    rows = ArchivePackage.objects.filter(closed_on__range=(date_from, date_to)).order_by("closed_on", "pk")
    total = rows.count()
    folder.mkdir(parents=True, exist_ok=True)
    done = missing = 0
    with open(folder / "移交清单.csv", "w", newline="", encoding="utf-8-sig") as listing:
        writer = csv.writer(listing)
        writer.writerow(["办件编号", "文件", "SHA-256", "大小（字节）", "办结日期", "保管期限"])
        for row in rows.values_list("case__number", "path", "sha256", "size", "closed_on", "retention_years") \
                .iterator(chunk_size=500):
            number, relative, digest, size, closed_on, years = row
            source = package_path(relative)
            if not source.exists():
                missing += 1
            else:
                shutil.copyfile(source, folder / f"{number}.zip")
                writer.writerow([number, f"{number}.zip", digest, size, closed_on.isoformat(),
                                 "永久" if not years else f"{years}年"])
            done += 1
            if progress:
                progress(done, total)
    return {"exported": done - missing, "missing": missing, "packed": len(to_pack)}
