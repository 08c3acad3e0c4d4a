"""归档信息包: how a closed case is packed and how a package is checked against its manifest.

Layout (after DA/T 85-2019 §7 as far as it is public; docs/archives.md says what is followed and what guessed):

    <办件编号>/
      metadata.xml            元数据: 办件、申请人、事项、日期、决定、材料、子办件、出件、签名、办理过程（每个事件的时间与人）
      documents/<kind>.docx   每份文书（签过名的用签名后的那一份）与出件回执
      signatures/<kind>.png   申请人签名图片
      materials/<id><ext>     申请人网上提交的材料文件（题名为材料名与原文件名）
      sealed/<id>-<kind>.pdf  办件及其电子证照的签章 PDF（电子印章）
      manifest-sha256.txt     清单：每个文件一行 “<SHA-256>  <路径>”（sha256sum 格式），清单自身不在其中

`verify_zip` reads a package without trusting it: entry count and unpacked size against ArchiveSettings before
anything is read, names that leave the folder refused, each file read in chunks and counted against the limit.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from xml.etree import ElementTree as ET

from django.utils import timezone

from tongban.archives.choices import SignedKind
from tongban.archives.error_codes import ArchiveError, archive_error

MANIFEST = "manifest-sha256.txt"
METADATA = "metadata.xml"
FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # zip entry times: the content, not the clock, decides the bytes


def _text(parent, tag: str, value) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = "" if value is None else str(value)
    return element


def _iso(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def metadata_xml(case, documents: list[tuple[str, str, str]], signatures) -> bytes:
    """The case's metadata. Reads: the case with its relations, tasks, materials, handovers, suspensions,
    extensions and events with their people — one query each, whatever their number."""
    from tongban.cases.models import Handover
    from tongban.org.people import person_name

    root = ET.Element("归档信息包", {"版本": "1.0", "依据": "DA/T 85-2019（参照）"})
    info = ET.SubElement(root, "办件")
    _text(info, "办件编号", case.number)
    _text(info, "申请事项", case.title)
    if case.item_id:
        _text(info, "事项编码", case.item.implementation_code)
        _text(info, "事项类型", case.item.get_item_type_display())
    else:
        _text(info, "一件事", case.bundle.name)
    _text(info, "受理单位", case.intake_unit.name)
    _text(info, "受理窗口", case.intake_window.name if case.intake_window_id else "")
    _text(info, "状态", case.get_status_display())
    for tag, value in (("收件日期", case.received_on), ("受理日期", case.accepted_on),
                       ("决定日期", case.decided_on), ("办结日期", case.closed_on), ("到期日", case.due_date)):
        _text(info, tag, _iso(value))
    _text(info, "承诺时限工作日", case.budget_workdays)
    _text(info, "容缺受理", "是" if case.accepted_with_pending else "否")

    person = ET.SubElement(root, "申请人")
    _text(person, "名称", case.applicant_name)
    _text(person, "类型", case.get_applicant_kind_display())
    _text(person, "证件号码", case.id_number)
    _text(person, "联系电话", case.phone)

    decision = ET.SubElement(root, "决定")
    _text(decision, "结果", case.get_decision_display())
    _text(decision, "理由", case.decision_reason or case.refusal_reason)
    tasks = ET.SubElement(root, "子办件")
    for task in case.tasks.select_related("item", "unit").order_by("pk"):
        row = ET.SubElement(tasks, "审查", {"事项": task.item.name, "部门": task.unit.name})
        _text(row, "结果", task.get_status_display())
        _text(row, "意见", task.reason)
        _text(row, "证照编号", task.result_number)
    materials = ET.SubElement(root, "材料")
    for material in case.materials.order_by("pk"):
        _text(materials, "材料", material.name).set("状态", material.get_state_display())
    handovers = ET.SubElement(root, "出件")
    for handover in Handover.objects.filter(case=case).select_related("delivered_by__staff"):
        row = ET.SubElement(handovers, "出件记录", {"方式": handover.get_method_display()})
        _text(row, "日期", _iso(handover.delivered_on))
        _text(row, "领取人", handover.recipient)
        _text(row, "经办人", person_name(handover.delivered_by))
    files = ET.SubElement(root, "文件")
    for path, title, sha in documents:
        _text(files, "文件", path).attrib.update({"题名": title, "SHA-256": sha})
    signed = ET.SubElement(root, "电子签名")
    for signature in signatures:
        row = ET.SubElement(signed, "签名", {"文书": signature.get_kind_display()})
        _text(row, "签名人", signature.signer_name)
        _text(row, "签名时间", _iso(signature.signed_at))
        _text(row, "文书SHA-256", signature.document_sha256)
        _text(row, "经办人", person_name(signature.signed_by))
    events = ET.SubElement(root, "办理过程")
    for event in case.events.select_related("actor__staff").order_by("at", "pk"):
        row = ET.SubElement(events, "事件", {"代码": event.code})
        _text(row, "时间", _iso(event.at))
        _text(row, "办理人", person_name(event.actor))
        _text(row, "说明", event.message)
        if event.blzt is not None:
            _text(row, "办理状态代码", event.blzt)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def package_files(case) -> dict[str, bytes]:
    """Every file of the package but the manifest: the notices (signed copies as signed), the receipt,
    the signature images, and metadata.xml naming them all."""
    from tongban.archives import signing
    from tongban.archives.models import Signature
    from tongban.cases import notices

    signatures = list(Signature.objects.filter(case=case).select_related("signed_by__staff").order_by("kind"))
    by_kind = {s.kind: s for s in signatures}
    files: dict[str, bytes] = {}
    listed = []
    titles = {n.kind: n.title for n in notices.available(case)}
    if signing.applies(case, SignedKind.RECEIPT):
        titles[SignedKind.RECEIPT.value] = SignedKind.RECEIPT.label
    for kind, title in titles.items():
        if kind in by_kind:
            with by_kind[kind].document.open("rb") as stored:
                data = stored.read()
        else:
            data = signing.base_document(case, kind)
        path = f"documents/{kind}.docx"
        files[path] = data
        listed.append((path, title, hashlib.sha256(data).hexdigest()))
    for signature in signatures:
        with signature.image.open("rb") as stored:
            data = stored.read()
        path = f"signatures/{signature.kind}.png"
        files[path] = data
        listed.append((path, f"申请人签名（{signature.get_kind_display()}）", hashlib.sha256(data).hexdigest()))
    for path, title, stored_file in _uploads_and_sealed(case):
        with stored_file.open("rb") as stored:
            data = stored.read()
        files[path] = data
        listed.append((path, title, hashlib.sha256(data).hexdigest()))
    files[METADATA] = metadata_xml(case, listed, signatures)
    return files


def _uploads_and_sealed(case):
    """(path, title, stored file) of the applicant's uploaded materials (`materials/<id><ext>`, the material and
    the original name as the title: names people typed never become paths) and of the sealed PDFs of the case
    and of its licences (`sealed/<id>-<kind>.pdf`). Two reads."""
    from django.db.models import Q

    from tongban.cases.models import CaseFile
    from tongban.licences.models import SealedDocument

    for upload in CaseFile.objects.filter(case=case).select_related("material").order_by("pk"):
        suffix = PurePosixPath(upload.original_name).suffix.lower()
        suffix = suffix if suffix[1:].isascii() and suffix[1:].isalnum() and len(suffix) <= 8 else ""
        title = f"{upload.material.name}：{upload.original_name}" if upload.material_id else upload.original_name
        yield f"materials/{upload.pk}{suffix}", title, upload.file
    sealed = SealedDocument.objects.filter(Q(case=case) | Q(licence__case=case)).order_by("pk")
    for document in sealed:
        kind = document.kind if document.kind.isascii() and document.kind.replace("_", "").isalnum() else "document"
        yield f"sealed/{document.pk}-{kind}.pdf", f"{document.title}（电子印章）", document.file


def build_zip(case) -> tuple[bytes, int]:
    """The package's bytes and its number of files (the manifest included)."""
    files = package_files(case)
    manifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(files.items()))
    files[MANIFEST] = manifest.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files.items()):
            info = zipfile.ZipInfo(f"{case.number}/{path}", FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue(), len(files)


# --- Verification --------------------------------------------------------------------------------------

@dataclass
class Verification:
    root: str = ""
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added or self.errors)

    def messages(self) -> list[str]:
        lines = list(self.errors)
        lines += [f"文件已被修改：{p}" for p in self.changed]
        lines += [f"文件缺失：{p}" for p in self.missing]
        lines += [f"多出清单之外的文件：{p}" for p in self.added]
        return lines

    def summary(self) -> str:
        if self.ok:
            return f"归档包完整：{self.checked} 个文件与清单的 SHA-256 一致。"
        return "归档包校验未通过：" + "；".join(self.messages())


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in name


