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
