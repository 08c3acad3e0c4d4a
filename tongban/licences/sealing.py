"""电子印章: produce PDF from the .docx 文书 (LibreOffice) and seal it (PAdES, pyHanko) with a visible seal whose
QR code leads to the public verification page; verify an uploaded PDF (who sealed, when, changed after?).

Signing sits behind one interface, `SealProvider`: today `PadesRsaProvider` (an X.509 certificate and key from a
PKCS#12 file, RSA/ECDSA with SHA-256 — what pyHanko signs). A national-standard provider (SM2 signatures over SM3
digests, GM/T 0031 seals from a seal-making system / a hardware key) is another class with the same two methods,
chosen by `TONGBAN_SEAL_PROVIDER`; see docs/decisions/0005-electronic-seals.md for what is and is not compliant.

Configuration (environment, read by settings.py): TONGBAN_SEAL_CERT (path of the .p12 / .pfx file),
TONGBAN_SEAL_PASSPHRASE, TONGBAN_SEAL_NAME (the text under the seal). `tongban licences seal-cert` makes a
self-signed one for the demo.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tongban.licences.error_codes import LicenceError, licence_error

logger = logging.getLogger(__name__)

SEAL_FIELD = "TongbanSeal"


@dataclass(frozen=True)
class Verification:
    """What the public page may say about a sealed PDF."""

    sealed: bool
    signer: str = ""
    signed_at: datetime | None = None
    intact: bool = False          # the signed bytes are unchanged and the signature matches them
    whole_file: bool = False      # nothing was added after sealing
    trusted: bool = False         # signed by this centre's configured certificate
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.sealed and self.intact and self.whole_file and self.trusted


class SealProvider:
    """One signing back-end. `sign` returns the sealed PDF; `verify` reads one."""

    name = ""

    def sign(self, pdf: bytes, *, reason: str, verify_url: str) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError

    def verify(self, pdf: bytes) -> Verification:  # pragma: no cover - interface
        raise NotImplementedError


# The stamp's text box (vector text in an embedded subset of Noto Sans CJK SC, so it is sharp at any zoom,
# searchable and copyable); the seal image above it carries the unit's name in a ring and 电子印章.
STAMP_TEXT = "电子印章　盖章时间 %(ts)s\n扫描二维码核验真伪"
STAMP_TIME_FORMAT = "%Y-%m-%d %H:%M"
STAMP_CHARACTERS = "0123456789-: "  # what %(ts)s may hold besides the fixed text
CJK_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")  # Debian fonts-noto-cjk (ensure-chromium.sh)
SEAL_FONTS = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", *CJK_FONTS)


@lru_cache(maxsize=8)
def _face(path: str, family_prefix: str = "Noto") -> int:
    """The index of the Simplified Chinese face (… CJK SC) in a .ttc collection (0 when there is none)."""
    from PIL import ImageFont

    for index in range(12):
        try:
            family, _style = ImageFont.truetype(path, 10, index=index).getname()
        except OSError:
            break
        if family.startswith(family_prefix) and family.endswith(" SC") and "Mono" not in family:
            return index
    return 0


def _first_existing(paths) -> str | None:
    return next((p for p in paths if Path(p).exists()), None)


@lru_cache(maxsize=1)
def _cjk_font() -> str | None:
    return _first_existing(CJK_FONTS)


@lru_cache(maxsize=4)
def seal_image_png(label: str) -> bytes:
    """A red round seal drawn with Pillow — a double ring, the unit's name set along the upper arc, a star and
    电子印章 beneath it: the visible stamp's background. Without a CJK font (fonts-noto-cjk) only the rings and star."""
    import math

    from PIL import Image, ImageDraw, ImageFont

    size, red = 400, (200, 16, 32, 255)
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=12)
    draw.ellipse((26, 26, size - 26, size - 26), outline=red, width=2)
    cx = cy = size / 2
    points = []
    for i in range(10):
        r = 62 if i % 2 == 0 else 24
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=red)
    font_path = _first_existing(SEAL_FONTS)
    if font_path:
        index = _face(font_path)
        name = (label or "").strip()[:24]
        if name:  # clockwise along the top, from lower left to lower right, each character upright to the centre
            glyph_size = 46 if len(name) <= 12 else max(26, int(46 * 12 / len(name)))
            font = ImageFont.truetype(font_path, glyph_size, index=index)
            sweep = min(250.0, 20.0 * len(name) * glyph_size / 46)
            radius = size / 2 - 34 - glyph_size / 2
            for n, char in enumerate(name):
                degrees = -90 - sweep / 2 + (sweep * (n + 0.5) / len(name))
                tile = Image.new("RGBA", (glyph_size * 2, glyph_size * 2), (255, 255, 255, 0))
                ImageDraw.Draw(tile).text((glyph_size, glyph_size), char, font=font, fill=red, anchor="mm")
                tile = tile.rotate(-(degrees + 90), resample=Image.BICUBIC)
                x = cx + radius * math.cos(math.radians(degrees)) - glyph_size
                y = cy + radius * math.sin(math.radians(degrees)) - glyph_size
                image.alpha_composite(tile, (int(round(x)), int(round(y))))
        font = ImageFont.truetype(font_path, 40, index=index)
        draw.text((cx, cy + 104), "电子印章", font=font, fill=red, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def stamp_font() -> str | None:
    """An OpenType font holding just the stamp text's characters, cut once from the system's Noto Sans CJK SC
    (pyHanko embeds a font file's subset but cannot open a face inside a .ttc, and loading the whole 16 MB face
    for every seal costs seconds): cached under VAR_DIR/seal/, rebuilt when the text changes or the file is gone.
    None without a CJK font."""
    source = _cjk_font()
    if source is None:
        return None
    characters = "".join(sorted(set(STAMP_TEXT.replace("%(ts)s", "") + STAMP_CHARACTERS) - {"\n"}))
    key = hashlib.sha256(f"{source}|{characters}".encode()).hexdigest()[:12]
    target = Path(settings.VAR_DIR) / "seal" / f"stamp-font-{key}.otf"
    if not target.exists():
        from fontTools import subset
        from fontTools.ttLib import TTFont

        font = TTFont(source, fontNumber=_face(source), lazy=True)
        options = subset.Options()
        options.layout_features, options.name_IDs, options.notdef_outline = ["*"], ["*"], True
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{uuid.uuid4().hex}.part")  # two workers at once: each renames its own
        font.save(str(partial))
        os.replace(partial, target)
    return str(target)


def stamp_style(label: str):
    """The visible stamp: QR code to the verification page, the seal image, the Chinese text box."""
    from pyhanko.pdf_utils import images, layout
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import QRStampStyle
    from PIL import Image

    background = images.PdfImage(Image.open(io.BytesIO(seal_image_png(label))))
    font = stamp_font()
    text = {"stamp_text": STAMP_TEXT, "text_box_style": TextBoxStyle(font=GlyphAccumulatorFactory(font, font_size=9))} \
        if font else {"stamp_text": ""}  # pyHanko's built-in font has no Chinese: rather no text than English
    # The seal at the right, over the text (as a seal is stamped over the date), clear of the QR code at the left.
    seal_at_right = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MAX,
                                               y_align=layout.AxisAlignment.ALIGN_MID, margins=layout.Margins.uniform(2))
    return QRStampStyle(background=background, background_opacity=0.85, background_layout=seal_at_right,
                        border_width=0, timestamp_format=STAMP_TIME_FORMAT, **text)


