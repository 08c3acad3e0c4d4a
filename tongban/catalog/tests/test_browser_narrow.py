"""On a narrow screen dates and short words stay on one line (2023-10-↵31 and 撤↵销 were seen): the 县镇同权
table at phone width, measured in the real browser."""
from datetime import date

import pytest

from tongban.catalog import services
from tongban.catalog.tests.helpers import make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_LINE = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  return tops.size;
}"""


def test_dates_and_the_revoke_button_do_not_break_on_a_phone(county, personas, login_page, live_server):
    item = make_item("K-1", county.department, name="食品经营许可（仅销售预包装食品备案除外）及其变更、延续、注销")
    services.delegate_item(item, to=[county.township_a], mode="entrusted", on=date(2023, 10, 31),
                           basis="县政府关于向乡镇下放部分县级行政权力事项的决定（县政〔2023〕12号）")
    page = login_page(personas.admin)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/catalog/delegation/")

    date_cell = page.locator("#delegation-table td.nowrap", has_text="2023-10-31")
    revoke = page.locator("#delegation-table button", has_text="撤销")
    assert date_cell.evaluate(ONE_LINE) == 1
    assert revoke.evaluate(ONE_LINE) == 1
