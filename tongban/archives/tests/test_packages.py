"""电子档案: a closed case packs into a package that verifies, and the manifest catches every change."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from tongban.archives import packages, services
from tongban.archives.models import ArchivePackage, ArchiveSettings

pytestmark = pytest.mark.django_db


def rewrite(source, target, *, change=None, drop=None, add=None):
    """Copy a package, changing one file's bytes, dropping one, or adding one."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        root = old.namelist()[0].split("/")[0]
        for name in old.namelist():
            if drop and name == f"{root}/{drop}":
                continue
            data = old.read(name)
            if change and name == f"{root}/{change}":
                data += b"\n"
            new.writestr(name, data)
        if add:
            new.writestr(f"{root}/{add}", b"extra")
    return target


@pytest.fixture
def packed(close_case, case_people, signature_png):
    case = close_case()
    services.sign_document(case, "acceptance", image=signature_png, signer_name="李四", by=case_people.clerk)
    return services.pack_case(case, by=case_people.delivery_clerk)


def test_a_closed_case_packs_into_a_package_with_metadata_documents_and_a_manifest_that_verifies(packed):
    path = services.package_path(packed)
    with zipfile.ZipFile(path) as archive:
        names = {n.split("/", 1)[1] for n in archive.namelist()}
        metadata = ET.fromstring(archive.read(f"{packed.case.number}/metadata.xml"))
    assert {"metadata.xml", "manifest-sha256.txt", "documents/acceptance.docx", "documents/decision.docx",
            "documents/receipt.docx", "signatures/acceptance.png"} <= names
    assert metadata.findtext("办件/办件编号") == packed.case.number
    assert metadata.findtext("申请人/证件号码") == packed.case.id_number
    events = metadata.findall("办理过程/事件")
    assert {e.get("代码") for e in events} >= {"case.received", "case.accepted", "case.delivered", "case.signed"}
    assert all(e.findtext("时间") and e.findtext("办理人") for e in events)
    assert metadata.findtext("电子签名/签名/签名人") == "李四"
    result = packages.verify_zip(path)
    assert result.ok and result.checked == packed.file_count - 1
    assert packed.retention_years == 30 and packed.retain_until.year == packed.closed_on.year + 30


def test_packing_again_changes_nothing(packed):
    again = services.pack_case(packed.case)
    assert again.pk == packed.pk and packed.case.events.filter(code="case.archived").count() == 1


@pytest.mark.parametrize("how, message", [
    ({"change": "metadata.xml"}, "文件已被修改：metadata.xml"),
    ({"drop": "documents/acceptance.docx"}, "文件缺失：documents/acceptance.docx"),
    ({"add": "documents/extra.docx"}, "多出清单之外的文件：documents/extra.docx"),
])
def test_the_manifest_catches_a_changed_a_missing_and_an_added_file(packed, tmp_path, how, message):
    tampered = rewrite(services.package_path(packed), tmp_path / "t.zip", **how)
    result = packages.verify_zip(tampered)
    assert not result.ok and result.messages() == [message]


def test_a_stored_package_that_was_changed_is_marked_damaged(packed, tmp_path):
    path = services.package_path(packed)
    rewrite(path, tmp_path / "t.zip", change="documents/receipt.docx")
    path.write_bytes((tmp_path / "t.zip").read_bytes())
    result = services.verify_package(packed)
    packed.refresh_from_db()
    assert not result.ok and packed.status == "damaged" and "receipt.docx" in packed.verify_message


def test_the_verify_command_answers_with_an_exit_code_and_chinese(packed, tmp_path, capsys):
    call_command("archive", "verify", str(services.package_path(packed)))
    assert "归档包完整" in capsys.readouterr().out
    tampered = rewrite(services.package_path(packed), tmp_path / "t.zip", change="metadata.xml")
    with pytest.raises(CommandError) as failed:
        call_command("archive", "verify", str(tampered))
    assert failed.value.returncode == 1 and "校验未通过" in str(failed.value)
    (tmp_path / "no.zip").write_bytes(b"not a zip")
    with pytest.raises(CommandError) as unreadable:
        call_command("archive", "verify", str(tmp_path / "no.zip"))
    assert unreadable.value.returncode == 2 and "不是 zip 文件" in str(unreadable.value)


def test_a_package_over_the_limits_is_refused_before_it_is_read(packed):
    limits = ArchiveSettings.load()
    limits.max_files = 2
    limits.save()
    with pytest.raises(ValidationError, match="超过上限 2 个"):
        packages.verify_zip(services.package_path(packed))
    limits.max_files, limits.max_unpacked_mb = 5000, 0
    limits.save()
    with pytest.raises(ValidationError, match="超过上限 0 MB"):
        packages.verify_zip(services.package_path(packed))


def test_a_package_with_a_name_that_leaves_its_folder_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("../evil.txt", b"x")
    with pytest.raises(ValidationError, match="文件名不安全"):
        packages.verify_zip(io.BytesIO(out.getvalue()))


def test_only_a_closed_case_is_packed_and_the_job_packs_each_once(accept_case, close_case):
    with pytest.raises(ValidationError, match="尚未办结"):
        services.pack_case(accept_case())
    close_case()
    assert services.pack_closed_cases() == 1
    assert services.pack_closed_cases() == 0
    assert ArchivePackage.objects.count() == 1


def test_retention_is_the_setting_of_the_items_type(close_case, restaurant):
    limits = ArchiveSettings.load()
    limits.licensing_years = 0
    limits.save()
    package = services.pack_case(close_case())
    assert package.retention_years == 0 and package.retain_until is None and package.retention_label == "永久"


