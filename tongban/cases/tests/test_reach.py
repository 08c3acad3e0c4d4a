"""CaseUnit (cases/reach.py), the units through which a unit scope reaches a case, stays what the cases and their
tasks say through the real services — and the case scope read through it answers as the long OR did."""
from __future__ import annotations

from tongban.cases import reach
from tongban.cases.models import Case, CaseUnit
from tongban.cases.services import intake, online
from tongban.cases.tests.conftest import person_applicant
from tongban.cases.tests.test_online import post_office  # noqa: F401 — a fixture


def stored(case) -> set[int]:
    return set(CaseUnit.objects.filter(case=case).values_list("unit_id", flat=True))


def test_a_received_case_has_a_row_for_its_intake_unit_and_each_reviewing_department(receive, county, restaurant,
                                                                                   case_people, personas):
    case = receive()
    assert stored(case) == {county.center.pk, county.department.pk, restaurant.fire_unit.pk, restaurant.water_unit.pk}
    assert {(case.pk, u) for u in stored(case)} == reach.wanted([case.pk])
    # The scope read through those rows: each reviewing department sees it, a township does not.
    for user in (case_people.fire_reviewer, case_people.water_reviewer, case_people.samr_reviewer):
        assert case in Case.objects.visible_to(user)
    assert case not in Case.objects.visible_to(personas.township_admin)
    assert case not in Case.objects.visible_to(personas.other_township_admin)


def test_a_forward_moves_the_rows_with_the_intake_unit_and_the_tasks(county, restaurant, case_people, personas):
    from tongban.catalog.services import delegate_item

    delegate_item(restaurant.drain, to=[county.township_a], mode="entrusted")
    case = intake.receive_case(by=case_people.township_clerk, window=county.township_window, item=restaurant.drain,
                               applicant=person_applicant())
    assert stored(case) == {county.township_a.pk}
    assert case not in Case.objects.visible_to(case_people.water_reviewer)
    case = online.forward(case, by=case_people.township_clerk, to_window=county.intake_window)
    # The task went to the county's water bureau; the township stays as the first hop.
    assert stored(case) == {county.center.pk, county.township_a.pk, restaurant.water_unit.pk}
    assert case in Case.objects.visible_to(case_people.water_reviewer)
    assert case in Case.objects.visible_to(personas.township_admin)
    assert case not in Case.objects.visible_to(personas.other_township_admin)


def test_an_outlet_case_forwarded_to_the_county(post_office, county, restaurant):  # noqa: F811
    unit, window, clerk = post_office
    case = intake.receive_case(by=clerk, window=window, item=restaurant.company, applicant=person_applicant(),
                               materials={"application_form": "received", "premises_proof": "received"})
    assert stored(case) == {unit.pk, county.department.pk}
    case = online.forward(case, by=clerk, to_window=county.intake_window)
    assert stored(case) == {unit.pk, county.center.pk, county.department.pk}


def test_sync_removes_what_no_longer_reaches_the_case(receive, county, restaurant, case_people):
    """A task moved to another unit by hand (no service does it yet): sync takes the old unit out."""
    case = receive()
    task = case.tasks.get(unit=restaurant.fire_unit)
    task.unit = restaurant.water_unit
    task.save(update_fields=["unit"])
    assert restaurant.fire_unit.pk in stored(case)
    reach.sync([case.pk])
    assert stored(case) == {county.center.pk, county.department.pk, restaurant.water_unit.pk}
    assert case not in Case.objects.visible_to(case_people.fire_reviewer)


def test_fill_adds_the_rows_of_cases_written_in_bulk(receive, county, restaurant):
    case = receive()
    CaseUnit.objects.filter(case=case).delete()
    reach.fill(case.pk, case.pk)
    assert stored(case) == {county.center.pk, county.department.pk, restaurant.fire_unit.pk, restaurant.water_unit.pk}
    reach.fill()  # again: nothing twice
    assert CaseUnit.objects.filter(case=case).count() == 4
