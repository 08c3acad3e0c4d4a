"""The calendar page, the banner, the calculator, and who may import or override."""
import re
from datetime import date

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from tongban.workdays import services
from tongban.workdays.choices import DayKind, YearStatus
from tongban.workdays.context_processors import calendar_banner
from tongban.workdays.models import CalendarYear, Day
from tongban.workdays.tests.conftest import SCHEDULE_2027

pytestmark = pytest.mark.django_db

TODAY = "2026-11-22 10:00 +0800"
BANNER = "2027年法定节假日安排尚未录入，涉及该年的期限按周一至周五临时推算。"


def csv_upload(rows, name="2027.csv") -> SimpleUploadedFile:
    text = "\n".join(",".join(row) for row in rows) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def cell(html: str, day: str) -> str:
    """The class attribute of a day's cell in the month grid."""
    return re.search(rf'<td class="([^"]*)"[^>]*data-date="{day}"', html).group(1)


def test_the_page_shows_twelve_months_with_holidays_and_make_up_days(personas, client_for):
    html = client_for(personas.window_clerk).get("/calendar/?year=2025").content.decode()
    assert html.count('class="month border"') == 12
    assert cell(html, "2025-10-01") == "day-holiday"
    assert cell(html, "2025-09-28") == "day-makeup"
    assert cell(html, "2025-10-18") == "day-weekend"
    assert "国庆节、中秋节" in html and "10月1日—10月8日，共 8 天" in html
    assert "9月28日（周日）、10月11日（周六）" in html
    assert 'id="provisional-notice"' not in html


def test_the_page_marks_today(personas, client_for):
    with time_machine.travel(TODAY):
        html = client_for(personas.inspector).get("/calendar/").content.decode()
    assert cell(html, "2026-11-22") == "day-weekend day-today"
    assert "2026年工作日历" in html


def test_a_provisional_year_has_a_clear_notice_and_dashed_days(personas, client_for):
    html = client_for(personas.township_admin).get("/calendar/?year=2027").content.decode()
    assert 'id="provisional-notice"' in html and "2027年为临时日历" in html
    assert cell(html, "2027-01-01") == "day-provisional"
    assert "尚未录入本年节假日安排" in html


def test_an_unusable_year_falls_back_to_this_year_with_a_warning(personas, client_for):
    with time_machine.travel(TODAY):
        client = client_for(personas.window_clerk)
        html = client.get("/calendar/?year=2300").content.decode()
        assert "2026年工作日历" in html and "工作日历范围为 1990—2100 年" in html
        assert "2026年工作日历" in client.get("/calendar/?year=abc").content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/calendar/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- The banner ----------------------------------------------------------------------------------

def test_the_banner_shows_while_next_year_is_provisional_and_goes_once_it_is_imported(personas, client_for):
    with time_machine.travel(TODAY):
        client = client_for(personas.director)
        assert BANNER in client.get("/workbench/").content.decode()
        response = client.post("/calendar/import/", {"year": "2027", "file": csv_upload(SCHEDULE_2027)})
        assert response.status_code == 302 and response["Location"] == "/calendar/?year=2027"
        page = client.get(response["Location"]).content.decode()
        assert 'id="calendar-banner"' not in page
        assert "已导入2027年的节假日安排：共 12 行" in page
        assert CalendarYear.objects.get(year=2027).status == YearStatus.IMPORTED


def test_the_banner_shows_for_every_signed_in_persona(personas, client_for):
    with time_machine.travel(TODAY):
        for user in (personas.window_clerk, personas.other_township_admin, personas.inspector):
            assert BANNER in client_for(user).get("/calendar/").content.decode()


def test_no_banner_when_this_year_and_next_are_published(personas, client_for):
    with time_machine.travel("2025-06-01 10:00 +0800"):
        assert 'id="calendar-banner"' not in client_for(personas.director).get("/workbench/").content.decode()


