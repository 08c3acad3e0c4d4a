"""Evidence files as units upload them, for the demo, the signals' tests and the signals benchmark: a site
photo (JPEG with an EXIF date, distinct per seed), the same photo resized and recompressed, a one-page PDF
with a line of text and a creation date, a DOCX with paragraphs and a creation date."""
from __future__ import annotations

import io
import random
from datetime import date, datetime


def photo_bytes(seed: int, *, size: tuple[int, int] = (640, 480), taken: date | None = None, quality: int = 88) -> bytes:
    """A picture of its own per seed: coloured shapes on a gradient (two seeds give pHashes ~30 bits apart)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(40, width // 2), y0 + rng.randrange(40, height // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.rectangle if rng.random() < 0.5 else draw.ellipse)([x0, y0, x1, y1], fill=colour)
    return _jpeg(image, taken, quality)


def resized(data: bytes, *, scale: float = 0.5, crop: float = 0.0, quality: int = 70) -> bytes:
    """The same photo made smaller, optionally cropped by `crop` of each edge, and saved again (EXIF kept)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        width, height = image.size
        dx, dy = int(width * crop), int(height * crop)
        image = image.crop((dx, dy, width - dx, height - dy))
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, exif=exif)
        return buffer.getvalue()


def _jpeg(image, taken: date | None, quality: int) -> bytes:
    from PIL import Image

    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = f"{taken:%Y:%m:%d} 10:30:00"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif)
    return buffer.getvalue()


def pdf_bytes(text: str, *, created: date | None = None) -> bytes:
    """A valid one-page PDF showing `text` (ASCII: the standard Helvetica font) with an optional CreationDate."""
    line = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 10 Tf 20 100 Td ({line}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 600 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    info = f"<</CreationDate(D:{created:%Y%m%d}090000)>>".encode() if created else None
    if info:
        objects.append(info)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj" % number + body + b"endobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"<</Size %d/Root 1 0 R" % (len(objects) + 1) + (b"/Info %d 0 R" % len(objects) if info else b"") + b">>"
    out.write(b"trailer" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def docx_bytes(paragraphs: list[str], *, created: date | None = None) -> bytes:
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    # python-docx's template says 2013; a real file says when it was written.
    document.core_properties.created = datetime.combine(created or date.today(), datetime.min.time())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
