"""Users see names, never internal codes; the admin pages of auditlog and axes, and the API docs, speak Chinese."""
import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_unit_page_shows_names_not_the_unit_code(personas, county, client_for):
    html = client_for(personas.director).get(f"/org/units/{county.township_a.pk}/").content.decode()

    assert "城关镇便民服务中心" in html
    assert "tw-chengguan" not in html and "单位代码" not in html


def test_demo_implementation_codes_carry_no_unit_code(county):
    from tongban.catalog.demo import build_demo_catalog
    from tongban.catalog.models import ServiceItem

    build_demo_catalog()
    codes = list(ServiceItem.objects.values_list("implementation_code", flat=True))

    assert codes and all(re.fullmatch(r"\d{18}", code) for code in codes), codes[:3]


def test_catalogue_pages_show_no_material_codes_or_bundle_slugs(personas, county, client_for):
    from tongban.catalog.demo import build_demo_catalog
    from tongban.catalog.models import ServiceItem

    build_demo_catalog()
    client = client_for(personas.director)
    item = ServiceItem.objects.get(name="食品经营许可")
    item_page = client.get(f"/catalog/items/{item.pk}/").content.decode()
    bundles = client.get("/catalog/bundles/").content.decode()

    assert "申请人/法定代表人居民身份证" in item_page and "id_card" not in item_page
    assert "application_form" not in item_page
    assert "我要开饭店" in bundles and ">open-restaurant<" not in bundles and "open-restaurant</span>" not in bundles


def test_a_job_run_shows_its_result_in_chinese_and_no_job_codes(personas, client_for):
    from datetime import date

    from tongban.jobs import services
    from tongban.jobs.choices import Trigger

    run = services.run_job("rectification.detect_overdue", date(2026, 11, 23), trigger=Trigger.CLI)
    client = client_for(personas.director)
    detail = client.get(f"/jobs/runs/{run.pk}/").content.decode()
    listing = client.get("/jobs/").content.decode()

    table = re.search(r'<table class="table table-sm mb-2" id="run-result-table">.*?</table>', detail, re.S).group(0)
    assert "逾期" in table and "新记录的逾期" in table and "overdue" not in table
    assert "<code>rectification.detect_overdue</code>" not in listing and "整改措施逾期监测（日监测）" in listing


def test_the_calendar_page_does_not_name_the_library(personas, client_for):
    html = client_for(personas.director).get("/calendar/").content.decode()

    assert "chinesecalendar" not in html


def test_auditlog_and_axes_speak_chinese_in_the_admin(personas, client_for):
    with translation.override("zh-hans"):
        assert translation.gettext("Correlation ID") == "请求关联号"
        assert translation.gettext("access attempts") == "登录尝试"
    client = client_for(personas.admin)
    index = client.get("/admin/").content.decode()
    attempts = client.get("/admin/axes/accessattempt/").content.decode()
    log = client.get("/admin/auditlog/logentry/").content.decode()

    assert "登录保护" in index or "登录尝试" in index
    assert "Access attempts" not in index and "Log entries" not in index
    assert "登录尝试" in attempts and "Access attempt" not in attempts
    assert "变更日志" in log and "Correlation ID" not in log


def test_the_compiled_catalogue_matches_its_source():
    """Every msgstr of tongban/locale/zh_Hans/LC_MESSAGES/django.po is what Django translates to: a .po edited
    without `make messages` fails here."""
    from pathlib import Path

    import tongban

    po = (Path(tongban.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po").read_text()
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', po, re.M)
    assert len(pairs) > 60
    with translation.override("zh-hans"):
        wrong = [(msgid, msgstr) for msgid, msgstr in pairs
                 if translation.gettext(msgid.replace('\\"', '"')) != msgstr.replace('\\"', '"')]
    assert wrong == []


def test_the_api_docs_page_is_chinese_and_leads_back(personas, client_for):
    html = client_for(personas.director).get("/api/v1/docs/").content.decode()

    assert '<a href="/workbench/" id="api-docs-back">← 返回通办工作台</a>' in html
    assert "Authorization: Token" in html and "swagger-ui" in html