def test_export_copies_the_packages_closed_in_the_range_with_a_transfer_list(close_case, tmp_path, capsys):
    case = close_case()  # not packed yet: the export packs it
    day = case.closed_on
    call_command("archive", "export", "--from", (day - timedelta(days=1)).isoformat(), "--to", day.isoformat(),
                 "-o", str(tmp_path / "out"))
    output = capsys.readouterr().out
    assert "已导出 1 / 1" in output and "已导出归档包 1 个" in output
    assert packages.verify_zip(tmp_path / "out" / f"{case.number}.zip").ok
    listing = (tmp_path / "out" / "移交清单.csv").read_text(encoding="utf-8-sig")
    assert case.number in listing and ArchivePackage.objects.get().sha256 in listing
    with pytest.raises(CommandError, match="起始日期不能晚于截止日期"):
        call_command("archive", "export", "--from", day.isoformat(), "--to", (day - timedelta(days=1)).isoformat(),
                     "-o", str(tmp_path / "x"))


def test_the_daily_job_packs_at_most_its_limit_and_the_next_run_takes_the_rest(close_case):
    from datetime import date

    from tongban.archives.jobs import pack_closed

    close_case(), close_case()
    limits = ArchiveSettings.load()
    limits.daily_pack_limit = 1
    limits.save()
    assert pack_closed(None, date.today()) == {"packed": 1}
    assert pack_closed(None, date.today()) == {"packed": 1}
    assert pack_closed(None, date.today()) == {"packed": 0} and ArchivePackage.objects.count() == 2


def corrupt(path, member: str):
    """Flip bytes inside one member's compressed data (its local header says where the data starts)."""
    with zipfile.ZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith(member))
    data = bytearray(path.read_bytes())
    at = info.header_offset
    start = at + 30 + int.from_bytes(data[at + 26:at + 28], "little") + int.from_bytes(data[at + 28:at + 30], "little")
    for offset in range(info.compress_size // 3, info.compress_size // 3 + 4):
        data[start + offset] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("member", ["manifest-sha256.txt", "metadata.xml", "documents/receipt.docx"])
def test_a_stored_package_with_damaged_bytes_is_marked_damaged_in_chinese(packed, member):
    path = services.package_path(packed)
    corrupt(path, member)
    with pytest.raises(ValidationError, match="损坏"):
        packages.verify_zip(path)
    result = services.verify_package(packed)
    packed.refresh_from_db()
    assert not result.ok and packed.status == "damaged" and "损坏" in packed.verify_message


def test_a_case_that_fails_to_pack_does_not_stop_the_job_and_is_named_in_its_result(close_case, case_people,
                                                                                    signature_png):
    from datetime import date

    from tongban.archives.jobs import pack_closed

    broken, fine = close_case(), close_case()
    signature = services.sign_document(broken, "acceptance", image=signature_png, signer_name="李四",
                                       by=case_people.clerk)
    signature.image.storage.delete(signature.image.name)  # its image is gone from the disk: packing it fails
    result = pack_closed(None, date.today())
    assert result["packed"] == 1 and ArchivePackage.objects.get().case == fine
    assert len(result["failed"]) == 1 and result["failed"][0].startswith(f"{broken.number}：")
    assert pack_closed(None, date.today())["packed"] == 0  # tried again, still failing, nothing else lost


def test_the_package_carries_the_uploaded_materials_and_the_sealed_pdfs_of_the_case(close_case, case_people):
    """DA/T 85: every document and uploaded material. The applicant's uploads (全程网办) go in `materials/`, the
    sealed PDFs of the case and of its licences (电子印章) in `sealed/`, each in the manifest and the metadata."""
    from django.core.files.base import ContentFile

    from tongban.cases.models import CaseFile
    from tongban.licences.models import Licence, SealedDocument

    case = close_case()
    material = case.materials.order_by("pk").first()
    upload = CaseFile(case=case, material=material, original_name="营业场所证明（扫描）.PDF", size=9)
    upload.file.save("x.pdf", ContentFile(b"%PDF-scan"), save=True)
    decision = SealedDocument(case=case, kind="decision", title="行政许可决定书", sha256="0" * 64, signer="县市场监管局")
    decision.file.save("d.pdf", ContentFile(b"%PDF-decision"), save=True)
    licence = Licence.objects.filter(case=case).first()
    sealed_licences = []
    if licence is not None:
        document = SealedDocument(licence=licence, kind="licence", title="营业执照", sha256="1" * 64, signer="县市场监管局")
        document.file.save("l.pdf", ContentFile(b"%PDF-licence"), save=True)
        sealed_licences.append(document)

    package = services.pack_case(case, by=case_people.delivery_clerk)
    path = services.package_path(package)
    with zipfile.ZipFile(path) as archive:
        root = case.number
        assert archive.read(f"{root}/materials/{upload.pk}.pdf") == b"%PDF-scan"
        assert archive.read(f"{root}/sealed/{decision.pk}-decision.pdf") == b"%PDF-decision"
        for document in sealed_licences:
            assert archive.read(f"{root}/sealed/{document.pk}-licence.pdf") == b"%PDF-licence"
        metadata = ET.fromstring(archive.read(f"{root}/metadata.xml"))
    titles = {f.text: f.get("题名") for f in metadata.findall("文件/文件")}
    assert titles[f"materials/{upload.pk}.pdf"] == f"{material.name}：营业场所证明（扫描）.PDF"
    assert titles[f"sealed/{decision.pk}-decision.pdf"] == "行政许可决定书（电子印章）"
    assert packages.verify_zip(path).ok
