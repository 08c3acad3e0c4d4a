"""身份证号 typed into free text (a progress note did) is shown masked to readers who are not the record's
handlers — on the measure's page, in the lists and in the exports; handlers read it whole."""
import io

import pytest
from openpyxl import load_workbook

from tongban.rectification import services

pytestmark = pytest.mark.django_db

ID_NUMBER = "110105199003071234"
MASKED = "110***********1234"


@pytest.fixture
def note_with_an_id_number(ledger, personas):
    """The township's own measure (城关镇 leads): its progress names a person by ID number."""
    services.add_progress(ledger.township_measure, text=f"已约谈当事人张三（身份证号 {ID_NUMBER}）并整改",
                          by=personas.township_admin)
    return ledger.township_measure


def _cells(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                    if cell.value is not None)


def test_the_masking_function_keeps_the_ends_and_leaves_other_numbers_alone():
    from tongban.core.masking import mask_id_numbers

    assert mask_id_numbers(f"身份证 {ID_NUMBER}，电话 13800001234") == f"身份证 {MASKED}，电话 13800001234"
    assert mask_id_numbers("11010519900307123X号") == "110***********123X号"
    assert mask_id_numbers("订单 2023093012345678901") == "订单 2023093012345678901"  # 19 digits: not an ID
    assert mask_id_numbers("") == "" and mask_id_numbers(None) is None


def test_a_reader_who_does_not_handle_the_measure_sees_the_id_number_masked(note_with_an_id_number, personas,
                                                                            client_for):
    url = note_with_an_id_number.get_absolute_url()
    inspector = client_for(personas.inspector).get(url).content.decode()  # county-wide reader, not a handler
    assert "已约谈当事人张三" in inspector and MASKED in inspector and ID_NUMBER not in inspector
    handler = client_for(personas.township_admin).get(url).content.decode()  # the lead unit's admin
    assert ID_NUMBER in handler
    office = client_for(personas.rectification_office).get(url).content.decode()  # runs the ledger
    assert ID_NUMBER in office


def test_exports_and_lists_mask_it_for_non_handlers_too(note_with_an_id_number, ledger, personas, client_for):
    inspector = client_for(personas.inspector)
    ledger_xlsx = _cells(inspector.get(f"/rectification/inspections/{ledger.inspection.pk}/ledger.xlsx").content)
    assert MASKED in ledger_xlsx and ID_NUMBER not in ledger_xlsx
    tasks_xlsx = _cells(inspector.get("/rectification/lists/tasks/?export=xlsx").content)
    assert ID_NUMBER not in tasks_xlsx
    tasks_page = inspector.get("/rectification/lists/tasks/").content.decode()
    assert ID_NUMBER not in tasks_page
    handler_xlsx = _cells(client_for(personas.township_admin)
                          .get(f"/rectification/inspections/{ledger.inspection.pk}/ledger.xlsx").content)
    assert ID_NUMBER in handler_xlsx
