"""督办单, escalation, the department's reply and the one measure per unit and month — through the daily job's
own service, on real cases."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tongban.notifications.models import Notification
from tongban.supervision import services
from tongban.supervision.choices import MeasureTrigger, UrgeStatus
from tongban.supervision.models import Card, MeasureOpening, SupervisionSettings, Urge, UrgeEscalation

pytestmark = pytest.mark.django_db


def set_policy(**values):
    policy = SupervisionSettings.load()
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()


def run_days(*days):
    return [services.daily(day) for day in days]


def test_a_card_raises_one_urge_to_the_responsible_department_with_a_reply_deadline(accepted, county, case_people):
    case = accepted(date(2025, 9, 26))
    run_days(date(2025, 9, 26), date(2025, 10, 9))
    urges = Urge.objects.filter(case=case)
    # The yellow cards of the case's promised clock (intake unit: the centre) and of the department's task.
    assert {u.unit_id for u in urges} == {county.center.pk, county.department.pk}
    # Two working days after 10-09: 10-10 and Saturday 10-11 (a National Day make-up workday).
    assert all(u.reply_due == date(2025, 10, 11) for u in urges)
    samr = Notification.objects.filter(recipient=case_people.samr_reviewer, code="supervision.urge")
    assert samr.count() == 1 and case.number in samr.get().body
    run_days(date(2025, 10, 9))  # the same day again
    assert Urge.objects.filter(case=case).count() == 2
    assert Notification.objects.filter(recipient=case_people.samr_reviewer, code="supervision.urge").count() == 1


def test_an_unanswered_urge_climbs_one_level_a_day_up_to_the_red_notice_to_the_units_leader(accepted, county, case_people, personas):
    from tongban.org.models import Staff

    Staff.objects.filter(user=personas.director).get().units_in_charge.add(county.department)
    case = accepted(date(2025, 9, 26))
    run_days(date(2025, 9, 26), date(2025, 10, 9))
    urge = Urge.objects.get(case=case, unit=county.department)
    deadline = urge.reply_due
    run_days(deadline)  # not yet past
    assert Urge.objects.get(pk=urge.pk).level == 0
    run_days(date(2025, 10, 13))
    urge.refresh_from_db()
    assert urge.level == 1 and urge.reply_due == date(2025, 10, 14)
    run_days(date(2025, 10, 13))  # again: nothing climbs twice
    assert UrgeEscalation.objects.filter(urge=urge).count() == 1
    run_days(date(2025, 10, 14))
    assert Urge.objects.get(pk=urge.pk).level == 1
    run_days(date(2025, 10, 15))
    urge.refresh_from_db()
    assert urge.level == 2
    run_days(date(2025, 10, 17))
    urge.refresh_from_db()
    assert urge.level == 3 and urge.level_name == "红色通报"
    # The director is in charge of the department (分管) and leads the centre: one red notice for each unit.
    red = Notification.objects.filter(code="supervision.escalation.3", recipient=personas.director)
    assert sorted(n.title.split("：")[1].split(" ")[0] for n in red) == sorted([county.department.name, county.center.name])
    assert not Notification.objects.filter(code="supervision.escalation.3", recipient=case_people.samr_reviewer).exists()
    run_days(date(2025, 10, 27))
    assert Urge.objects.get(pk=urge.pk).level == 3  # the top of the ladder


def test_a_reply_stops_the_escalation(accepted, county, case_people):
    case = accepted(date(2025, 9, 26))
    run_days(date(2025, 9, 26), date(2025, 10, 9))
    urge = Urge.objects.get(case=case, unit=county.department)
    services.reply_to_urge(urge, text="已约请申请人现场核查，10月14日前办结。", by=case_people.samr_reviewer,
                           on=date(2025, 10, 10))
    run_days(date(2025, 10, 14), date(2025, 10, 20))
    urge.refresh_from_db()
    assert urge.status == UrgeStatus.REPLIED and urge.level == 0


def test_only_the_responsible_department_may_reply_and_only_once(accepted, county, case_people, personas):
    case = accepted(date(2025, 9, 26))
    run_days(date(2025, 9, 26), date(2025, 10, 9))
    urge = Urge.objects.get(case=case, unit=county.department)
    with pytest.raises(ValidationError) as refused:
        services.reply_to_urge(urge, text="不归我管", by=case_people.fire_reviewer)
    assert refused.value.code == "urge_not_responsible"
    with pytest.raises(ValidationError) as empty:
        services.reply_to_urge(urge, text="  ", by=case_people.samr_reviewer)
    assert empty.value.code == "urge_reply_required"
    services.reply_to_urge(urge, text="已办结", by=case_people.samr_reviewer)
    with pytest.raises(ValidationError) as twice:
        services.reply_to_urge(urge, text="再答一次", by=case_people.samr_reviewer)
    assert twice.value.code == "urge_already_replied"


def test_red_cards_open_one_measure_per_unit_and_month(accepted, county):
    from tongban.rectification.models import Measure

    cases = [accepted(date(2025, 9, d)) for d in (24, 25, 26)]
    run_days(date(2025, 9, 24), date(2025, 10, 13), date(2025, 10, 14), date(2025, 10, 20))
    assert Card.objects.filter(color="red", unit=county.department).count() >= 3
    measures = Measure.objects.filter(source_kind="overdue_case")
    assert sorted(measures.values_list("lead_unit_id", flat=True)) == sorted([county.center.pk, county.department.pk])
    opening = MeasureOpening.objects.get(unit=county.department, month=date(2025, 10, 1))
    assert opening.measure.deadline > date(2025, 10, 13) and "2025年10月" in opening.measure.text
    assert opening.measure.source in cases
    run_days(date(2025, 10, 21), date(2025, 10, 22))
    assert measures.count() == 2
    # November: the statutory clocks (20 working days, the centre's) have gone overdue — a new month, a new
    # measure for the units with November cards only, and only once.
    set_policy(measure_trigger=MeasureTrigger.OVERDUE)
    run_days(date(2025, 11, 3))
    november = set(Card.objects.filter(month=date(2025, 11, 1)).values_list("unit_id", flat=True))
    assert set(MeasureOpening.objects.filter(month=date(2025, 11, 1)).values_list("unit_id", flat=True)) == november
    assert november and measures.count() == 2 + len(november)
    run_days(date(2025, 11, 4))
    assert measures.count() == 2 + len(november)


def test_with_the_rule_off_no_measure_is_opened(accepted):
    from tongban.rectification.models import Measure

    set_policy(measure_trigger=MeasureTrigger.OFF)
    accepted(date(2025, 9, 26))
    run_days(date(2025, 9, 26), date(2025, 10, 13))
    assert not Measure.objects.filter(source_kind="overdue_case").exists()


def test_repeat_yellow_cards_of_a_unit_turn_red(accepted, county):
    from tongban.supervision.models import Clock

    set_policy(repeat_yellow_cards=2)
    first, second, third = (accepted(date(2025, 9, day)) for day in (22, 23, 24))  # due 09-28, 09-29, 09-30
    for day in (24, 26, 28):
        services.daily(date(2025, 9, day))
    # Two yellow cards of the department's tasks this month already: the third 临期 task is carded red.
    assert Card.objects.filter(unit=county.department, month=date(2025, 9, 1), color="yellow").count() == 2
    services.daily(date(2025, 9, 29))
    third_task = Clock.objects.get(task__case=third)
    assert (third_task.card, third_task.card_reason) == ("red", "repeat")
    assert Card.objects.filter(clock=third_task).values_list("color", "reason").get() == ("red", "repeat")
    assert services.daily(date(2025, 9, 29))["changed"] == 0
    assert Clock.objects.get(task__case=third).card == "red"
