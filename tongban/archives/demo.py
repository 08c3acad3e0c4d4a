"""Demo: one closed case of the demo county carries the applicant's signature on its 受理通知书, is packed as an
archive package and verifies. Idempotent: once a package exists nothing is added."""
from __future__ import annotations

import io


def demo_signature_png(text_width: int = 360, height: int = 120) -> bytes:
    """A hand-like stroke drawn with Pillow (what the counter's pad would send)."""
    import math

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (text_width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + x, height / 2 + 30 * math.sin(x / 18) * math.cos(x / 55)) for x in range(0, text_width - 40, 4)]
    draw.line(points, fill=(17, 17, 17, 255), width=4, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def build_demo(county) -> str | None:
    from tongban.archives import services
    from tongban.archives.models import ArchivePackage
    from tongban.cases.choices import CaseStatus
    from tongban.cases.models import Case

    if ArchivePackage.objects.exists():
        return None
    case = (Case.objects.filter(status=CaseStatus.CLOSED, accepted_on__isnull=False, item__isnull=False,
                                received_by__isnull=False).order_by("number").first())
    if case is None:
        return None
    services.sign_document(case, "acceptance", image=demo_signature_png(), signer_name=case.applicant_name[:20],
                           by=case.received_by)
    package = services.pack_case(case, by=case.received_by)
    result = services.verify_package(package, by=case.received_by)
    return f"办件 {case.number} 已签名、归档并校验：{'完整' if result.ok else '未通过'}"
