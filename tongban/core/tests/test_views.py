import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_registered_sections_that_concern_the_reader_in_order(personas, client_for):
    from tongban.core import home

    def mine(request, today):
        return home.HomeContent(0) if request.user.username == "chief" else None

    home.register(home.HomeSection("test.only_chief", "只给股长", "core/home.html", mine,
                                   empty="这里会出现股长的测试待办。", order=1))
    try:
        chief = client_for(personas.section_chief).get("/workbench/")
        keys = [shown.section.key for shown, _ in chief.context["sections"]]
        clerk = client_for(personas.window_clerk).get("/workbench/")
    finally:
        home._SECTIONS.pop("test.only_chief")

    assert keys[0] == "test.only_chief" and "rectification.overdue" in keys
    assert "这里会出现股长的测试待办。" in chief.content.decode()
    assert "test.only_chief" not in [shown.section.key for shown, _ in clerk.context["sections"]]
    assert [s.key for s in home.registered()][:3] == ["rectification.signoff", "rectification.overdue",
                                                      "rectification.due_soon"]


def test_a_user_without_a_unit_is_told_whom_to_ask(client, django_user_model):
    django_user_model.objects.create_user("nobody", password="Tongban#2026")
    client.post("/login/", {"username": "nobody", "password": "Tongban#2026"})

    html = client.get("/workbench/").content.decode()

    assert "还没有关联到单位和角色" in html


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


def test_a_403_is_logged_in_one_line_without_a_traceback(personas, county, client_for, caplog):
    client = client_for(personas.inspector)
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get("/org/import/").status_code == 403

    forbidden = [r for r in caplog.records if r.name == "django.request" and r.status_code == 403]
    assert [r.getMessage() for r in forbidden] == ["Forbidden (Permission denied): /org/import/"]
    assert forbidden[0].exc_info is None


def test_the_api_entry_is_shown_to_those_who_use_the_api(personas, client_for):
    from rest_framework.authtoken.models import Token

    clerk_before = client_for(personas.window_clerk).get("/workbench/").content.decode()
    Token.objects.create(user=personas.window_clerk)
    clerk_after = client_for(personas.window_clerk).get("/workbench/").content.decode()
    admin = client_for(personas.admin).get("/workbench/").content.decode()

    assert ">开放接口</a>" not in clerk_before
    assert ">开放接口</a>" in clerk_after and ">开放接口</a>" in admin
