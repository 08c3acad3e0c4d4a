"""`tongban demo` adds ~5,000 cases once: a core through the real services, the bulk set-based with what the
services would store, every clock from the one calendar, the mix measured through the project's selectors.

The demo is built once for the module, inside a transaction rolled back at the end (as core/tests/test_api_scopes
does): building it takes a while, and each test's own atomic block nests inside it."""
import re
from collections import Counter

import pytest
from django.db.models import F
from django.utils import timezone

from tongban.cases.models import Case, CaseEvent, CaseMaterial, CaseNumberSequence, CaseTask, Handover, Suspension

pytestmark = pytest.mark.django_db

TABLES = (Case, CaseTask, CaseMaterial, CaseEvent, Suspension, Handover)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    from tongban.cases.demo import build_demo
    from tongban.catalog.demo import build_demo_catalog
    from tongban.org.demo import build_demo_county

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            county = build_demo_county()
            build_demo_catalog()
            said = build_demo(county)
            print(f"\ntongban demo (cases): {said}")
            yield county, said
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def share(count: int) -> float:
    return count / Case.objects.count()


def test_the_demo_adds_five_thousand_cases_and_says_how_long_it_took(demo):
    _, said = demo
    found = re.fullmatch(r"新增办件 5,000 件：经办理服务 57 件（\d+\.\d 秒），批量写入 4,943 件（\d+\.\d 秒）"
                         r"；网上与网点办件 (\d+) 件（\d+\.\d 秒）", said)
    assert found, said
    assert Case.objects.count() == 5000 + int(found.group(1))
    assert Case.objects.filter(channel__in=["online", "mobile"]).count() == 3
    assert Case.objects.filter(channel="online", status="correcting").exists()  # one waits for the applicant
    assert Case.objects.filter(channel="outlet").count() == 2
    assert Case.objects.filter(first_unit__isnull=False).count() == 2  # 异地代收 and 多地联办


def test_the_core_keeps_every_status_and_the_hand_checked_township_cases(demo):
    from tongban.cases.demo_bulk import bulk_cases

    core = Case.objects.exclude(pk__in=bulk_cases().values("pk")).filter(channel="window", first_unit__isnull=True)
    assert core.count() == 57  # besides the channel demo's (demo_online)
    assert set(core.values_list("status", flat=True)) == {
        "received", "correcting", "reviewing", "suspended", "ready", "closed", "refused", "withdrawn"}
    assert core.filter(accepted_with_pending=True).count() == 4
    township = Case.objects.filter(intake_unit__name__in=["城关镇便民服务中心", "李集镇便民服务中心"])
    assert sorted(township.values_list("intake_unit__name", flat=True)) == ["城关镇便民服务中心"] * 3 + ["李集镇便民服务中心"] * 2


def test_the_mix_through_the_selectors(demo):
    """The figures docs/cases.md states, counted by the one definition of each (selectors)."""
    from django.db.models import Count

    from tongban.cases.selectors import due_soon_q, overdue_q

    today = timezone.localdate()
    # Exact counts: the pages' status_counts stop counting at selectors.COUNT_CAP (a bound for a million cases).
    counts = dict(Case.objects.values_list("status").annotate(n=Count("pk")).order_by())
    closed_on_time = Case.objects.filter(status="closed", decided_on__lte=F("due_date")).count()
    open_ = Case.objects.filter(status__in=["received", "correcting", "reviewing", "suspended"])
    overdue, due_soon = Case.objects.filter(overdue_q(today)).count(), Case.objects.filter(due_soon_q(today)).count()
    print({**counts, "closed_on_time": closed_on_time, "overdue": overdue, "due_soon": due_soon})
    assert 0.76 <= share(counts["closed"]) <= 0.82
    assert 0.74 <= share(closed_on_time) <= 0.80
    assert 0.06 <= share(open_.count() - overdue - due_soon) <= 0.11  # open on time
    assert 0.03 <= share(due_soon) <= 0.06
    assert 0.03 <= share(overdue) <= 0.06
    assert 0.01 <= share(counts["ready"]) <= 0.03
    assert 0.015 <= share(counts["refused"]) <= 0.025
    assert 10 <= counts["withdrawn"] <= 0.01 * 5000
    assert 0.08 <= share(Case.objects.filter(correction_notified_on__isnull=False).count()) <= 0.12
    assert counts["correcting"] >= 30
    assert 0.04 <= share(Case.objects.filter(accepted_with_pending=True).count()) <= 0.065
    assert 5 <= Case.objects.filter(pending_overdue=True).count() <= 40  # a few missed 容缺
    assert 0.015 <= share(Case.objects.filter(suspensions__isnull=False).distinct().count()) <= 0.03
    assert counts["suspended"] >= 20
    assert Case.objects.filter(decision="denied", status="closed").count() >= 20


