"""约谈 with the notice to the home unit, and 退回 only after the window and open work were handed over."""
from __future__ import annotations

import datetime as dt

import pytest

from tongban.notifications.models import Notification
from tongban.staffing import indicators
from tongban.staffing.models import StaffReturn, Talk


@pytest.mark.django_db
def test_a_talk_is_recorded_and_the_home_unit_is_told(personas, client_for, county):
    from tongban.org import services as org

    head = org.create_staff(staff_no="samr-head", name="吴局长", unit=county.department, role="unit_head",
                            username="samrhead", password="x").user
    clerk = org.create_staff(staff_no="samr-1", name="郑窗口", unit=county.department, role="window_clerk",
                             window=county.specialist_window)
    client = client_for(personas.director)
    response = client.post("/staffing/talks/", {"staff": clerk.pk, "held_on": "2026-06-10", "reason": "多次迟到",
                                                "agreed": "保证按时到岗"})
    assert response.status_code == 302
    talk = Talk.objects.get()
    assert talk.home_unit == county.department
    assert Notification.objects.filter(recipient=head, title__contains="郑窗口").exists()
    assert "多次迟到" in client.get("/staffing/talks/").content.decode()
    _, by_staff = indicators.month_indicators(2026, 6, today=dt.date(2026, 7, 1))
    assert by_staff[clerk.pk].count("talks") == 1
    # The chief of another unit neither records nor sees it.
    other = client_for(personas.other_township_admin)
    assert "多次迟到" not in other.get("/staffing/talks/").content.decode()
    assert other.post("/staffing/talks/", {}).status_code == 403
    client = client_for(personas.director)  # one test client: log the director in again
    response = client.post("/staffing/talks/", {"staff": clerk.pk, "held_on": "2026-06-10", "reason": " ", "agreed": "x"})
    assert response.status_code == 200 and Talk.objects.count() == 1


@pytest.mark.django_db
def test_a_return_waits_for_the_hand_over_of_the_window(personas, client_for, county):
    clerk = personas.window_clerk.staff
    successor = personas.rectification_office.staff
    client = client_for(personas.inspector)
    url = f"/staffing/staff/{clerk.pk}/return/"
    page = client.get(url).content.decode()
    assert "综合受理一号窗" in page
    response = client.post(url, {"return": "1", "returned_on": "2026-06-30", "reason": "作风不良"}, follow=True)
    assert "还有未交接的工作" in response.content.decode() and not StaffReturn.objects.exists()
    client.post(url, {"hand_over": "1", "to": successor.pk})
    clerk.refresh_from_db()
    successor.refresh_from_db()
    assert clerk.window is None and successor.window == county.intake_window
    response = client.post(url, {"return": "1", "returned_on": "2026-06-30", "reason": "作风不良"})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_active and StaffReturn.objects.get().home_unit == clerk.unit
    assert "作风不良" in client.get("/staffing/talks/").content.decode()
    assert client_for(personas.section_chief).get(url).status_code == 403


@pytest.mark.django_db
def test_open_measures_are_handed_over_through_the_rectification_service(personas, county):
    from tongban.rectification import services as rect
    from tongban.rectification.models import Measure
    from tongban.staffing import services

    inspection = rect.create_inspection(title="巡察", body="县委第一巡察组", inspected_unit=county.center,
                                        feedback_date=dt.date(2026, 5, 1))
    finding = rect.add_finding(inspection, description="窗口纪律松散")
    clerk, successor = personas.window_clerk.staff, personas.rectification_office.staff
    measure = rect.create_measure(text="整顿窗口纪律", lead_unit=county.center, finding=finding,
                                  responsible_person=clerk, deadline=dt.date(2026, 8, 1))
    done = services.hand_over(clerk, to=successor, by=personas.director)
    assert len(done) == 2
    measure = Measure.objects.get(pk=measure.pk)
    assert measure.responsible_person == successor
    clerk.refresh_from_db()
    services.return_staff(clerk, returned_on=dt.date(2026, 8, 2), reason="不适岗", by=personas.director)
    with pytest.raises(Exception, match="已不在岗"):
        services.return_staff(clerk, returned_on=dt.date(2026, 8, 3), reason="再次", by=personas.director)
