"""The daily qualification reminder: notifies once per qualification, however often it runs."""
from datetime import date, timedelta

import pytest

from tongban.catalog import services
from tongban.jobs.registry import get_job
from tongban.notifications.models import Notification

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


@pytest.fixture
def expiring(personas, county):
    agency = services.create_intermediary(name="安达消防技术", credit_code="91350100M000100Y43", supervising_unit=county.center)
    services.add_qualification(agency, name="消防检测资质", number="豫消检017", expires_on=TODAY + timedelta(days=12))
    services.add_qualification(agency, name="远期资质", number="Z9", expires_on=TODAY + timedelta(days=200))
    return agency


def test_the_job_is_registered_as_daily():
    spec = get_job("catalog.qualification_expiry")
    assert spec is not None and spec.frequency == "daily"


def test_expiring_qualifications_notify_the_centre_leaders_once(expiring, personas):
    run = get_job("catalog.qualification_expiry").func
    assert run(None, TODAY) == {"expiring": 1, "notified": 2}  # director and system admin of the centre
    assert run(None, TODAY + timedelta(days=1)) == {"expiring": 1, "notified": 0}  # dedupe_key
    message = Notification.objects.get(recipient=personas.director)
    assert "安达消防技术" in message.title and "2026-03-14" in message.body and "12 天" in message.body
    assert message.link == expiring.get_absolute_url()
    assert not Notification.objects.filter(recipient=personas.township_admin).exists()