def test_every_stored_clock_is_what_the_calendar_computes(demo):
    """Recounting every suspension and refreshing every clock (the services' own function) changes nothing."""
    from tongban.cases.clocks import count_suspension_workdays, refresh_case_clocks

    def snapshot():
        return (list(Case.objects.order_by("pk").values_list("pk", "suspended_workdays", "clock_workdays",
                                                              "warn_workdays", "due_date", "warn_date")),
                list(CaseTask.objects.order_by("pk").values_list("pk", "suspended_workdays", "clock_workdays", "due_date")),
                list(Suspension.objects.order_by("pk").values_list("pk", "workdays")))

    before = snapshot()
    count_suspension_workdays(Suspension.objects.all())
    assert refresh_case_clocks(Case.objects.all()) == 0
    assert snapshot() == before
    assert Case.objects.filter(status="reviewing", due_date__isnull=True).count() == 0
    assert CaseTask.objects.filter(status="reviewing", due_date__isnull=True).count() == 0


def test_the_bulk_stores_what_a_real_intake_stores(demo):
    """For a bundle at the centre, an item at a specialist window and a delegated item at a township window:
    the same checklist, tasks (department, stage, days), budget and delivery window as `receive_case`."""
    from tongban.cases.demo_bulk import bulk_cases
    from tongban.cases.services.intake import receive_case

    county, _ = demo
    admin = county.users["admin"]
    samples = [bulk_cases().filter(bundle__isnull=False, intake_window__code="A03").first(),
               bulk_cases().filter(intake_window__kind="specialist").first(),
               bulk_cases().filter(intake_unit__kind__code="township").first()]
    applicant = {"applicant_name": "王建国", "id_number": "11010519491231002X", "phone": "13912345678"}
    for bulk in samples:
        real = receive_case(by=admin, window=bulk.intake_window, item=bulk.item, bundle=bulk.bundle, applicant=applicant)
        for field in ("title", "intake_unit_id", "delivery_window_id", "budget_workdays"):
            assert getattr(real, field) == getattr(bulk, field), field
        material = ["identity_id", "name", "is_required", "may_be_pending", "is_electronic_licence", "originals",
                    "copies", "sort_order"]
        assert list(real.materials.order_by("sort_order").values_list(*material)) == \
            list(bulk.materials.order_by("sort_order").values_list(*material))
        task = ["item_id", "unit_id", "stage", "budget_workdays"]
        assert list(real.tasks.order_by("pk").values_list(*task)) == list(bulk.tasks.order_by("pk").values_list(*task))


