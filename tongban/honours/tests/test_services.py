"""Nomination and decision through the services: who may, what is checked, what is recorded."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.honours.choices import HonourStatus
from tongban.honours.periods import HonourPeriod
from tongban.honours.tests.conftest import OCTOBER

pytestmark = pytest.mark.django_db
TODAY = date(2025, 11, 5)
PERIOD = HonourPeriod.of("monthly", OCTOBER)


def _nominate(hall, who, by, kind="service-star", period=PERIOD):
    from tongban.honours import services

    return services.nominate(hall.kinds[kind], period, subject=who, reason="全月零差评，群众评价高", by=by, today=TODAY)


def test_the_office_nominates_a_candidate_with_the_figures_of_the_day(hall, personas):
    from tongban.history.models import DomainEvent

    honour = _nominate(hall, hall.star, personas.rectification_office)
    assert honour.status == HonourStatus.NOMINATED and honour.unit == hall.star.unit
    assert honour.figures["ratings"] == 2 and honour.figures["score"] == "99.50"
    assert honour.subject_name == "郑标兵" and honour.period_end == date(2025, 10, 31)
    codes = set(DomainEvent.objects.filter(code="honours.nominated").values_list("object_id", flat=True))
    assert codes == {str(honour.pk), str(hall.star.pk)}  # on the honour's and the person's timeline


def test_a_subject_that_fails_a_rule_is_not_nominated_and_told_why(hall, personas):
    with pytest.raises(ValidationError, match="迟到早退 1 次"):
        _nominate(hall, hall.late, personas.rectification_office)
    with pytest.raises(ValidationError, match="不在服务标兵的评选范围内"):
        _nominate(hall, personas.director.staff, personas.rectification_office)  # not at a window


def test_a_subject_is_nominated_once_per_kind_and_period(hall, personas):
    _nominate(hall, hall.star, personas.rectification_office)
    with pytest.raises(ValidationError, match="本期已提名过"):
        _nominate(hall, hall.star, personas.rectification_office)


def test_only_the_office_nominates_and_only_a_leader_decides(hall, personas):
    from tongban.honours import services

    for user in (personas.director, personas.township_admin, personas.window_clerk):
        with pytest.raises(PermissionDenied):
            _nominate(hall, hall.star, user)
    honour = _nominate(hall, hall.star, personas.rectification_office)
    for user in (personas.rectification_office, personas.inspector, personas.township_admin):
        with pytest.raises(PermissionDenied):
            services.decide(honour, award=True, note="同意", by=user)


def test_a_leader_awards_with_a_numbered_decision_and_the_person_hears_of_it(hall, personas):
    from tongban.honours import services
    from tongban.notifications.models import Notification

    honour = services.decide(_nominate(hall, hall.star, personas.rectification_office), award=True,
                             note="同意授予", by=personas.director)
    assert honour.status == HonourStatus.AWARDED and honour.decided_by == personas.director
    assert honour.decision_number.endswith("1号")
    assert Notification.objects.filter(recipient=hall.star.user, title__contains="服务标兵").exists()
    with pytest.raises(ValidationError, match="已决定"):
        services.decide(honour, award=False, note="再议", by=personas.director)
    other = services.decide(_nominate(hall, hall.wangcun, personas.rectification_office), award=False,
                            note="本期名额用于窗口一线", by=personas.director)
    assert other.status == HonourStatus.REJECTED and other.decision_number.endswith("2号")


def test_awards_never_exceed_the_places(hall, personas):
    from tongban.honours import services

    kind = hall.kinds["service-star"]
    kind.places = 1
    kind.save()
    services.decide(_nominate(hall, hall.star, personas.rectification_office), award=True, note="同意",
                    by=personas.director)
    second = _nominate(hall, hall.wangcun, personas.rectification_office)
    with pytest.raises(ValidationError, match="名额 1 个已满"):
        services.decide(second, award=True, note="同意", by=personas.director)
    second.refresh_from_db()
    assert second.status == HonourStatus.NOMINATED and second.decision_number is None


def test_a_decision_needs_a_note_and_a_nomination_a_reason(hall, personas):
    from tongban.honours import services

    with pytest.raises(ValidationError, match="提名理由"):
        services.nominate(hall.kinds["service-star"], PERIOD, subject=hall.star, reason="  ",
                          by=personas.rectification_office, today=TODAY)
    honour = _nominate(hall, hall.star, personas.rectification_office)
    with pytest.raises(ValidationError, match="决定意见"):
        services.decide(honour, award=True, note=" ", by=personas.director)


def test_a_quarterly_kind_refuses_a_month(hall, personas):
    with pytest.raises(ValidationError, match="评选期不对"):
        _nominate(hall, hall.star, personas.rectification_office, kind="party-model", period=PERIOD)
    honour = _nominate(hall, hall.star, personas.rectification_office, kind="party-model",
                       period=HonourPeriod.parse("2025-Q4", "quarterly"))
    assert honour.period_label == "2025年第四季度"


@pytest.mark.parametrize("wording, reason", [
    ("县政务服务中心评优〔{year}〕{n号", "花括号"),
    ("县政务服务中心评优〔{year}〕{x}号", "{x}"),
    ("县政务服务中心评优第{n}号", "{year}"),
    ("县政务服务中心评优〔{year}〕号", "{n}"),
    ("评优〔{year:s}〕{n}号", "试排"),
    ("评优〔{year}〕{n:020d}号" + "长" * 35, "超过 60 个字"),  # 54 characters, its numbers 64
])
def test_a_decision_number_wording_that_cannot_number_every_year_is_refused(wording, reason):
    from tongban.honours.models import HonourSettings

    settings = HonourSettings.load()
    settings.number_format = wording
    with pytest.raises(ValidationError, match=reason) as refused:
        settings.full_clean()
    assert "number_format" in refused.value.message_dict


def test_a_wording_with_year_and_number_is_accepted():
    from tongban.honours.models import HonourSettings

    settings = HonourSettings.load()
    settings.number_format = "县政务服务中心评优字〔{year}〕第{n:03d}号"
    settings.full_clean()


def test_a_bad_wording_stored_anyway_makes_decide_refuse_in_words_not_fail(hall, personas):
    from tongban.honours import services
    from tongban.honours.models import HonourSettings

    honour = _nominate(hall, hall.star, personas.rectification_office)
    HonourSettings.load()
    HonourSettings.objects.filter(pk=1).update(number_format="评优〔{year}〕{n号")  # as a raw SQL edit would
    with pytest.raises(ValidationError, match="决定文号格式"):
        services.decide(honour, award=True, note="同意授予", by=personas.director)
    honour.refresh_from_db()
    assert honour.status == HonourStatus.NOMINATED and HonourSettings.load().last_number == 0
