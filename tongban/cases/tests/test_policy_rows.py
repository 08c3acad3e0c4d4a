"""The policy rows and the clocks (the 1M-case report of 2026-11-30): on a database loaded as `tongban bench cases`
loads it, the first intake wrote the settings row and re-dated every stored clock in its own transaction (ten
minutes at a million cases, 19 other intakes waiting on the row). The first intake must cost what any intake
costs, whatever the number of cases; a real change of a clock setting still re-dates the open cases."""
from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from tongban.cases import bench
from tongban.cases.models import Case, CaseSettings
from tongban.cases.services import intake
from tongban.cases.tests.conftest import person_applicant
from tongban.core.models import PolicySettingsModel
from tongban.workdays import clocks
from tongban.workdays.models import CalendarYear, Day

pytestmark = pytest.mark.django_db


def counting_recomputers(monkeypatch) -> list[str]:
    """Every registered recomputer, wrapped to record its calls (the registry holds the functions themselves)."""
    calls: list[str] = []
    for name, (recompute, model) in list(clocks._recomputers.items()):
        def wrapped(since, _name=name, _recompute=recompute):
            calls.append(_name)
            return _recompute(since)
        monkeypatch.setitem(clocks._recomputers, name, (wrapped, model))
    return calls


def test_every_policy_row_is_there_after_migrate_without_a_request_creating_it():
    policies = [m for m in apps.get_models() if issubclass(m, PolicySettingsModel)]
    assert len(policies) >= 10
    for model in policies:
        model.objects.all().delete()
    call_command("migrate", verbosity=0)  # post_migrate, as every deployment and test database runs it
    assert {m.__name__: list(m.objects.values_list("pk", flat=True)) for m in policies} == {
        m.__name__: [1] for m in policies}
    assert CaseSettings.objects.get().intake_workdays == 5  # the field defaults, nothing else


def test_the_first_intake_on_a_bench_loaded_database_re_dates_no_other_case(county, case_people, restaurant,
                                                                              monkeypatch):
    Day.objects.all().delete()  # a new database: no calendar yet
    CalendarYear.objects.all().delete()
    CaseSettings.objects.all().delete()
    center, depts, windows, items, *_ = bench._cases_corner(2)
    bench._load(6, 0, depts, windows, items, log=lambda _: None)
    stored = dict(Case.objects.values_list("pk", "warn_date"))
    calls = counting_recomputers(monkeypatch)
    case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.fire,
                               applicant=person_applicant(), received_on=date(2026, 12, 1))
    assert calls == []  # no clock of any other case was recomputed: the cost does not grow with their number
    assert dict(Case.objects.exclude(pk=case.pk).values_list("pk", "warn_date")) == stored
    assert CaseSettings.objects.count() == 1


def _admin_save(client, **changes) -> list[str]:
    """系统管理 → 办件设置, saved through the admin page as a person saves it; returns the page's messages."""
    from django.forms.models import model_to_dict

    policy = CaseSettings.load()
    data = {name: ("" if value is None else value) for name, value in model_to_dict(policy).items() if name != "id"}
    data.update(changes)
    response = client.post(reverse("admin:cases_casesettings_change", args=[policy.pk]), data, follow=True)
    assert response.status_code == 200
    assert not response.context.get("errors"), response.context.get("errors")
    return [str(m) for m in response.context["messages"]]


def test_saving_the_policy_unchanged_re_dates_nothing(county, case_people, restaurant, admin_client):
    intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.fire,
                        applicant=person_applicant(), received_on=date(2026, 12, 1))
    Case.objects.update(warn_date=date(2026, 12, 2))  # stale on purpose: only a recompute would rewrite it
    _admin_save(admin_client, region_code="410001")  # not a clock setting
    assert set(Case.objects.values_list("warn_date", flat=True)) == {date(2026, 12, 2)}


def test_a_real_change_of_the_warning_days_re_dates_the_open_cases(county, case_people, restaurant, admin_client):
    case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.fire,
                               applicant=person_applicant(), received_on=date(2026, 12, 1))
    assert case.warn_date == date(2026, 12, 7)  # due Tue 12-08, warned one workday before
    messages = _admin_save(admin_client, warn_workdays=2)
    case.refresh_from_db()
    assert (case.warn_workdays, case.warn_date, case.due_date) == (3, date(2026, 12, 4), date(2026, 12, 8))
    assert any("1 件" in text for text in messages), messages


def test_a_regional_profile_that_changes_the_warning_days_re_dates_the_open_cases_too(county, case_people, restaurant,
                                                                                       admin_user):
    import json

    from tongban.assessment import profiles

    case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.fire,
                               applicant=person_applicant(), received_on=date(2026, 12, 1))
    profile = json.loads(profiles.export())
    profile["settings"]["cases.CaseSettings"]["warn_workdays"] = 2
    assert profiles.apply(json.dumps(profile).encode(), by=admin_user) == 1
    case.refresh_from_db()
    assert (case.warn_workdays, case.warn_date, case.due_date) == (3, date(2026, 12, 4), date(2026, 12, 8))