def test_numbers_come_from_the_sequence_and_events_carry_their_codes(demo):
    from tongban.cases.transitions import TRANSITIONS, blzt_of

    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(set(numbers)) == Case.objects.count() and all(re.fullmatch(r"410000\d{8}\d{5}", n) for n in numbers)
    last = dict(CaseNumberSequence.objects.values_list("prefix", "last"))
    top: dict[str, int] = {}
    for number in numbers:
        top[number[:14]] = max(top.get(number[:14], 0), int(number[14:]))
    assert top == {prefix: n for prefix, n in last.items() if prefix in top}  # the next intake gets the next number
    close_codes = {"case.delivered": {11, 12, 13}, "case.withdrawn": {2, 14}}
    for code, blzt in CaseEvent.objects.values_list("code", "blzt").distinct():
        assert blzt in close_codes[code] if code in close_codes else blzt == blzt_of(code), code
    assert {t.event for t in TRANSITIONS.values()} - {"case.deemed_accepted"} <= set(
        CaseEvent.objects.values_list("code", flat=True))
    first: dict[int, str] = {}
    for case, code in CaseEvent.objects.order_by("case", "at", "pk").values_list("case", "code"):
        first.setdefault(case, code)
    assert len(first) == Case.objects.count()
    assert set(first.values()) == {"case.received", "case.submitted_online"}
    closed = Case.objects.filter(status="closed")
    assert Handover.objects.filter(case__in=closed).count() == closed.count()


def test_windows_take_only_what_they_may_and_dates_are_past_workdays(demo):
    from datetime import timedelta

    from tongban.cases.services.intake import why_window_cannot_take
    from tongban.workdays.models import Day

    for window, item, bundle in {(c.intake_window, c.item, c.bundle) for c in
                                 Case.objects.select_related("intake_window__unit__kind", "item", "bundle")}:
        assert why_window_cannot_take(window, item=item, bundle=bundle) == "", (window.code, item, bundle)
    kinds = Counter(Case.objects.values_list("intake_window__kind", "intake_unit__kind__code"))
    assert kinds[("intake", "center")] > 1500 and kinds[("specialist", "department")] > 300
    assert kinds[("intake", "township")] > 1000 and kinds[("intake", "sub_center")] > 100
    today = timezone.localdate()
    received = set(Case.objects.values_list("received_on", flat=True))
    assert min(received) >= today - timedelta(days=92) and max(received) <= today
    assert not Day.objects.filter(date__in=received, is_workday=False).exists()
    for field in ("accepted_on", "decided_on", "closed_on", "correction_notified_on"):
        assert not Case.objects.filter(**{f"{field}__gt": today}).exists(), field


def test_applicants_have_well_formed_identifiers(demo):
    from tongban.cases.identity import validate_credit_code, validate_phone, validate_resident_id

    for kind, number, phone in Case.objects.values_list("applicant_kind", "id_number", "phone"):
        (validate_credit_code if kind == "organisation" else validate_resident_id)(number)
        validate_phone(phone)
    assert Case.objects.filter(applicant_kind="organisation").count() > 200


def test_the_township_admin_of_chengguan_sees_only_their_cases(demo):
    from django.contrib.auth import get_user_model

    xiangzhen = get_user_model().objects.get(username="xiangzhen")
    seen = Case.objects.visible_to(xiangzhen)
    assert sorted(seen.values_list("intake_window__code", flat=True)) == ["CG01"] * 3
    assert Case.objects.filter(intake_unit__kind__code="township").exclude(intake_window__code="CG01").count() > 1000


def test_a_second_run_adds_nothing_and_keeps_peoples_changes(demo):
    from tongban.cases.demo import build_demo
    from tongban.cases.demo_bulk import bulk_cases
    from tongban.cases.services.intake import accept

    county, _ = demo
    waiting = bulk_cases().filter(status="received").first()
    accept(waiting, by=county.users["admin"])
    counts = [model.objects.count() for model in TABLES]
    said = build_demo(county)
    assert re.fullmatch(rf"已有办件 {Case.objects.count():,} 件，未新增（\d+\.\d 秒）", said)
    assert [model.objects.count() for model in TABLES] == counts
    assert Case.objects.get(pk=waiting.pk).status == "reviewing"


# What each event makes of the case's status: None keeps it; the transitions' sources say where it may come from.
AFTER = {"case.received": "received", "case.submitted_online": "prechecking", "case.corrected_online": "prechecking",
         "case.correction_notified": "correcting", "case.corrected": "received",
         "case.accepted": "reviewing", "case.accepted_pending": "reviewing", "case.deemed_accepted": "reviewing",
         "case.refused": "refused", "case.suspended": "suspended", "case.resumed": "reviewing",
         "case.decided": "ready", "case.delivered": "closed", "case.withdrawn": "withdrawn"}