class PadesRsaProvider(SealProvider):
    name = "PAdES（X.509 / SHA-256，pyHanko）"

    def __init__(self, cert_path: str, passphrase: str, label: str):
        from pyhanko.sign import signers

        try:
            self.signer = signers.SimpleSigner.load_pkcs12(cert_path, passphrase=passphrase.encode() or None)
        except Exception as exc:  # pyHanko raises various errors for a wrong path / passphrase
            raise licence_error(LicenceError.SEAL_UNREADABLE, reason=str(exc)[:200])
        if self.signer is None:
            raise licence_error(LicenceError.SEAL_UNREADABLE, reason="证书文件或口令不正确")
        self.label = label

    @property
    def certificate(self):
        return self.signer.signing_cert

    def sign(self, pdf: bytes, *, reason: str, verify_url: str) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign import fields, signers

        reader_pages = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"]
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        style = stamp_style(self.label)
        meta = signers.PdfSignatureMetadata(field_name=SEAL_FIELD, reason=reason[:100], location=self.label[:60],
                                            md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES)
        spec = fields.SigFieldSpec(SEAL_FIELD, on_page=reader_pages - 1, box=(330, 60, 560, 200))
        signer = signers.PdfSigner(meta, signer=self.signer, stamp_style=style, new_field_spec=spec)
        out = run_coroutine(signer.async_sign_pdf(writer, appearance_text_params={"url": verify_url}))
        return out.getvalue()

    def verify(self, pdf: bytes) -> Verification:
        return verify_pdf(pdf, trust=[self.certificate])


