"""Related records shown with a record go through the scope layer too: a township admin who sees a
measure only as a supporting unit must not read, on that measure's page or in the API, an accountability
record about a person of another unit (the accountability list already hides it)."""
from datetime import date

import pytest

from tongban.rectification import services
from tongban.rectification.models import Measure

pytestmark = pytest.mark.django_db


def _staff(user):
    return user.staff


@pytest.fixture
def talk_with_the_section_chief(ledger, personas):
    """约谈 of 王股长 (市场准入股, out of 城关镇's scope) over the section's measure, which 城关镇 supports."""
    return services.record_accountability(
        action_kind="talk", reason_kind="overdue", measures=[ledger.section_measure], decided_on=date(2023, 11, 1),
        decided_by="中心党组", target_staff=_staff(personas.section_chief), notes="约谈王股长：台账填报敷衍",
        by=personas.rectification_office,
    )


def test_a_supporting_township_does_not_read_an_out_of_scope_accountability_on_the_measure_page(
        talk_with_the_section_chief, ledger, personas, client_for):
    township = client_for(personas.township_admin)
    html = township.get(ledger.section_measure.get_absolute_url()).content.decode()
    assert "制定年度工作方案" in html  # the page itself is theirs to read (a supporting unit)
    assert "约谈王股长" not in html and "王股长" not in html
    # the office, whose scope holds the section, still reads it there
    office = client_for(personas.rectification_office)
    assert "约谈王股长" in office.get(ledger.section_measure.get_absolute_url()).content.decode()


def test_the_api_lists_only_the_linked_measures_the_reader_may_open(ledger, personas, api_for, county):
    """An accountability in 城关镇's scope, linked to its own measure and to 王村乡's: the API names only
    the measure 城关镇 can open (the other answers 404 to them)."""
    record = services.record_accountability(
        action_kind="talk", reason_kind="overdue", measures=[ledger.township_measure, ledger.other_township_measure],
        decided_on=date(2023, 11, 2), decided_by="中心党组", target_unit=county.township_a,
        by=personas.rectification_office,
    )
    api = api_for(personas.township_admin)
    assert api.get(f"/api/v1/measures/{ledger.other_township_measure.pk}/").status_code == 404
    listed = {row["id"]: row for row in api.get("/api/v1/accountability/").json()["results"]}
    assert listed[record.pk]["measures"] == [ledger.township_measure.pk]
    detail = api.get(f"/api/v1/accountability/{record.pk}/").json()
    assert detail["measures"] == [ledger.township_measure.pk]
    # the office sees both links
    office = api_for(personas.rectification_office).get(f"/api/v1/accountability/{record.pk}/").json()
    assert sorted(office["measures"]) == sorted([ledger.township_measure.pk, ledger.other_township_measure.pk])


def test_the_measure_timeline_does_not_name_an_out_of_scope_accountability(
        talk_with_the_section_chief, ledger, personas, client_for):
    from tongban.history.templatetags.history import timeline_url

    url = timeline_url(ledger.section_measure)
    township_timeline = client_for(personas.township_admin).get(url).content.decode()
    assert "新增整改措施" in township_timeline  # the measure's own history is theirs to read
    assert "王股长" not in township_timeline
    assert "王股长" in client_for(personas.rectification_office).get(url).content.decode()


def test_an_intermediary_page_lists_only_the_services_of_items_in_scope(personas, county, client_for):
    """A township supervises an agency that also serves a county item: the township's page of the agency
    names only the township's own item."""
    from tongban.catalog import services as catalog
    from tongban.catalog.tests.helpers import make_item

    agency = catalog.create_intermediary(name="城关测绘", credit_code="91350100M000100Y43",
                                         supervising_unit=county.township_a)
    own = make_item("CG-001", county.township_a, name="乡镇农房测绘")
    county_item = make_item("XS-001", county.center, name="县级规划测绘审批")
    catalog.add_intermediary_service(own, name="农房测绘", agencies=[agency])
    catalog.add_intermediary_service(county_item, name="规划测绘", agencies=[agency])
    html = client_for(personas.township_admin).get(agency.get_absolute_url()).content.decode()
    assert "乡镇农房测绘" in html
    assert "县级规划测绘审批" not in html and "规划测绘（" not in html


def test_a_superuser_with_a_staff_record_has_their_units_measures_as_their_own(ledger, personas, county):
    """The county's picture is everyone's; 'my measures' of a superuser who works in the centre are the
    centre's and those they answer for, read from the staff record behind the login."""
    from tongban.org.models import Staff
    from tongban.rectification.home import my_measures

    admin = personas.admin
    assert set(my_measures(admin).values_list("text", flat=True)) == {"常态化开展回访"}  # led by the centre
    services.update_measure(ledger.other_township_measure, expected_version=None,
                            responsible_person=Staff.objects.get(user=admin))
    admin = type(admin).objects.get(pk=admin.pk)  # a new request: the scope is computed again
    assert set(my_measures(admin).values_list("text", flat=True)) == {"常态化开展回访", "开展政企回访"}


def test_a_superuser_without_a_staff_record_has_no_measures_of_their_own(ledger, county):
    from django.contrib.auth import get_user_model

    from tongban.rectification.home import my_measures

    root = get_user_model().objects.create_superuser(username="root", password="x")
    assert not my_measures(root).exists()
    assert Measure.objects.visible_to(root).count() == 4


@pytest.mark.parametrize(("persona", "overdue"), [
    ("director", ["常态化开展回访"]),  # county-wide: their own unit's (the centre's), not the county's
    ("section_chief", ["制定年度工作方案，细化分解为24项具体工作"]),
    ("window_clerk", ["常态化开展回访"]),
    ("township_admin", ["制定年度工作方案，细化分解为24项具体工作", "规范乡镇便民服务中心运行"]),  # supports the first
])
def test_each_personas_home_lists_their_units_overdue_measures(persona, overdue, ledger, personas):
    from types import SimpleNamespace

    from tongban.rectification.home import my_overdue

    content = my_overdue(SimpleNamespace(user=getattr(personas, persona)), date(2024, 3, 13))
    assert content.count == len(overdue)
    assert [measure.text for measure in content.context["measures"]] == overdue


def test_plain_staff_see_their_units_overdue_measures_at_home(ledger, county):
    from types import SimpleNamespace

    from tongban.org import services as org
    from tongban.rectification.home import my_overdue

    plain = org.create_staff(staff_no="plain", name="何干事", unit=county.township_b, role="staff", username="plain").user
    content = my_overdue(SimpleNamespace(user=plain), date(2024, 3, 13))
    assert [measure.text for measure in content.context["measures"]] == ["开展政企回访"]
