import pytest

pytestmark = pytest.mark.django_db


def test_home_dashboard_counts_follow_the_scope(personas, county, client_for):
    director = client_for(personas.director).get("/")
    assert director.context["counts"]["units"] == 6
    township = client_for(personas.township_admin).get("/")
    assert township.context["counts"] == {"units": 2, "windows": 1, "staff": 1}


def test_home_dashboard_carries_chart_data_and_echarts(personas, client_for):
    response = client_for(personas.director).get("/")
    html = response.content.decode()
    assert 'id="home-chart-data"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html
    windows = response.context["chart"]["windows"]
    assert windows["labels"] == ["帮办咨询", "综合受理", "统一出件", "专业窗口"]
    assert windows["values"] == [0, 2, 0, 1]


def test_api_schema_and_docs_page_work_offline(personas, client_for):
    client = client_for(personas.director)
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/units/" in schema.content
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger" in docs.lower()
    assert "cdn" not in docs.lower() and "https://" not in docs


def test_api_token_and_session_both_authenticate(personas, client_for, api_for):
    assert api_for(personas.director).get("/api/v1/units/").status_code == 200
    assert client_for(personas.director).get("/api/v1/units/").status_code == 200


def test_not_found_and_forbidden_pages_speak_chinese(personas, county, client_for):
    client = client_for(personas.inspector)
    not_found = client.get("/org/units/999999/")
    assert not_found.status_code == 404 and "不在您的数据范围内" in not_found.content.decode()
    forbidden = client.get("/org/import/")
    assert forbidden.status_code == 403 and "您没有权限" in forbidden.content.decode()


def test_a_malformed_api_body_gets_a_chinese_error(personas, api_for):
    response = api_for(personas.director).generic(
        "POST", "/api/v1/inspections/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "请求内容格式不正确（不是有效的 JSON 或表单数据）。"