def test_every_case_went_a_way_the_transition_table_allows(demo):
    """Replaying each case's events in their order: every transition starts from a status the table allows
    for it, and the last one leaves the case in its stored status."""
    from tongban.cases.transitions import TRANSITIONS

    sources = {t.event: set(t.sources) for t in TRANSITIONS.values()}
    status: dict[int, str | None] = {}
    for case, code in CaseEvent.objects.order_by("case", "at", "pk").values_list("case", "code"):
        now = status.get(case)
        if code in sources:
            assert now in sources[code], (case, code, now)
        elif code in ("case.received", "case.submitted_online"):
            assert now is None, (case, code, now)
        elif code == "case.decided":
            assert now == "reviewing", (case, code, now)
        status[case] = AFTER.get(code) or now
    assert status == dict(Case.objects.values_list("pk", "status"))


def test_materials_and_tasks_agree_with_each_status(demo):
    """What the services would have refused is nowhere: accepted with a required material missing, a task
    still open on a finished case, a case in review with no department reviewing, 容缺 past its case's due date."""
    accepted = Case.objects.filter(accepted_on__isnull=False)
    assert not CaseMaterial.objects.filter(case__in=accepted, is_required=True, state__in=["missing", "defective"]).exists()
    assert not CaseMaterial.objects.filter(state="pending", case__accepted_with_pending=False).exists()
    correcting = Case.objects.filter(status="correcting")
    assert correcting.filter(materials__state__in=["missing", "defective"]).distinct().count() == correcting.count()
    finished = Case.objects.filter(status__in=["ready", "closed", "refused", "withdrawn"])
    assert not CaseTask.objects.filter(case__in=finished, status__in=["waiting", "reviewing"]).exists()
    in_review = Case.objects.filter(status__in=["reviewing", "suspended"])
    assert in_review.filter(tasks__status="reviewing").distinct().count() == in_review.count()
    assert not Case.objects.filter(status="closed", decision="approved").filter(
        tasks__status__in=["denied", "cancelled"]).exists()
    assert not Case.objects.filter(accepted_with_pending=True, pending_due_date__gt=F("due_date")).exists()
    assert not Suspension.objects.filter(ended_on__isnull=True).exclude(case__status="suspended").exists()


def test_the_personas_pages_open_on_the_demo(demo, client_for, api_for):
    """The queues, lists and case pages the personas open read the bulk without an error, and the overdue
    filter finds the cases the selector counts."""
    from tongban.cases.selectors import overdue_q
    from tongban.conftest import PASSWORD

    county, _ = demo
    for username in ("zhuren", "buzhang", "chuangkou", "xiangzhen"):
        user = county.users[username]
        user.set_password(PASSWORD)
        user.save()
        client = client_for(user)
        for url in ("/workbench/", "/cases/", "/cases/?overdue=true", "/cases/review/", "/cases/delivery/", "/cases/intake/"):
            assert client.get(url).status_code in (200, 403), (username, url)
    client = client_for(county.users["zhuren"])
    assert client.get("/cases/").status_code == 200
    overdue = Case.objects.filter(overdue_q(timezone.localdate())).order_by("-number").first()
    assert overdue.number in client.get("/cases/?overdue=true").content.decode()
    samples = [Case.objects.filter(bundle__isnull=False, status="closed").first(), Case.objects.filter(status="suspended").last(),
               Case.objects.filter(pending_overdue=True).last(), Case.objects.filter(status="correcting").last(),
               Case.objects.filter(status="refused").last()]
    api = api_for(county.users["zhuren"])
    for case in samples:
        page = client.get(f"/cases/{case.number}/")
        assert page.status_code == 200 and case.number in page.content.decode()
        body = api.get(f"/api/v1/cases/{case.number}/").json()
        assert body["number"] == case.number and len(body["events"]) == case.events.count()
