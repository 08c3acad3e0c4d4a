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
