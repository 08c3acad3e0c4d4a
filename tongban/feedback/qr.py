"""The QR codes of the public's voice: the signed rating link (`services.rating_link`: 好差评 on printed notices
and the counter's tablet) and the private 网上回访 link (`services.issue_online_callback`), drawn by `qrcode` —
SVG for pages, PNG inside the .docx notices."""
from __future__ import annotations

import io

from tongban.feedback.choices import RatingChannel


def svg(url: str) -> bytes:
    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10).save(buffer)
    return buffer.getvalue()


def inline_svg(url: str) -> str:
    """The SVG without its XML declaration, to sit inside an HTML page (printed sheets)."""
    text = svg(url).decode()
    return text.split("?>", 1)[1].strip() if text.startswith("<?xml") else text


def png(url: str) -> io.BytesIO:
    import qrcode

    buffer = io.BytesIO()
    qrcode.make(url, box_size=6, border=2).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


ANCHOR = """<wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="251659264" behindDoc="0" locked="1"
 layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>
<wp:extent cx="{size}" cy="{size}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/></wp:anchor>"""
EMU_PER_CM = 360000
QR_CM = 2.2


def add_to_notice(case, kind: str, document) -> None:
    """cases.notices finisher: the QR code of the case's rating link, floating in the bottom margin of the
    first page (anchored, so it never pushes the notice onto a second page); its description carries the
    link for screen readers and for the tests."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Cm

    from tongban.feedback.services import rating_link

    url = rating_link(case, RatingChannel.QR, absolute=True)
    section = document.sections[0]
    size = int(QR_CM * EMU_PER_CM)
    x = int(section.page_width - section.right_margin - size)
    y = int(section.page_height - section.bottom_margin + Cm(0.3))
    paragraph = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    run = paragraph.add_run()
    run.add_picture(png(url), width=Cm(QR_CM))
    inline = run._r.find(qn("w:drawing")).find(qn("wp:inline"))
    anchor = parse_xml(ANCHOR.format(x=x, y=y, size=size))
    doc_pr = inline.find(qn("wp:docPr"))
    doc_pr.set("descr", f"请扫码评价（好差评）：{url}")
    for child in (doc_pr, inline.find(qn("wp:cNvGraphicFramePr")), inline.find(qn("a:graphic"))):
        if child is not None:
            anchor.append(child)
    inline.getparent().replace(inline, anchor)