def test_the_banner_costs_one_query_per_request(personas, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = personas.window_clerk
    with time_machine.travel(TODAY), django_assert_num_queries(1):
        assert calendar_banner(request) == {"calendar_banner": BANNER}
        assert calendar_banner(request) == {"calendar_banner": BANNER}


def test_anonymous_requests_get_no_banner(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/login/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert calendar_banner(request) == {}


# --- The calculator ------------------------------------------------------------------------------

def test_the_calculator_answers_as_an_htmx_partial(personas, client_for):
    response = client_for(personas.window_clerk).get(
        "/calendar/calculate/", {"start": "2025-09-26", "n": "5"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert '<b class="fs-6" id="calculated-date">2025-10-10</b>（周五）' in html
    assert "calculation-provisional" not in html


def test_the_calculator_works_without_javascript_and_flags_provisional_answers(personas, client_for):
    html = client_for(personas.window_clerk).get(
        "/calendar/calculate/", {"start": "2026-12-25", "n": "5", "year": "2026"}).content.decode()
    assert "2026年工作日历" in html and 'id="calculated-date">2027-01-01' in html
    assert "临时结果：2027年节假日安排尚未录入" in html


def test_the_calculator_shows_form_errors_in_chinese(personas, client_for):
    html = client_for(personas.window_clerk).get(
        "/calendar/calculate/", {"start": "2025-09-26", "n": "-1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "工作日数：" in html and "calculated-date" not in html


# --- Import and override: who may ----------------------------------------------------------------

@pytest.mark.parametrize("persona", ["window_clerk", "section_chief", "township_admin", "inspector",
                                     "rectification_office"])
def test_only_calendar_managers_may_import_or_override(persona, personas, client_for):
    client = client_for(getattr(personas, persona))
    assert 'id="import-form"' not in client.get("/calendar/?year=2027").content.decode()
    assert client.post("/calendar/import/", {"file": csv_upload(SCHEDULE_2027)}).status_code == 403
    assert client.post("/calendar/override/", {"date": "2027-05-04", "is_workday": "0"}).status_code == 403
    assert CalendarYear.objects.get(year=2027).status == YearStatus.PROVISIONAL
    assert Day.objects.get(date="2027-05-04").is_workday is True


@pytest.mark.parametrize("persona", ["director", "admin"])
def test_calendar_managers_see_the_import_and_override_forms(persona, personas, client_for):
    html = client_for(getattr(personas, persona)).get("/calendar/?year=2027").content.decode()
    assert 'id="import-form"' in html and 'id="override-form"' in html


def test_a_bad_import_lists_the_rows_and_saves_nothing(personas, client_for):
    services.ensure_years(2027, 2027)
    before = list(Day.objects.values_list("date", "is_workday", "kind", "source"))
    rows = [("日期", "类型", "名称"), ("2027-01-01", "节假日", "元旦"), ("2027-02-30", "节假日", "春节"),
            ("2027-03-01", "放假吧", "")]
    response = client_for(personas.director).post("/calendar/import/", {"year": "2027", "file": csv_upload(rows)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "导入失败，共 2 处错误，数据库未做任何修改。" in html
    assert "<td>3</td><td>日期</td><td>日期“2027-02-30”不存在。</td>" in html
    assert "<td>4</td><td>类型</td>" in html
    assert list(Day.objects.values_list("date", "is_workday", "kind", "source")) == before
    assert CalendarYear.objects.get(year=2027).status == YearStatus.PROVISIONAL


def test_an_import_of_the_wrong_file_type_is_refused_in_chinese(personas, client_for):
    upload = SimpleUploadedFile("安排.docx", b"PK\x03\x04", content_type="application/octet-stream")
    response = client_for(personas.director).post("/calendar/import/", {"file": upload})
    assert response.status_code == 400
    assert "不支持的文件类型“.docx”" in response.content.decode()


def test_a_manager_overrides_a_day_and_it_shows_on_the_page_and_its_timeline(personas, client_for):
    client = client_for(personas.director)
    response = client.post("/calendar/override/", {"year": "2025", "date": "2025-10-09", "is_workday": "0",
                                                   "holiday_name": "本县延长假期"})
    assert response.status_code == 302 and response["Location"] == "/calendar/?year=2025"
    html = client.get(response["Location"]).content.decode()
    assert "已将 2025-10-09（周四）设为“本县延长假期”。" in html
    assert cell(html, "2025-10-09") == "day-holiday"
    assert "2025-10-09（周四）：本县延长假期，休息" in html
    day = Day.objects.get(date="2025-10-09")
    assert (day.is_workday, day.kind) == (False, DayKind.HOLIDAY)
    content_type = ContentType.objects.get_for_model(Day)
    timeline = client.get(f"/history/{content_type.pk}/2025-10-09/").content.decode()
    assert "由“工作日”调整为“本县延长假期”" in timeline


def test_an_override_without_a_date_shows_the_form_error(personas, client_for):
    response = client_for(personas.admin).post("/calendar/override/", {"year": "2025", "is_workday": "1"})
    assert response.status_code == 400
    assert "该字段是必填项。" in response.content.decode()


# --- Django admin --------------------------------------------------------------------------------

def test_changing_a_day_in_the_admin_goes_through_the_service_and_recounts(personas, client_for):
    services.ensure_years(2025, 2025)
    client = client_for(personas.admin)
    response = client.post("/admin/workdays/day/2025-10-09/change/", {"holiday_name": "本县延长假期"})
    assert response.status_code == 302, response.content.decode()[:2000]
    day = Day.objects.get(date="2025-10-09")
    assert (day.is_workday, day.kind, day.source) == (False, DayKind.HOLIDAY, "manual")
    assert services.add_workdays(date(2025, 9, 26), 5).date == date(2025, 10, 11)
    assert client.get("/admin/workdays/calendaryear/").status_code == 200
    assert client.get("/admin/workdays/day/add/").status_code == 403
