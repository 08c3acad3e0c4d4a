"""Every page and API that takes ?month= reads it through `core.months`: a month out of range or not a month is
answered in Chinese (the page shows this month, the API says 400), never a 500."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/meetings/duty/", "/cases/channels/", "/staffing/attendance/", "/staffing/bulletin/",
         "/supervision/dashboard/"]
APIS = ["/api/v1/duty-rota/statistics/", "/api/v1/cases/channels/", "/api/v1/supervision/figures/"]


@pytest.mark.parametrize("month", ["9999-12", "1899-01", "2026-13"])
def test_a_bad_month_is_answered_in_chinese_on_every_page_and_api(client_for, api_for, personas, month):
    client, api = client_for(personas.director), api_for(personas.director)
    for url in PAGES:
        response = client.get(f"{url}?month={month}", follow=True)
        assert response.status_code == 200, url
        assert f"月份“{month}”无效" in response.content.decode(), url
    for url in APIS:
        response = api.get(f"{url}?month={month}")
        assert response.status_code == 400 and f"月份“{month}”无效" in response.content.decode(), url
