"""Evidence opens in the browser with safe headers; the ledger's file name; the 记录问责 form looks clickable."""
import pytest

from tongban.rectification import services
from tongban.rectification.models import Evidence
from tongban.rectification.tests.conftest import PDF_BYTES, docx_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(ledger, personas):
    services.add_progress(ledger.section_measure, text="材料", by=personas.section_chief,
                          files=[upload("方案.pdf"), upload("现场.png", png_bytes()), upload("说明.docx", docx_bytes())])
    return {e.extension: e for e in Evidence.objects.all()}


def test_a_pdf_opens_in_the_browser_sandboxed(evidence, personas, client_for):
    response = client_for(personas.section_chief).get(f"/rectification/evidence/{evidence['pdf'].pk}/?inline=1")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "%E6%96%B9%E6%A1%88.pdf" in response["Content-Disposition"]  # 方案.pdf, RFC 6266
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_an_image_opens_inline_with_nothing_but_itself_allowed(evidence, personas, client_for):
    response = client_for(personas.section_chief).get(f"/rectification/evidence/{evidence['png'].pk}/?inline=1")

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_word_file_is_always_a_download_and_plain_links_download(evidence, personas, client_for):
    client = client_for(personas.section_chief)
    docx = client.get(f"/rectification/evidence/{evidence['docx'].pk}/?inline=1")
    pdf = client.get(f"/rectification/evidence/{evidence['pdf'].pk}/")

    assert docx["Content-Disposition"].startswith("attachment;") and "Content-Security-Policy" not in docx
    assert pdf["Content-Disposition"].startswith("attachment;")


def test_evidence_outside_the_scope_is_not_served_inline_either(evidence, personas, client_for):
    response = client_for(personas.other_township_admin).get(f"/rectification/evidence/{evidence['pdf'].pk}/?inline=1")

    assert response.status_code == 404


def test_the_measure_page_opens_pdfs_and_images_in_a_new_tab_and_offers_the_download(evidence, ledger, personas,
                                                                                     client_for):
    html = client_for(personas.section_chief).get(ledger.section_measure.get_absolute_url()).content.decode()

    assert f'href="/rectification/evidence/{evidence["pdf"].pk}/?inline=1" class="evidence-link" target="_blank"' in html
    assert f'href="/rectification/evidence/{evidence["docx"].pk}/" class="evidence-link" title="下载"' in html


def test_the_ledger_export_names_the_file_without_doubling_a_word(ledger, personas, client_for):
    response = client_for(personas.director).get(f"/rectification/inspections/{ledger.inspection.pk}/ledger.xlsx")

    # 县委第一巡察组反馈意见整改 + 台账, not …整改整改台账
    assert response["Content-Disposition"].endswith(
        "%E5%8E%BF%E5%A7%94%E7%AC%AC%E4%B8%80%E5%B7%A1%E5%AF%9F%E7%BB%84%E5%8F%8D%E9%A6%88%E6%84%8F%E8%A7%81"
        "%E6%95%B4%E6%94%B9%E5%8F%B0%E8%B4%A6.xlsx")


def test_the_accountability_form_sits_behind_a_button_that_looks_clickable(ledger, personas, client_for):
    html = client_for(personas.rectification_office).get(ledger.section_measure.get_absolute_url()).content.decode()

    assert ('<details class="disclosure" id="accountability-disclosure"><summary class="btn btn-outline-danger btn-sm">'
            '<i class="bi bi-chevron-right"></i> 记录问责') in html
