from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tongban.licences.models import Licence
from tongban.licences.tests.conftest import ORG_CODE

pytestmark = pytest.mark.django_db

HEADER = "证照编号,证照类型,证照名称,持证主体,持证主体类型,证件号码,发证机关,发证日期,有效期自,有效期至\n"


def test_import_from_the_command_line_twice_changes_nothing_the_second_time(tmp_path, restaurant, capsys):
    path = tmp_path / "lic.csv"
    path.write_text(HEADER + f"SZ-9,营业执照,,甲公司,法人,{ORG_CODE},市市场监管局,2025年1月2日,,\n", encoding="gb18030")
    call_command("licences", "import", str(path))
    call_command("licences", "import", str(path))
    out = capsys.readouterr().out
    assert "新增 1 张" in out and "未变 1 张" in out
    assert Licence.objects.get().valid_from.isoformat() == "2025-01-02"


def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, restaurant, capsys):
    path = tmp_path / "lic.csv"
    path.write_text(HEADER + f"SZ-9,营业执照,,甲公司,法人,{ORG_CODE},市市场监管局,2025-01-02,,\n"
                             f",营业执照,,乙公司,法人,{ORG_CODE},市市场监管局,2025-01-02,,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("licences", "import", str(path))
    assert "第 3 行 证照编号：必填" in capsys.readouterr().err
    assert not Licence.objects.exists()


def test_seal_pending_says_why_it_cannot_seal_and_closes_what_was_sealed_meanwhile(
        make_licence, settings, tmp_path, sealing_on, capsys):
    from datetime import timedelta

    from django.utils import timezone

    from tongban.licences import services
    from tongban.licences.models import SealRequest
    from tongban.licences.tests.test_sealing import blank_pdf

    licence = make_licence()
    later = timezone.now() + timedelta(hours=2)  # not due yet: the command does not wait for the retry time
    settings.SEAL_CERT = str(tmp_path / "missing.p12")
    SealRequest.objects.create(key=f"licence:{licence.pk}", kind="licence", licence=licence, next_attempt_at=later)
    with pytest.raises(CommandError):
        call_command("licences", "seal-pending")
    assert "未配置电子印章证书" in capsys.readouterr().out

    settings.SEAL_CERT = str(sealing_on)
    licence_document = services.seal(blank_pdf(), kind="licence", title="证照", verify_url="http://x/", licence=licence)
    assert SealRequest.objects.get(licence=licence).document == licence_document  # a seal by hand fulfils it
    SealRequest.objects.filter(licence=licence).update(sealed_at=None, document=None, next_attempt_at=later)
    call_command("licences", "seal-pending")
    assert "已签章 1 份" in capsys.readouterr().out
    assert SealRequest.objects.get(licence=licence).document == licence_document  # closed, not sealed again


def test_seal_pending_leaves_what_the_worker_has_claimed_and_seals_at_the_real_time(
        make_licence, sealing_on, capsys):
    from datetime import timedelta

    from django.utils import timezone

    from tongban.licences import services
    from tongban.licences.models import SealedDocument, SealRequest
    from tongban.licences.tests.test_sealing import blank_pdf

    busy, waiting = make_licence(), make_licence(number="DZ-0002")
    now = timezone.now()
    SealRequest.objects.create(key=f"licence:{busy.pk}", kind="licence", licence=busy, next_attempt_at=now)
    SealRequest.objects.create(key=f"licence:{waiting.pk}", kind="licence", licence=waiting,
                               next_attempt_at=now + timedelta(hours=2))  # waiting for its retry
    services.seal(blank_pdf(), kind="licence", title="证照", verify_url="http://x/", licence=waiting)
    SealRequest.objects.filter(licence=waiting).update(sealed_at=None, document=None,
                                                       next_attempt_at=now + timedelta(hours=2))
    assert [r.licence for r in services._claim_seals(None, now, 40)] == [busy]  # the worker converts it now

    call_command("licences", "seal-pending")

    assert "已签章 1 份" in (out := capsys.readouterr().out) and "1 份正由后台任务签章" in out
    assert not SealedDocument.objects.filter(licence=busy).exists()  # not claimed again under the worker's lease
    assert SealRequest.objects.get(licence=busy).sealed_at is None
    closed = SealRequest.objects.get(licence=waiting)
    assert closed.sealed_at is not None and closed.sealed_at <= timezone.now()


def test_a_seal_by_hand_during_the_conversion_is_not_sealed_again(make_licence, sealing_on, monkeypatch):
    from django.utils import timezone

    from tongban.licences import sealing, services
    from tongban.licences.models import SealedDocument, SealRequest
    from tongban.licences.tests.test_sealing import blank_pdf

    licence = make_licence()
    SealRequest.objects.create(key=f"licence:{licence.pk}", kind="licence", licence=licence,
                               next_attempt_at=timezone.now())

    def converting_while_a_clerk_seals(docxs):
        by_hand = services.seal(blank_pdf(), kind="licence", title="证照", verify_url="http://x/", licence=licence)
        converting_while_a_clerk_seals.by_hand = by_hand
        return [blank_pdf() for _ in docxs]

    monkeypatch.setattr(sealing, "docx_to_pdfs", converting_while_a_clerk_seals)
    done = services.seal_pending()

    assert done == {"sealed": 1, "seal_failed": 0}
    assert list(SealedDocument.objects.filter(licence=licence)) == [converting_while_a_clerk_seals.by_hand]
    assert SealRequest.objects.get(licence=licence).document == converting_while_a_clerk_seals.by_hand
