"""Filter bars everywhere say 全部 for "no filter", never "---------" or 未知 (one base: core.filtersets)."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/org/staff/", "/org/windows/", "/catalog/", "/catalog/delegation/",
                                 "/jobs/", "/rectification/lists/tasks/", "/rectification/inspections/"])
def test_filter_bars_say_all_never_dashes_or_unknown(personas, client_for, url):
    html = client_for(personas.admin).get(url).content.decode()

    assert "---------" not in html
    assert "未知" not in html
    assert ">全部</option>" in html


def test_the_api_still_takes_true_and_false_for_a_yes_no_filter(personas, county, api_for):
    api = api_for(personas.director)

    active = api.get("/api/v1/units/?is_active=true").json()
    inactive = api.get("/api/v1/units/?is_active=false").json()

    assert active["count"] == 6 and inactive["count"] == 0


def test_the_delegation_date_is_prefilled_in_the_format_the_date_input_takes(personas, client_for):
    """zh-hans renders dates as 2026/11/23 by default, which <input type="date"> shows as blank."""
    import time_machine

    with time_machine.travel("2026-11-23 10:00 +0800", tick=False):
        html = client_for(personas.admin).get("/catalog/delegation/").content.decode()

    assert 'type="date" name="delegated_on" value="2026-11-23"' in html
    assert "请选择" in html and "---------" not in html  # the item select's placeholder
