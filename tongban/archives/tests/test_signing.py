"""电子签名: the signature and the exact signed document are stored and hashed, the printed notice is that file."""
from __future__ import annotations

import base64
import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from tongban.archives import services
from tongban.archives.models import Signature

pytestmark = pytest.mark.django_db


def media_of(docx: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]


def test_a_signed_acceptance_notice_is_stored_with_its_hash_and_printed_with_the_signature(
        accept_case, case_people, signature_png, client_for):
    case = accept_case()
    signature = services.sign_document(case, "acceptance", image=signature_png, signer_name="李四", by=case_people.clerk)

    document = signature.document.open("rb").read()
    assert signature.document_sha256 == hashlib.sha256(document).hexdigest()
    assert signature.image_sha256 == hashlib.sha256(signature_png).hexdigest()
    assert signature_png in media_of(document)  # beside the 扫码评价 QR code every notice carries (feedback)
    assert case.events.filter(code="case.signed", data__kind="acceptance").count() == 1
    printed = client_for(case_people.clerk).get(f"/cases/{case.number}/notice/acceptance/")
    assert printed.status_code == 200 and printed.content == document


@pytest.mark.parametrize("image, code", [
    (b"GIF89a not a png", "archive_signature_format"),
    (None, "archive_signature_blank"),
])
def test_an_image_that_is_no_signature_is_refused_and_nothing_is_stored(accept_case, case_people, image, code):
    from PIL import Image

    if image is None:  # an untouched pad: a transparent PNG
        out = io.BytesIO()
        Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(out, "PNG")
        image = out.getvalue()
    case = accept_case()
    with pytest.raises(ValidationError) as caught:
        services.sign_document(case, "acceptance", image=image, signer_name="李四", by=case_people.clerk)
    assert caught.value.code == code
    assert not Signature.objects.exists() and not case.events.filter(code="case.signed").exists()


def test_a_signature_over_the_size_limit_is_refused_in_chinese(accept_case, case_people, signature_png, settings):
    settings.SIGNATURE_MAX_BYTES = len(signature_png) - 1
    with pytest.raises(ValidationError) as caught:
        services.sign_document(accept_case(), "acceptance", image=signature_png, signer_name="李四", by=case_people.clerk)
    assert "签名图片过大" in caught.value.messages[0]


def test_a_document_is_signed_once_and_only_when_the_case_has_it(accept_case, close_case, case_people, signature_png):
    case = accept_case()
    services.sign_document(case, "acceptance", image=signature_png, signer_name="李四", by=case_people.clerk)
    with pytest.raises(ValidationError, match="不能重复签名"):
        services.sign_document(case, "acceptance", image=signature_png, signer_name="李四", by=case_people.clerk)
    with pytest.raises(ValidationError, match="还没有“容缺受理承诺书”"):
        services.sign_document(case, "pending_promise", image=signature_png, signer_name="李四", by=case_people.clerk)
    with pytest.raises(ValidationError, match="还没有“出件回执”"):
        services.sign_document(case, "receipt", image=signature_png, signer_name="李四", by=case_people.clerk)
    closed = close_case()
    receipt = services.sign_document(closed, "receipt", image=signature_png, signer_name="李四",
                                     by=case_people.delivery_clerk)
    assert media_of(receipt.document.open("rb").read()) == [signature_png]


def test_the_signing_page_takes_the_pads_data_url_and_says_what_is_wrong(accept_case, case_people, personas,
                                                                       signature_png, client_for):
    case = accept_case()
    url = f"/archives/case/{case.number}/sign/acceptance/"
    client = client_for(case_people.clerk)
    assert 'data-signature-pad' in client.get(url).content.decode()
    blank = client.post(url, {"signer_name": "李四", "signature": ""})
    assert blank.status_code == 400 and "请申请人在签名框内签名" in blank.content.decode()
    data_url = "data:image/png;base64," + base64.b64encode(signature_png).decode()
    done = client.post(url, {"signer_name": "李四", "signature": data_url})
    assert done.status_code == 302 and Signature.objects.get(case=case).signer_name == "李四"
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "已签名（1 份）" in page and f"/archives/case/{case.number}/sign/acceptance/" not in page
    # Who may not sign: sees the case but does not handle it (403), or does not see it (404).
    assert client_for(personas.inspector).get(url).status_code == 403
    assert client_for(personas.other_township_admin).get(url).status_code == 404
