"""The org API: the same scope as the pages, related records included."""
import pytest

from tongban.org import services

pytestmark = pytest.mark.django_db


def test_units_in_charge_list_only_units_the_reader_may_see(county, personas, api_for, client_for):
    """A deputy of 城关镇 also in charge of 王村乡: 城关镇's admin reads only 城关镇 among the units in
    charge, in the API as on the page."""
    deputy = services.create_staff(staff_no="deputy", name="吴副镇长", unit=county.township_a,
                                   units_in_charge=[county.township_a, county.township_b])
    row = api_for(personas.township_admin).get(f"/api/v1/staff/{deputy.pk}/").json()
    assert row["units_in_charge"] == [county.township_a.pk]
    office = api_for(personas.director).get(f"/api/v1/staff/{deputy.pk}/").json()
    assert sorted(office["units_in_charge"]) == sorted([county.township_a.pk, county.township_b.pk])


# --- a staff member's phone number: whole only for those who manage the person, and who saw it is recorded


PHONE = "13800001234"
MASKED_PHONE = "138****1234"


@pytest.fixture
def officer(county):
    """A person of 城关镇 with a phone number."""
    return services.create_staff(staff_no="cg-7", name="郑办事", unit=county.township_a, phone=PHONE)


def _phone_views(staff):
    from tongban.history.models import DomainEvent

    return list(DomainEvent.objects.filter(object_id=str(staff.pk), code="org.staff.phone_viewed")
                .values_list("actor__username", flat=True))


def test_a_reader_who_does_not_manage_the_person_sees_the_phone_masked(officer, personas, api_for, client_for):
    inspector_api = api_for(personas.inspector)  # county-wide reader, manages no one
    assert inspector_api.get(f"/api/v1/staff/{officer.pk}/").json()["phone"] == MASKED_PHONE
    listed = {row["id"]: row for row in inspector_api.get("/api/v1/staff/", {"page_size": 200}).json()["results"]}
    assert listed[officer.pk]["phone"] == MASKED_PHONE
    html = client_for(personas.inspector).get(officer.get_absolute_url()).content.decode()
    assert MASKED_PHONE in html and PHONE not in html
    assert _phone_views(officer) == []  # nobody saw the whole number


def test_the_manager_sees_the_whole_phone_and_that_is_recorded_once_a_day(officer, personas, api_for, client_for):
    township = api_for(personas.township_admin)  # manages 城关镇's staff
    assert township.get(f"/api/v1/staff/{officer.pk}/").json()["phone"] == PHONE
    listed = {row["id"]: row for row in township.get("/api/v1/staff/").json()["results"]}
    assert listed[officer.pk]["phone"] == PHONE
    html = client_for(personas.township_admin).get(officer.get_absolute_url()).content.decode()
    assert PHONE in html
    assert _phone_views(officer) == ["township"]  # one row for the day, however often it was seen
    assert api_for(personas.director).get(f"/api/v1/staff/{officer.pk}/").json()["phone"] == PHONE
    assert sorted(_phone_views(officer)) == ["director", "township"]


def test_the_org_export_hands_out_whole_phones_and_records_who_took_them(officer, personas, client_for):
    response = client_for(personas.director).get("/org/export.xlsx")
    assert response.status_code == 200
    assert _phone_views(officer) == ["director"]
