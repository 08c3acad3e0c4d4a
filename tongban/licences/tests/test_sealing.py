"""电子印章: a sealed PDF verifies; a changed byte or an appended update fails; another certificate is not ours."""
from __future__ import annotations

import io

import pytest

from tongban.licences import sealing
from tongban.licences.tests.conftest import SEAL_PASSPHRASE


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def sealed(seal_cert) -> bytes:
    provider = sealing.PadesRsaProvider(str(seal_cert), SEAL_PASSPHRASE, "测试县行政审批服务中心")
    return provider.sign(blank_pdf(), reason="行政许可决定书", verify_url="http://example.test/licences/v/abc/")


@pytest.fixture(scope="module")
def provider(seal_cert):
    return sealing.PadesRsaProvider(str(seal_cert), SEAL_PASSPHRASE, "测试县行政审批服务中心")


def test_a_sealed_pdf_verifies_with_signer_and_time(sealed, provider):
    result = provider.verify(sealed)
    assert result.ok and result.signer == "测试县行政审批服务中心" and result.signed_at is not None


def test_a_tampered_pdf_fails_verification(sealed, provider):
    at = sealed.index(b"/MediaBox")
    tampered = sealed[:at] + sealed[at:].replace(b"595", b"596", 1)
    result = provider.verify(tampered)
    assert not result.ok and not result.intact and "改动" in result.problem


def test_an_update_appended_after_sealing_fails(sealed, provider):
    from pyhanko.pdf_utils.generic import pdf_string
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    writer.root["/Lang"] = pdf_string("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    result = provider.verify(out.getvalue())
    assert not result.ok and result.intact and not result.whole_file


def test_a_pdf_sealed_with_another_certificate_is_not_trusted(sealed, tmp_path):
    stranger = sealing.make_self_signed(tmp_path / "other.p12", "x", "冒名单位")
    result = sealing.PadesRsaProvider(str(stranger), "x", "冒名单位").verify(sealed)
    assert not result.ok and result.intact and not result.trusted


def test_an_unsealed_pdf_says_so(provider):
    result = provider.verify(blank_pdf())
    assert not result.sealed and "没有电子印章" in result.problem


def test_a_wrong_passphrase_is_a_clear_error(seal_cert):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        sealing.PadesRsaProvider(str(seal_cert), "wrong", "x")
    assert refused.value.code == "licence_seal_unreadable"


def test_sealing_and_verifying_work_in_a_thread_whose_event_loop_is_running(provider):
    """pyHanko's sync calls run asyncio.run(), which fails inside a running loop (an ASGI worker, a
    Playwright-driven test before this one): they must still seal and verify, not report a broken seal."""
    import asyncio

    async def at_the_counter():
        pdf = provider.sign(blank_pdf(), reason="受理通知书", verify_url="http://example.test/licences/v/x/")
        return provider.verify(pdf)

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:  # a thread of its own: this one may run a loop already
        result = pool.submit(asyncio.run, at_the_counter()).result()
    assert result.ok and result.signer == "测试县行政审批服务中心"


def test_the_visible_stamp_speaks_chinese(sealed, provider):
    """The stamp's text is vector text in an embedded CJK subset font (pdftotext reads it back through its
    ToUnicode map); pyHanko's English default (“Sealed … Scan the QR code”) is gone; the seal still verifies."""
    import shutil
    import subprocess

    assert shutil.which("pdftotext"), "poppler-utils (scripts/ensure-chromium.sh) is needed to read the stamp"
    text = subprocess.run(["pdftotext", "-", "-"], input=sealed, capture_output=True, check=True).stdout.decode()
    assert "电子印章" in text and "扫描二维码核验真伪" in text and "盖章时间 20" in text
    assert "Sealed" not in text and "Scan" not in text
    assert b"/FontFile3" in sealed or b"/FontFile2" in sealed  # the font travels with the file
    assert provider.verify(sealed).ok


def test_the_seal_image_carries_the_units_name():
    """Drawn with the CJK font: a longer name inks more of the ring than a short one, and no name none."""
    from PIL import Image

    def inked(label: str) -> int:
        image = Image.open(io.BytesIO(sealing.seal_image_png(label)))
        return image.getchannel("A").point(lambda alpha: 255 if alpha > 128 else 0).histogram()[255]

    assert inked("") < inked("测试县") < inked("测试县行政审批服务中心")
