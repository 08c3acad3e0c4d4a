"""全程网办 / 掌上办 and the 15-minute circle (issue 12, M16): the online application, 网上预审, the one-time
correction answered online, the private tracking link, outlets' 异地代收 and 多地联办 — one case model."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.cases import selectors, tracking, transitions
from tongban.cases.models import Case, CaseEvent, CaseSettings
from tongban.cases.services import intake, online, review
from tongban.cases.tests.conftest import person_applicant

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day: str):
    return time_machine.travel(datetime.fromisoformat(f"{day}T10:00:00+08:00"), tick=False)


def pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def food(restaurant):
    """食品经营许可 may be applied for online and on the phone."""
    item = restaurant.food
    item.via_online = item.via_mobile = True
    item.save(update_fields=["via_online", "via_mobile"])
    return item


@pytest.fixture
def submitted(food, case_people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with at("2026-12-01"):
        return online.submit_online(item=food, applicant=person_applicant(), channel="mobile",
                                    uploads={"business_licence": pdf(), "layout_plan": pdf("plan.pdf")})


# --- Services ------------------------------------------------------------------------------------------

def test_an_online_application_is_a_case_in_precheck_at_the_online_window_with_a_private_link(submitted, county, case_people):
    case, token = submitted
    assert (case.status, case.channel, case.intake_window, case.received_by) == ("prechecking", "mobile", county.intake_window, None)
    assert case.number.startswith("41000020261201")
    assert (case.clock_start, case.due_date) == (date(2026, 12, 1), date(2026, 12, 8))  # the §32 five working days
    states = dict(case.materials.values_list("identity__code", "state"))
    assert states == {"business_licence": "received", "layout_plan": "received", "health_cert": "missing"}
    assert case.files.count() == 2 and len(token) >= 32 and token not in case.tracking_key
    assert online.case_for_token(token) == case and online.case_for_token(token[:-1] + "x") is None
    event = case.events.get()
    assert (event.code, event.blzt) == ("case.submitted_online", 1)
    assert case in selectors.intake_queue(case_people.clerk, date(2026, 12, 3))
    assert [t.action for t in transitions.actions_for(case, case_people.clerk)] == [
        "notify_correction", "accept", "accept_pending", "refuse", "forward", "withdraw"]


def test_an_item_without_an_online_channel_or_a_bad_file_is_refused_and_nothing_is_written(restaurant, food, case_people):
    with pytest.raises(ValidationError) as refused:
        online.submit_online(item=restaurant.fire, applicant=person_applicant())
    assert refused.value.code == "case_not_online"
    with pytest.raises(ValidationError) as bad:
        online.submit_online(item=food, applicant=person_applicant(),
                             uploads={"layout_plan": SimpleUploadedFile("plan.pdf", b"MZ not a pdf")})
    assert bad.value.code == "upload_content"
    with pytest.raises(ValidationError):
        online.submit_online(item=food, applicant=person_applicant(id_number="110105194912310021"))
    assert not Case.objects.exists()


def test_the_correction_notice_is_answered_online_and_the_clock_counts_again(submitted, case_people):
    case, token = submitted
    with at("2026-12-02"):
        case = intake.notify_correction(case, by=case_people.clerk, materials={"health_cert": {"state": "missing", "problem": "需原件扫描"}})
    assert (case.status, case.clock_start) == ("correcting", None)
    public = tracking.present(case)
    assert public.to_correct == ["从业人员健康证明"] and public.online
    with pytest.raises(ValidationError) as missing:
        online.correct_online(case, uploads={})
    assert missing.value.code == "case_files_missing"
    with at("2026-12-03"):
        case = online.correct_online(case, uploads={"health_cert": pdf("health.pdf")})
    assert (case.status, case.clock_start, case.due_date) == ("prechecking", date(2026, 12, 3), date(2026, 12, 10))
    assert case.materials.get(identity__code="health_cert").state == "received"
    assert list(case.events.values_list("code", "blzt")) == [
        ("case.submitted_online", 1), ("case.correction_notified", 6), ("case.corrected_online", 7)]
    with pytest.raises(ValidationError):  # once answered, the link takes no more files
        online.correct_online(case, uploads={"health_cert": pdf()})
    with at("2026-12-03"):
        case = intake.accept(case, by=case_people.clerk)
    assert case.status == "reviewing"
    texts = [text for _, text in tracking.present(case).timeline]
    assert texts == ["网上申请已提交", "一次性告知：材料需要补正", "已在网上上传补正材料", "已受理"]


def test_a_window_case_cannot_be_corrected_through_a_link(receive, case_people):
    case = intake.notify_correction(receive(materials={"health_cert": "missing"}), by=case_people.clerk)
    with pytest.raises(ValidationError) as refused:
        online.correct_online(case, uploads={"health_cert": pdf()})
    assert refused.value.code == "case_bad_transition"


def test_an_online_case_may_be_refused_and_is_deemed_accepted_after_five_days(submitted, case_people, food):
    from tongban.cases.services.deadlines import intake_deadlines

    case, _ = submitted
    with at("2026-12-02"):
        case = intake.refuse(case, by=case_people.clerk, reason="不属于本机关职权范围")
    assert case.status == "refused"
    with at("2026-12-01"):
        other, _ = online.submit_online(item=food, applicant=person_applicant())
    with at("2026-12-09"):
        intake_deadlines(date(2026, 12, 9))
    other.refresh_from_db()
    assert (other.status, other.deemed_accepted) == ("reviewing", True)


# --- Outlets: 异地代收, 多地联办 ------------------------------------------------------------------------

@pytest.fixture
def post_office(county, restaurant, case_people):
    from tongban.cases.tests.conftest import PASSWORD
    from tongban.org import services as org
    from tongban.org.defaults import ensure_unit_kinds

    unit = org.create_unit(code="out-post", name="中国邮政城关营业所", kind=ensure_unit_kinds()["outlet"], parent=county.township_a)
    window = org.create_window(code="YZ01", name="邮政代办窗口", kind="intake", unit=unit)
    clerk = org.create_staff(staff_no="post", name="孔邮政", unit=unit, role="window_clerk", window=window,
                             username="post", password=PASSWORD).user
    online.authorise_outlet(unit, restaurant.company)
    return unit, window, clerk


def test_an_outlet_takes_only_what_it_is_authorised_for_and_only_forwards(post_office, restaurant, county, case_people):
    unit, window, clerk = post_office
    assert intake.is_township_window(window)
    assert list(intake.takeable_items(window)) == [restaurant.company]
    assert "未获授权" in intake.why_window_cannot_take(window, item=restaurant.food)
    case = intake.receive_case(by=clerk, window=window, item=restaurant.company, applicant=person_applicant(),
                               materials={"application_form": "received", "premises_proof": "received"})
    assert case.channel == "outlet" and case.tasks.get().unit == county.department  # the competent unit decides
    assert [t.action for t in transitions.actions_for(case, clerk)] == ["forward", "withdraw"]
    with pytest.raises(ValidationError):
        intake.accept(case, by=clerk)
    assert [w.code for w in online.forward_targets(case)] == ["A01"]  # not the township: not delegated there
    with at("2026-12-03"):
        case = online.forward(case, by=clerk, to_window=county.intake_window)
    assert (case.intake_window, case.first_window, case.first_unit) == (county.intake_window, window, unit)
    assert case in Case.objects.visible_to(clerk)  # the outlet still follows what it took
    event = case.events.get(code="case.forwarded")
    assert event.data["to_unit"] == county.center.pk and event.blzt is None
    assert transitions.actions_for(case, clerk) == []
    case = intake.accept(case, by=case_people.clerk)
    assert case.status == "reviewing"
    assert f"已转送至{county.center.name}" in [text for _, text in tracking.present(case).timeline]


def test_the_hop_setting_says_from_which_hop_the_clock_counts(post_office, restaurant, county):
    unit, window, clerk = post_office
    with at("2026-12-01"):
        first = intake.receive_case(by=clerk, window=window, item=restaurant.company, applicant=person_applicant())
    with at("2026-12-03"):
        first = online.forward(first, by=clerk, to_window=county.intake_window)
    assert (first.clock_start, first.due_date) == (date(2026, 12, 1), date(2026, 12, 8))
    CaseSettings.objects.update(hop_clock_from="last")
    with at("2026-12-01"):
        last = intake.receive_case(by=clerk, window=window, item=restaurant.company, applicant=person_applicant())
    with at("2026-12-03"):
        last = online.forward(last, by=clerk, to_window=county.intake_window)
    assert (last.clock_start, last.due_date) == (date(2026, 12, 3), date(2026, 12, 10))


def test_a_township_case_moves_to_the_county_with_its_history_and_its_reviewer(county, restaurant, case_people):
    from tongban.catalog.services import delegate_item

    delegate_item(restaurant.drain, to=[county.township_a], mode="entrusted")
    case = intake.receive_case(by=case_people.township_clerk, window=county.township_window, item=restaurant.drain,
                               applicant=person_applicant())
    assert case.tasks.get().unit == county.township_a
    case = online.forward(case, by=case_people.township_clerk, to_window=county.intake_window)
    assert case.tasks.get().unit == restaurant.water_unit  # decided at the county now
    assert list(case.events.values_list("code", flat=True)) == ["case.received", "case.forwarded"]
    with pytest.raises(ValidationError) as refused:
        online.forward(case, by=case_people.clerk, to_window=county.specialist_window)
    assert refused.value.code == "case_forward_target"


def test_only_an_outlet_may_be_authorised(county, restaurant):
    with pytest.raises(ValidationError):
        online.authorise_outlet(county.township_a, restaurant.company)


def test_the_month_of_each_site_is_counted_set_based_and_scoped(post_office, county, restaurant, personas,
                                                                   django_assert_max_num_queries):
    unit, window, clerk = post_office
    with at("2026-12-01"):
        for _ in range(2):
            case = intake.receive_case(by=clerk, window=window, item=restaurant.company, applicant=person_applicant())
        online.forward(case, by=clerk, to_window=county.intake_window)
    with django_assert_max_num_queries(8):
        figures = selectors.channel_month(personas.township_admin, date(2026, 12, 1), date(2026, 12, 31))
    rows = {r["unit"].code: r for r in figures["sites"]}
    assert set(rows) == {"tw-chengguan", "vil-dongguan", "out-post"}  # not the other township
    assert (rows["out-post"]["received"], rows["out-post"]["forwarded_out"]) == (2, 1)
    assert figures["channels"] == {"outlet": 2}
    everything = selectors.channel_month(personas.director, date(2026, 12, 1), date(2026, 12, 31))
    assert "tw-wangcun" in {r["unit"].code for r in everything["sites"]}


def test_a_bundle_is_online_when_every_item_is_and_its_merged_checklist_is_asked_once(restaurant, case_people,
                                                                                       settings, tmp_path):
    from tongban.catalog.models import ServiceItem

    settings.MEDIA_ROOT = tmp_path

    assert restaurant.bundle not in online.online_bundles()
    ServiceItem.objects.filter(pk__in=[restaurant.company.pk, restaurant.food.pk, restaurant.fire.pk,
                                       restaurant.drain.pk]).update(via_online=True)
    assert restaurant.bundle in online.online_bundles()
    case, _ = online.submit_online(bundle=restaurant.bundle, applicant=person_applicant(), uploads={"fire_plan": pdf()})
    assert case.tasks.count() == 4 and case.status == "prechecking"
    assert case.materials.get(identity__code="business_licence").state == "produced"  # made inside the bundle
    with pytest.raises(ValidationError):  # a material not on the merged list
        online.submit_online(bundle=restaurant.bundle, applicant=person_applicant(), uploads={"nope": pdf()})


def test_the_public_timeline_never_shows_what_staff_typed(submitted, case_people):
    case, _ = submitted
    with at("2026-12-02"):
        case = intake.refuse(case, by=case_people.clerk, reason="内部意见：材料疑似伪造")
    public = tracking.present(case)
    assert [text for _, text in public.timeline] == ["网上申请已提交", "不予受理"]
    assert "伪造" not in repr(public) and public.collect_at == ""


def test_the_forward_list_asks_the_same_queries_for_two_township_windows_or_six(post_office, restaurant, county,
                                                                                  case_people,
                                                                                  django_assert_num_queries):
    """转送 targets are worked out set-based: no query per township window. The ones delegated the item are
    listed, the others are not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.catalog import services as catalog
    from tongban.org import services as org
    from tongban.org.defaults import ensure_unit_kinds

    unit, window, clerk = post_office
    case = intake.receive_case(by=clerk, window=window, item=restaurant.company, applicant=person_applicant(),
                               materials={"application_form": "received", "premises_proof": "received"})
    org.create_window(code="WC01", name="王村乡综合窗口", kind="intake", unit=county.township_b)

    def count() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            codes = [w.code for w in online.forward_targets(case)]
        return len(captured), codes

    few, codes = count()
    assert codes == ["A01"]
    kind = ensure_unit_kinds()["township"]
    for n in range(4):
        township = org.create_unit(code=f"tw-x{n}", name=f"新乡{n}便民服务中心", kind=kind, parent=county.center)
        org.create_window(code=f"X{n}", name=f"新乡{n}综合窗口", kind="intake", unit=township)
        if n % 2 == 0:
            catalog.delegate_item(restaurant.company, to=[township], mode="entrusted")
    many, codes = count()
    assert many == few and codes == ["A01", "X0", "X2"]
