"""电子印章: produce PDF from the .docx 文书 (LibreOffice) and seal it (PAdES, pyHanko) with a visible seal whose
QR code leads to the public verification page; verify an uploaded PDF (who sealed, when, changed after?).

Signing sits behind one interface, `SealProvider`: today `PadesRsaProvider` (an X.509 certificate and key from a
PKCS#12 file, RSA/ECDSA with SHA-256 — what pyHanko signs). A national-standard provider (SM2 signatures over SM3
digests, GM/T 0031 seals from a seal-making system / a hardware key) is another class with the same two methods,
chosen by `TONGBAN_SEAL_PROVIDER`; see docs/decisions/0007-electronic-seals.md for what is and is not compliant.

Configuration (environment, read by settings.py): TONGBAN_SEAL_CERT (path of the .p12 / .pfx file),
TONGBAN_SEAL_PASSPHRASE, TONGBAN_SEAL_NAME (the text under the seal). `tongban licences seal-cert` makes a
self-signed one for the demo.
"""
from __future__ import annotations

import hashlib
import io
import logging
import shutil
import subprocess
import tempfile
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


@lru_cache(maxsize=4)
def seal_image_png(label: str) -> bytes:
    """A red round seal (ring, star, the centre's name) drawn with Pillow: the visible stamp's background."""
    from PIL import Image, ImageDraw, ImageFont

    size = 400
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 16, 32, 255)
    draw.ellipse((10, 10, size - 10, size - 10), outline=red, width=14)
    cx = cy = size / 2
    import math
    points = []
    for i in range(10):
        r = 70 if i % 2 == 0 else 28
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=red)
    font_path = _cjk_font()
    if font_path and label:
        text = label[:16]
        size_pt = 40
        font = ImageFont.truetype(font_path, size_pt)
        while draw.textlength(text, font=font) > size * 0.62 and size_pt > 14:
            size_pt -= 2
            font = ImageFont.truetype(font_path, size_pt)
        width = draw.textlength(text, font=font)
        draw.text((cx - width / 2, cy + 85), text, fill=red, font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@lru_cache(maxsize=1)
def _cjk_font() -> str | None:
    for candidate in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                      "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"):
        if Path(candidate).exists():
            return candidate
    return None


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
        from pyhanko.pdf_utils import images
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign import fields, signers
        from pyhanko.stamp import QRStampStyle
        from PIL import Image

        reader_pages = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"]
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        background = images.PdfImage(Image.open(io.BytesIO(seal_image_png(self.label))))
        style = QRStampStyle(stamp_text="Sealed %(ts)s\nScan the QR code to verify", background=background,
                             background_opacity=0.9, border_width=0)
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
