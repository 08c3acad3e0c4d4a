"""电子签名 at the counter: the applicant signs a notice on the window's tablet.

The pad (static/archives/signature-pad.js) posts a PNG as a data URL. `check_signature_image` refuses what is
not a small PNG with ink in it; `signed_document` renders the notice as cases would print it and appends the
signature (image, name, time), and those exact bytes are stored and hashed (SHA-256): the notice link of the
case page then serves the stored file, so what is printed is what was signed.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tongban.archives.choices import SignedKind
from tongban.archives.error_codes import ArchiveError, archive_error

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MIN_SIDE, MAX_SIDE = 50, 2000


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_data_url(value: str) -> bytes:
    """`data:image/png;base64,…` (or the bare base64) → bytes; anything else is a format error."""
    value = (value or "").strip()
    if not value:
        raise archive_error(ArchiveError.SIGNATURE_MISSING)
    if value.startswith("data:"):
        header, _, value = value.partition(",")
        if header != "data:image/png;base64":
            raise archive_error(ArchiveError.SIGNATURE_FORMAT)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise archive_error(ArchiveError.SIGNATURE_FORMAT) from None


def check_signature_image(data: bytes) -> bytes:
    """A PNG within SIGNATURE_MAX_BYTES, of sane dimensions, with some ink (not an empty pad)."""
    from PIL import Image, UnidentifiedImageError

    limit = settings.SIGNATURE_MAX_BYTES
    if len(data) > limit:
        raise archive_error(ArchiveError.SIGNATURE_TOO_LARGE, size=len(data) // 1024, limit=limit // 1024)
    if not data.startswith(PNG_MAGIC):
        raise archive_error(ArchiveError.SIGNATURE_FORMAT)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
                raise archive_error(ArchiveError.SIGNATURE_DIMENSIONS, width=width, height=height,
                                    low=MIN_SIDE, high=MAX_SIDE)
            image.load()
            ink = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise archive_error(ArchiveError.SIGNATURE_FORMAT) from None
    # Ink: a pixel that is not transparent and not white. A blank pad has none.
    alpha = ink.getchannel("A").point(lambda a: 255 if a > 32 else 0)
    dark = ink.convert("L").point(lambda v: 255 if v < 200 else 0)
    from PIL import ImageChops

    if ImageChops.multiply(alpha, dark).getbbox() is None:
        raise archive_error(ArchiveError.SIGNATURE_BLANK)
    return data


def applies(case, kind: str) -> bool:
    if kind == SignedKind.ACCEPTANCE:
        return case.accepted_on is not None
    if kind == SignedKind.PENDING_PROMISE:
        return bool(case.accepted_with_pending)
    if kind == SignedKind.RECEIPT:
        from tongban.cases.models import Handover

        return Handover.objects.filter(case=case).exists()
    return False


def base_document(case, kind: str) -> bytes:
    """The document as printed before signing: the cases notice, or the 出件回执 built here."""
    if kind == SignedKind.RECEIPT:
        return receipt_docx(case)
    from tongban.cases import notices

    return notices.render(case, kind)


def signed_document(case, kind: str, image: bytes, signer_name: str, signed_at) -> bytes:
    """The document with the applicant's signature appended: 申请人签名 + the image + name and time."""
    from docx import Document
    from docx.shared import Cm

    document = Document(io.BytesIO(base_document(case, kind)))
    document.add_paragraph("申请人签名：")
    document.add_paragraph().add_run().add_picture(io.BytesIO(image), width=Cm(5))
    local = timezone.localtime(signed_at)
    document.add_paragraph(f"签名人：{signer_name}　签名时间：{local:%Y年%m月%d日 %H:%M}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def receipt_docx(case) -> bytes:
    """出件回执: what was handed over, when and how (the applicant confirms receipt by signing)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from tongban.cases.notices import cn_date
    from tongban.documents.gongwen import GongwenDocument

    from tongban.cases.models import Handover

    handover = Handover.objects.filter(case=case).first()
    doc = GongwenDocument("出件回执")
    doc.paragraph(f"编号：{case.number}", first_line_indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.paragraph(f"申请人：{case.applicant_name}", first_line_indent=False)
    doc.paragraph(f"申请事项：{case.title}", first_line_indent=False)
    doc.paragraph(f"审批结果：{case.get_decision_display() or '—'}", first_line_indent=False)
    if handover:
        numbers = "、".join(n for n in (handover.licence_number, handover.electronic_licence_number,
                                        handover.tracking_number) if n)
        doc.paragraph(f"领取方式：{handover.get_method_display()}{'（' + numbers + '）' if numbers else ''}",
                      first_line_indent=False)
        doc.paragraph(f"领取人：{handover.recipient or case.applicant_name}　领取日期：{cn_date(handover.delivered_on)}",
                      first_line_indent=False)
    doc.paragraph("本人已收到上述办理结果。", first_line_indent=True)
    doc.paragraph(settings.CENTRE_NAME or case.intake_unit.name, first_line_indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def signed_copy(case, kind: str) -> bytes | None:
    """The stored signed .docx of this notice, when the applicant signed it (the cases notice hook)."""
    from tongban.archives.models import Signature

    signature = Signature.objects.filter(case=case, kind=kind).first()
    if signature is None:
        return None
    with signature.document.open("rb") as stored:
        return stored.read()


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    icon: str
    style: str = "btn-outline-secondary"
    id: str = ""


def case_links(case, user) -> list[Link]:
    """The 文书 card's links of this app: sign each signable document not yet signed, the 出件回执, the package."""
    from tongban.archives.models import ArchivePackage, Signature

    signed = {s.kind: s for s in Signature.objects.filter(case=case).only("kind", "signed_at")}
    links = []
    for kind in SignedKind:
        if not applies(case, kind):
            continue
        if kind == SignedKind.RECEIPT:
            links.append(Link(kind.label, reverse("archives:receipt", args=[case.number]), "bi-file-earmark-word",
                              "btn-outline-primary", "receipt-link"))
        if kind in signed:
            continue
        links.append(Link(f"签名：{kind.label}", reverse("archives:sign", args=[case.number, kind.value]),
                          "bi-pen", "btn-outline-success", f"sign-{kind.value}"))
    if signed:
        links.append(Link(f"已签名（{len(signed)} 份）", reverse("archives:signatures", args=[case.number]),
                          "bi-check2-circle", "btn-outline-secondary", "signed-link"))
    package = ArchivePackage.objects.filter(case=case).only("pk").first()
    if package:
        links.append(Link("电子档案", reverse("archives:package", args=[package.pk]), "bi-archive",
                          "btn-outline-secondary", "package-link"))
    return links