def run_coroutine(coroutine):
    """pyHanko's work is async; its sync wrappers call asyncio.run(), which fails in a thread whose event loop is
    already running (an ASGI worker, a Playwright-driven test). Then it runs on a thread of its own."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def verify_pdf(pdf: bytes, *, trust: list) -> Verification:
    """Read the last signature of `pdf` and check it against the trusted certificates."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # pyHanko's (English) reason goes to the log, never to the public page
        logger.warning("An uploaded PDF could not be read", exc_info=True)
        raise licence_error(LicenceError.PDF_UNREADABLE)
    if not signatures:
        return Verification(sealed=False, problem="该文件没有电子印章。")
    signature = signatures[-1]
    try:
        status = run_coroutine(async_validate_pdf_signature(
            signature, ValidationContext(trust_roots=trust, allow_fetching=False)))
    except Exception:  # a broken signature structure is a failed check; pyHanko's reason only to the log
        logger.warning("The seal of an uploaded PDF could not be validated", exc_info=True)
        return Verification(sealed=True, problem="印章无法校验：印章数据已损坏。")
    cert = status.signing_cert
    signer = (cert.subject.native.get("common_name") or cert.subject.human_friendly) if cert is not None else ""
    signed_at = status.signer_reported_dt
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    problem = ""
    if not status.intact or not status.valid:
        problem = "文件在盖章后被改动，印章校验失败。"
    elif not whole:
        problem = "盖章后文件又被追加修改。"
    elif not status.trusted:
        problem = "印章不是本中心的证书所盖。"
    return Verification(sealed=True, signer=signer, signed_at=signed_at, intact=bool(status.intact and status.valid),
                        whole_file=whole, trusted=bool(status.trusted), problem=problem)


DEMO_PASSPHRASE = "tongban-demo"


def demo_cert_path() -> Path:
    return Path(settings.VAR_DIR) / "seal" / "demo-seal.p12"


def configured_certificate() -> tuple[str, str] | None:
    """(path, passphrase): TONGBAN_SEAL_CERT when set; otherwise the demo's self-signed certificate when
    `tongban demo` made one (its name says 演示证书, so nobody mistakes it for the centre's)."""
    cert = getattr(settings, "SEAL_CERT", "")
    if cert:
        return (cert, settings.SEAL_PASSPHRASE) if Path(cert).exists() else None
    demo = demo_cert_path()
    return (str(demo), DEMO_PASSPHRASE) if demo.exists() else None


def provider() -> SealProvider:
    """The configured provider (only PAdES with an X.509 certificate today)."""
    found = configured_certificate()
    if found is None:
        raise licence_error(LicenceError.SEAL_NOT_CONFIGURED)
    cert, passphrase = found
    return _provider(cert, passphrase, settings.SEAL_NAME, Path(cert).stat().st_mtime)


@lru_cache(maxsize=4)
def _provider(cert: str, passphrase: str, label: str, _mtime: float) -> SealProvider:
    return PadesRsaProvider(cert, passphrase, label)


def is_configured() -> bool:
    return configured_certificate() is not None


def make_self_signed(path: Path, passphrase: str, common_name: str, *, years: int = 3) -> Path:
    """A self-signed seal certificate (RSA 2048, SHA-256) as PKCS#12 — for the demo and tests only."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = timezone.now()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .sign(key, hashes.SHA256()))
    blob = pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, cert, None,
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(blob)
    path.chmod(0o600)
    return path


def docx_to_pdf(docx: bytes) -> bytes:
    return docx_to_pdfs([docx])[0]


def docx_to_pdfs(documents: list[bytes]) -> list[bytes]:
    """LibreOffice (headless, its own profile in a temporary folder) turns the .docx files into PDF in one run
    (starting LibreOffice is most of the cost)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise licence_error(LicenceError.CONVERT_FAILED, reason="未安装 LibreOffice（运行 scripts/ensure-chromium.sh）")
    with tempfile.TemporaryDirectory(prefix="tongban-pdf-") as folder:
        sources = []
        for n, docx in enumerate(documents):
            source = Path(folder) / f"document{n}.docx"
            source.write_bytes(docx)
            sources.append(source)
        try:
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to",
                            "pdf", "--outdir", folder, *map(str, sources)], check=True, capture_output=True, timeout=180)
        except (subprocess.SubprocessError, OSError) as exc:
            raise licence_error(LicenceError.CONVERT_FAILED, reason=str(exc)[:200])
        results = []
        for source in sources:
            target = source.with_suffix(".pdf")
            if not target.exists():
                raise licence_error(LicenceError.CONVERT_FAILED, reason="LibreOffice 没有生成文件")
            results.append(target.read_bytes())
        return results


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
