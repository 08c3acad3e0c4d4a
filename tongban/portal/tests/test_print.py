"""The printed 一次告知单 of a bundle: Chromium prints the guide to an A4 PDF, and it takes as few pages as its
content needs, the list of materials first (it used to take three pages, the savings bars alone on the first)."""
import re
import shutil
import subprocess

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_pages(path) -> list[str]:
    """The text of each page (pdftotext, poppler-utils: installed by scripts/ensure-chromium.sh)."""
    if not shutil.which("pdftotext"):
        pytest.fail("需要 pdftotext（poppler-utils）：运行 scripts/ensure-chromium.sh")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("slug, max_pages", [("open-restaurant", 1), ("newborn", 1)])
def test_a_bundle_guide_prints_on_as_few_pages_as_it_needs_materials_first(live_server, county, browser, monkeypatch,
                                                                            tmp_path, slug, max_pages):
    from tongban.catalog.demo import build_demo_catalog

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    build_demo_catalog()
    page = browser.new_page()
    page.goto(f"{live_server.url}/portal/bundles/{slug}/")
    target = tmp_path / f"{slug}.pdf"
    page.pdf(path=str(target), format="A4", print_background=True)
    page.close()

    pages = pdf_pages(target)
    assert 1 <= len(pages) <= max_pages, f"{slug}: {len(pages)} pages"
    first = pages[0]
    assert re.search(r"需要带齐的材料（\d+ 份）", first)
    assert first.index("需要带齐的材料") < first.index("一件事，省多少") if "一件事，省多少" in first else True
    # every page carries more than a heading: no page with the bars alone, no near-empty last page
    assert all(len([line for line in p.splitlines() if line.strip()]) >= 6 for p in pages)
