"""Rectification fixtures: one inspection with measures led by the personas' units, built through the
real services; real evidence files (a PDF, a PNG, a DOCX written by python-docx, an XLSX by openpyxl)."""
from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.jobs.tests.conftest import huey_immediate  # noqa: F401  (a fixture, used below)

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def docx_bytes(text: str = "整改佐证") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "整改台账"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _huey_immediate(huey_immediate):
    """Tasks (the web import's confirm step) run at once in this process, against the test database;
    nothing here ever reaches the real queue."""
    return huey_immediate


@dataclass
class Ledger:
    inspection: object
    aspect: object
    problem: object
    suggestion: object
    section_measure: object  # led by 市场准入股 (section chief), township A supporting
    township_measure: object  # led by 城关镇 (township admin)
    other_township_measure: object  # led by 王村乡 (the other township admin)
    ongoing_measure: object  # 长期坚持 with two checkpoints, led by the centre


@pytest.fixture
def ledger(county, personas) -> Ledger:
    from tongban.rectification import services
    from tongban.rectification.choices import DeadlineKind, FindingKind

    office = personas.rectification_office
    inspection = services.create_inspection(
        title="县委第一巡察组反馈意见整改", body="县委", group="县委第一巡察组", inspected_unit=county.center,
        feedback_date=date(2023, 6, 17), by=office,
    )
    aspect = services.add_aspect(inspection, title="牵头作用发挥不充分，合力不足", by=office)
    problem = services.add_finding(inspection, description="牵头作用发挥不充分", aspect=aspect, by=office)
    suggestion = services.add_finding(inspection, description="建议完善回访制度", kind=FindingKind.SUGGESTION,
                                      aspect=services.add_aspect(inspection, title="意见建议", by=office), by=office)
    section_measure = services.create_measure(
        finding=problem, text="制定年度工作方案，细化分解为24项具体工作", lead_unit=county.section,
        supporting_units=[county.township_a], deadline=date(2023, 9, 30), by=office,
    )
    township_measure = services.create_measure(
        finding=problem, text="规范乡镇便民服务中心运行", lead_unit=county.township_a, deadline=date(2023, 10, 31),
        by=office,
    )
    other_township_measure = services.create_measure(
        finding=suggestion, text="开展政企回访", lead_unit=county.township_b, deadline=date(2023, 10, 31), by=office,
    )
    ongoing_measure = services.create_measure(
        finding=suggestion, text="常态化开展回访", lead_unit=county.center, deadline_kind=DeadlineKind.ONGOING,
        checkpoints=[date(2023, 12, 31), date(2024, 6, 30)], by=office,
    )
    return Ledger(inspection, aspect, problem, suggestion, section_measure, township_measure, other_township_measure,
                  ongoing_measure)
