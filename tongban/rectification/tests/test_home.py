"""The 工作台 as each persona sees it, with a real ledger on 2023-10-20:

- 市场准入股's measure (due 2023-09-30, 城关镇 supporting) has evidence and asked for 销号 → overdue, waiting
  for sign-off;
- 城关镇's measure (due 2023-10-31) was started without evidence → due soon, evidence to add;
- 王村乡's measure was signed off and has a 回头看 planned for 2023-10-25;
- the centre's ongoing measure (next checkpoint 2023-12-31) is not started.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tongban.rectification import services
from tongban.rectification.tests.conftest import upload

pytestmark = pytest.mark.django_db

TODAY = datetime(2023, 10, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def work(ledger, personas, django_capture_on_commit_callbacks):
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.add_progress(ledger.section_measure, text="方案已印发", files=[upload("方案.pdf")],
                              by=personas.section_chief)
        services.submit_for_signoff(ledger.section_measure, by=personas.section_chief)
        services.add_progress(ledger.township_measure, text="已开始规范", by=personas.township_admin)
        services.add_progress(ledger.other_township_measure, text="回访完成", files=[upload("回访.pdf")],
                              by=personas.other_township_admin)
        services.submit_for_signoff(ledger.other_township_measure, by=personas.other_township_admin)
        services.verify_measure(ledger.other_township_measure, by=personas.rectification_office)
        services.schedule_revisit(ledger.other_township_measure, scheduled_date=date(2023, 10, 25),
                                  by=personas.rectification_office)
    return ledger


def home_of(client_for, user):
    with time_machine.travel(TODAY, tick=False):
        response = client_for(user).get("/workbench/")
    assert response.status_code == 200
    return response


def sections(response) -> dict:
    """{section key: texts of what it lists} for the sections shown."""
    shown = {}
    for section, _html in response.context["sections"]:
        context = section.content.context
        rows = context.get("measures") or context.get("revisits") or context.get("messages") or []
        shown[section.section.key] = [getattr(row, "text", None) or getattr(row, "measure", row).__str__()
                                      for row in rows]
    return shown


def test_the_director_sees_the_signoff_waiting_the_revisit_due_and_the_county_picture(work, personas, client_for):
    response = home_of(client_for, personas.director)
    shown = sections(response)

    assert shown["rectification.signoff"] == ["制定年度工作方案，细化分解为24项具体工作"]
    assert shown["rectification.revisits"] == ["开展政企回访"]
    assert shown["rectification.overdue"] == []  # the centre's own measure is ongoing, next node in December
    assert shown["rectification.due_soon"] == []
    county = next(s for s, _ in response.context["sections"] if s.section.key == "rectification.county")
    buckets = county.content.context["buckets"]
    assert (buckets.total, buckets.verified, buckets.ongoing, buckets.open, buckets.overdue) == (4, 1, 0, 3, 1)
    html = response.content.decode()
    assert 'id="rect-chart-data"' in html and "/static/vendor/echarts/echarts.min.js" in html


def test_the_rectification_office_sees_what_waits_for_its_signoff(work, personas, client_for):
    shown = sections(home_of(client_for, personas.rectification_office))

    assert shown["rectification.signoff"] == ["制定年度工作方案，细化分解为24项具体工作"]
    assert "rectification.county" in shown


def test_the_person_who_asked_for_signoff_does_not_see_it_waiting_for_themselves(work, personas, client_for):
    """The office asks for 销号 of the centre's measure itself: four eyes, someone else signs it off."""
    with time_machine.travel(TODAY, tick=False):
        services.add_progress(work.ongoing_measure, text="已开展", files=[upload("记录.pdf")],
                              by=personas.rectification_office)
        services.submit_for_signoff(work.ongoing_measure, by=personas.rectification_office)

    office = sections(home_of(client_for, personas.rectification_office))
    director = sections(home_of(client_for, personas.director))

    assert office["rectification.signoff"] == ["制定年度工作方案，细化分解为24项具体工作"]
    assert director["rectification.signoff"] == ["制定年度工作方案，细化分解为24项具体工作", "常态化开展回访"]


def test_the_section_chief_sees_their_overdue_measure_and_nothing_to_sign_off(work, personas, client_for):
    response = home_of(client_for, personas.section_chief)
    shown = sections(response)

    assert shown["rectification.overdue"] == ["制定年度工作方案，细化分解为24项具体工作"]
    assert "rectification.signoff" not in shown  # the rule: only the office, leaders and admins sign off
    assert "rectification.revisits" not in shown and "rectification.county" not in shown
    # due 2023-09-30, inside the National Day holiday: due on 10-07 (a working Saturday); today 2023-10-20
    assert "逾期 13 天" in response.content.decode()


def test_the_township_admin_sees_due_soon_evidence_to_add_and_the_measure_they_support(work, personas, client_for):
    response = home_of(client_for, personas.township_admin)
    shown = sections(response)

    assert shown["rectification.due_soon"] == ["规范乡镇便民服务中心运行"]
    assert shown["rectification.evidence"] == ["规范乡镇便民服务中心运行"]
    assert shown["rectification.overdue"] == ["制定年度工作方案，细化分解为24项具体工作"]  # 城关镇 supports it
    assert "11 天后到期" in response.content.decode()


def test_the_other_township_admin_has_nothing_due_and_every_empty_section_says_what_comes(work, personas, client_for):
    response = home_of(client_for, personas.other_township_admin)
    shown = sections(response)
    html = response.content.decode()

    assert shown["rectification.overdue"] == shown["rectification.due_soon"] == shown["rectification.evidence"] == []
    assert "超过完成时限仍未销号时，会出现在这里" in html
    assert "先打开整改台账" in html
    assert "规范乡镇便民服务中心运行" not in html  # another township's measure never shows


def test_the_window_clerk_no_longer_sees_unit_and_window_counts(work, personas, client_for):
    html = home_of(client_for, personas.window_clerk).content.decode()
    shown = sections(home_of(client_for, personas.window_clerk))

    assert "单位构成" not in html and 'id="count-windows"' not in html
    assert "rectification.signoff" not in shown and "rectification.county" not in shown
    assert set(shown) >= {"rectification.overdue", "rectification.due_soon", "notifications.unread"}


def test_the_inspector_reads_the_county_picture_but_signs_off_nothing(work, personas, client_for):
    shown = sections(home_of(client_for, personas.inspector))

    assert "rectification.county" in shown
    assert "rectification.signoff" not in shown and "rectification.revisits" not in shown


def test_unread_messages_are_listed_and_their_count_shown(work, personas, client_for):
    """王村乡's admin was told that their measure was signed off and that a 回头看 is planned (newest first)."""
    shown = sections(home_of(client_for, personas.other_township_admin))

    assert shown["notifications.unread"] == ["回头看安排：开展政企回访", "已销号：开展政企回访"]