def _digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> str:
    """SHA-256 of one entry, read in chunks; the bytes really read count against the unpacked budget (a zip
    may lie about its sizes)."""
    digest = hashlib.sha256()
    with archive.open(info) as stream:
        while chunk := stream.read(1 << 16):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise archive_error(ArchiveError.PACKAGE_UNREADABLE, why="解压后的实际大小超过上限")
            digest.update(chunk)
    return digest.hexdigest()


# What reading a damaged member raises: a bad CRC (BadZipFile), broken deflate data (zlib.error, not an OSError),
# a cut-off file, an unknown compression or an encrypted member.
DAMAGED = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError)


def verify_zip(source) -> Verification:
    """Check a package (a path or a file object) against its manifest: a changed, a missing and an added
    file are each named. Raises ValidationError when the file is no package or over the limits."""
    from tongban.archives.models import ArchiveSettings

    limits = ArchiveSettings.load()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise archive_error(ArchiveError.PACKAGE_UNREADABLE, why="不是 zip 文件或文件已损坏") from None
    with archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        if len(entries) > limits.max_files:
            raise archive_error(ArchiveError.PACKAGE_TOO_MANY, count=len(entries), limit=limits.max_files)
        declared = sum(i.file_size for i in entries)
        limit_bytes = limits.max_unpacked_mb * 1024 * 1024
        if declared > limit_bytes:
            raise archive_error(ArchiveError.PACKAGE_TOO_LARGE, size=f"{declared / 1048576:.1f}",
                                limit=limits.max_unpacked_mb)
        if unsafe := [i.filename for i in entries if not _safe(i.filename)]:
            raise archive_error(ArchiveError.PACKAGE_UNREADABLE, why=f"文件名不安全（{unsafe[0][:80]}）")
        roots = {PurePosixPath(i.filename).parts[0] for i in entries}
        manifests = [i for i in entries if PurePosixPath(i.filename).parts[1:] == (MANIFEST,)]
        if len(roots) != 1 or len(manifests) != 1:
            raise archive_error(ArchiveError.PACKAGE_UNREADABLE,
                                why=f"应只有一个以办件编号命名的文件夹，其中有 {MANIFEST}")
        root = roots.pop()
        result = Verification(root=root)
        budget = [limit_bytes]
        manifest_info = manifests[0]
        if manifest_info.file_size > 16 * 1024 * 1024:
            raise archive_error(ArchiveError.PACKAGE_UNREADABLE, why="清单文件过大")
        try:
            raw = archive.read(manifest_info)
        except DAMAGED:
            raise archive_error(ArchiveError.PACKAGE_UNREADABLE, why="清单文件已损坏，无法解压") from None
        try:
            listed = _parse_manifest(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise archive_error(ArchiveError.PACKAGE_UNREADABLE, why=f"清单格式不正确（{exc}）") from None
        present = {i.filename[len(root) + 1:]: i for i in entries if i is not manifest_info}
        try:
            for path, expected in listed.items():
                info = present.get(path)
                if info is None:
                    result.missing.append(path)
                    continue
                result.checked += 1
                if _digest(archive, info, budget) != expected:
                    result.changed.append(path)
        except DAMAGED:
            raise archive_error(ArchiveError.PACKAGE_UNREADABLE, why="文件已损坏，无法解压") from None
        result.added = sorted(set(present) - set(listed))
        if METADATA not in listed:
            result.errors.append(f"清单中没有元数据文件 {METADATA}")
        return result


def _parse_manifest(text: str) -> dict[str, str]:
    listed = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, path = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or not _safe(path):
            raise ValueError(f"第 {number} 行")
        listed[path] = digest
    return listed
