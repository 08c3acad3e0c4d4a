"""Every 公文 the project generates prints right: rendered with LibreOffice, no page but the last is left
nearly empty (fewer than a third of its 22 lines), on the demo county's three inspections."""
from __future__ import annotations

import pytest

from tongban.documents.tests.rendering import lines_per_page, near_empty_pages, render_pdfs
from tongban.rectification.management.commands.report import BUILDERS
from tongban.rectification.models import Inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from tongban.org.demo import build_demo_county
    from tongban.rectification.demo import build_demo_rectification

    build_demo_county()
    build_demo_rectification()


def test_every_generated_gongwen_of_the_demo_prints_without_near_empty_pages(demo, tmp_path):
    paths = []
    for inspection in Inspection.objects.order_by("pk"):
        for kind, builder in sorted(BUILDERS.items()):  # every 公文 `tongban report` (and the pages) generate
            _title, content = builder(inspection)
            path = tmp_path / f"{kind}-{inspection.pk}.docx"
            path.write_bytes(content)
            paths.append(path)
    assert len(paths) == 6  # seed 000, seed 003 and the signals' round (issue 16), two 公文 each
    fill = {path.stem: lines_per_page(pdf) for path, pdf in zip(paths, render_pdfs(paths, tmp_path))}
    near_empty = {name: near_empty_pages(counts) for name, counts in fill.items() if near_empty_pages(counts)}
    assert near_empty == {}, f"text lines per page: {fill}"
