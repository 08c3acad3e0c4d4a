"""The licence as a document: a one-page .docx in the 公文 look (`documents.gongwen`), turned into PDF by
LibreOffice and sealed (`services.seal_licence`); the seal carries the QR code of the verification page."""
from __future__ import annotations

from tongban.documents.gongwen import GongwenDocument, format_date
from tongban.licences.models import Licence


def licence_docx(licence: Licence) -> bytes:
    doc = GongwenDocument(licence.title, issuer=licence.issuer_name, date=licence.issued_on)
    until = format_date(licence.valid_until) if licence.valid_until else "长期"
    doc.table(["项目", "内容"], [
        ["证照编号", licence.number],
        ["证照类型", licence.kind.name],
        ["持证主体", licence.holder_name],
        ["证件号码 / 统一社会信用代码", licence.holder_id],
        ["发证机关", licence.issuer_name],
        ["发证日期", format_date(licence.issued_on)],
        ["有效期", f"{format_date(licence.valid_from)} 至 {until}"],
    ])
    doc.paragraph("本证照为电子证照，与纸质证照具有同等法律效力。扫描右下角印章中的二维码可核验证照状态。")
    return doc.to_bytes()
