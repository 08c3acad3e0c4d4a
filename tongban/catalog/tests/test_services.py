"""Catalogue services: credit codes, delegation and 应进必进, 两级十同, the negative list, intermediaries,
upload checks and the qualification reminder job."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.catalog import services
from tongban.catalog.choices import IntermediaryStatus, ItemLevel
from tongban.catalog.consistency import consistency_report
from tongban.catalog.credit_code import check_character, validate_credit_code
from tongban.catalog.models import CatalogSettings, Delegation, NegativeListEntry
from tongban.catalog.search import initials
from tongban.catalog.tests.helpers import make_item, material
from tongban.history.services import events_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- 统一社会信用代码 ---------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"])
def test_valid_credit_codes_pass_the_check_digit(code):
    validate_credit_code(code)
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code, expected", [
    ("91350100M000100Y44", "3"),  # last digit changed
    ("91110000600037341M", "L"),
    ("91350100M000100Y34", None),  # two characters swapped: the weights catch transpositions
])
def test_a_wrong_check_digit_is_refused_with_the_expected_one(code, expected):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == "credit_code_check"
    if expected:
        assert f"应为 {expected}" in error.value.messages[0]


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y43X", "91350100I000100Y43", "9135010om000100y43"])
def test_malformed_credit_codes_are_refused(code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == "credit_code_format"


def test_creating_an_intermediary_normalises_and_checks_the_code(county):
    agency = services.create_intermediary(name="某测绘公司", credit_code=" 91350100m000100y43 ", supervising_unit=county.center)
    assert agency.credit_code == "91350100M000100Y43"
    with pytest.raises(ValidationError):
        services.create_intermediary(name="假公司", credit_code="91350100M000100Y42", supervising_unit=county.center)


# --- 县镇同权 and 应进必进 --------------------------------------------------------------------

def test_delegating_to_all_townships_creates_one_row_each_and_is_idempotent(county):
    item = make_item("SC-1", county.department, basic="000137019000")
    first = services.delegate_item(item, mode="entrusted", basis="县镇同权通知")
    again = services.delegate_item(item, mode="entrusted")
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    assert set(Delegation.objects.values_list("township__name", flat=True)) == {"城关镇便民服务中心", "王村乡便民服务中心"}
    assert events_for(item).filter(code="catalog.item.delegated").count() == 2


def test_only_township_centres_can_receive_items(county):
    item = make_item("SC-2", county.department)
    with pytest.raises(ValidationError) as error:
        services.delegate_item(item, to=[county.village_a], mode="entrusted")
    assert error.value.code == "not_a_township"
    assert not Delegation.objects.exists()


def test_a_revoked_delegation_can_be_restored(county):
    item = make_item("SC-3", county.department)
    services.delegate_item(item, to=[county.township_a], mode="entrusted")
    services.revoke_delegation(Delegation.objects.get())
    assert not services.township_catalogue(county.township_a).exists()
    result = services.delegate_item(item, to=[county.township_a], mode="window_forward")
    assert result.restored == 1
    assert list(services.township_catalogue(county.township_a)) == [item]


def test_ying_jin_bi_jin_lists_what_each_township_should_handle_but_does_not(county):
    services.load_township_list("省154项", [("C1", "社保卡申领"), ("C2", "医保参保"), ("C3", "低保认定")])
    card = make_item("K-C1", county.department, basic="C1")
    services.delegate_item(card, mode="entrusted")  # both townships get C1
    make_item("T-C2", county.township_a, basic="C2", level=ItemLevel.TOWNSHIP)  # township A handles C2 itself
    missing = {(m.township.name, m.entry.basic_code) for m in services.missing_from_township_list("省154项")}
    assert missing == {
        ("城关镇便民服务中心", "C3"),
        ("王村乡便民服务中心", "C2"),
        ("王村乡便民服务中心", "C3"),
    }


def test_ying_jin_bi_jin_takes_a_fixed_number_of_queries(county, django_assert_max_num_queries):
    services.load_township_list("省154项", [(f"C{i}", f"事项{i}") for i in range(50)])
    with django_assert_max_num_queries(4):
        result = services.missing_from_township_list("省154项")
    assert len(result) == 100


# --- 两级十同 --------------------------------------------------------------------------------

def test_consistency_report_lists_each_disagreeing_element(county):
    make_item("K-1", county.department, basic="000137012000", name="城乡居民养老保险参保登记", days=1,
              materials=[material("id_card"), material("hukou")])
    make_item("T-1", county.township_a, basic="000137012000", name="城乡居民养老保险参保登记", days=3,
              level=ItemLevel.TOWNSHIP, materials=[material("id_card")])
    make_item("T-2", county.township_b, basic="000137012000", name="城乡居民养老保险参保登记", days=1,
              level=ItemLevel.TOWNSHIP, materials=[material("id_card"), material("hukou")])
    report = consistency_report()
    assert {(d.item.implementation_code, d.element) for d in report} == {("T-1", "promised_days"), ("T-1", "materials")}
    promised = next(d for d in report if d.element == "promised_days")
    assert (promised.reference_value, promised.item_value) == ("1", "3")


def test_which_elements_must_agree_is_a_setting(county):
    make_item("K-1", county.department, basic="X", days=1, name="同名事项")
    make_item("T-1", county.township_a, basic="X", days=3, level=ItemLevel.TOWNSHIP, name="同名事项")
    settings = CatalogSettings.load()
    assert len(settings.consistency_elements) == 10
    settings.consistency_elements = ["name", "materials"]
    settings.save()
    assert consistency_report() == []


def test_whitespace_alone_is_not_a_disagreement(county):
    make_item("K-1", county.department, basic="X", name="同名事项", conditions="材料齐全，\n符合法定形式")
    make_item("T-1", county.township_a, basic="X", name="同名事项", conditions="材料齐全， 符合法定形式 ",
              level=ItemLevel.TOWNSHIP)
    assert consistency_report() == []


# --- 负面清单 ---------------------------------------------------------------------------------

def test_negative_list_is_computed_from_the_flags_and_keeps_its_history(county):
    today = date(2026, 3, 2)
    item = make_item("N-1", county.department, is_concentrated=False, is_handled_at_window=False)
    make_item("N-2", county.department)
    first = services.sync_negative_list(today=today)
    assert first.created == 2
    entry = NegativeListEntry.objects.get(item=item, reason="not_concentrated")
    assert entry.unit == county.department
    assert entry.rectify_deadline == today + timedelta(days=30)
    assert services.sync_negative_list(today=today).created == 0  # idempotent

    services.update_item(item, expected_version=item.version, is_concentrated=True)
    second = services.sync_negative_list(today=today + timedelta(days=5))
    entry.refresh_from_db()
    assert (second.resolved, entry.is_resolved, entry.resolved_on) == (1, True, today + timedelta(days=5))


def test_a_negative_list_sync_records_one_summary_event_when_something_changed(county, personas):
    from tongban.catalog.models import CatalogSettings
    from tongban.history.services import events_for

    today = date(2026, 3, 2)
    item = make_item("N-1", county.department, is_concentrated=False, is_handled_at_window=False)
    services.sync_negative_list(today=today, by=personas.director)
    services.sync_negative_list(today=today)  # nothing changed: no event
    services.update_item(item, expected_version=item.version, is_concentrated=True)
    services.sync_negative_list(today=today)
    item.refresh_from_db()
    services.update_item(item, expected_version=item.version, is_concentrated=False)
    services.sync_negative_list(today=today)
    events = list(events_for(CatalogSettings.load()).filter(code="catalog.negative.synced").order_by("pk"))
    assert [(e.data["created"], e.data["resolved"], e.data["reopened"]) for e in events] == [
        (2, 0, 0), (0, 1, 0), (0, 0, 1),
    ]
    assert events[0].actor == personas.director and events[0].data["units"] == [county.department.pk]
    assert "新增 2 条" in events[0].message and "重新打开 1 条" in events[2].message


def test_manual_negative_entries_survive_a_sync(county):
    services.create_negative_entry(unit=county.center, reason="other", rectify_deadline=date(2026, 6, 30),
                                   description="两处分设受理窗口")
    services.sync_negative_list()
    assert NegativeListEntry.objects.filter(source="manual", is_resolved=False).count() == 1


# --- items ------------------------------------------------------------------------------------

def test_a_stale_edit_is_refused(county):
    item = make_item("E-1", county.department)
    services.update_item(item, expected_version=1, promised_days=3)
    with pytest.raises(ValidationError) as error:
        services.update_item(item, expected_version=1, promised_days=4)
    assert error.value.code == "stale_version"


def test_pinyin_initials_are_computed_at_save_time(county):
    pytest.importorskip("pypinyin")
    item = make_item("S-1", county.department, name="食品经营许可")
    assert initials("食品经营许可") == item.search_initials == "spjyxk"


# --- intermediaries ---------------------------------------------------------------------------


def test_status_changes_need_a_reason_and_a_deadline_for_rectification(agency):
    with pytest.raises(ValidationError) as no_deadline:
        services.change_intermediary_status(agency, status=IntermediaryStatus.RECTIFYING, reason="资料不全")
    assert no_deadline.value.code == "rectify_deadline_required"
    with pytest.raises(ValidationError) as no_reason:
        services.change_intermediary_status(agency, status=IntermediaryStatus.EXPELLED, reason=" ")
    assert no_reason.value.code == "reason_required"


def test_status_history_is_on_the_timeline(agency):
    services.change_intermediary_status(agency, status="rectifying", reason="资料不全", deadline=date(2026, 5, 1))
    services.change_intermediary_status(agency, status="expelled", reason="逾期未整改")
    agency.refresh_from_db()
    assert (agency.status, agency.rectify_deadline, agency.version) == ("expelled", None, 3)
    codes = list(events_for(agency).values_list("code", flat=True))
    assert codes[:2] == ["catalog.intermediary.expelled", "catalog.intermediary.rectifying"]


def test_a_filing_is_stored_under_media_root(agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    filing = services.add_filing(agency, title="营业执照副本", upload=SimpleUploadedFile("执照.pdf", PDF))
    assert (tmp_path / filing.file.name).read_bytes() == PDF
    assert filing.size == len(PDF)


@pytest.mark.parametrize("name, content, code", [
    ("病毒.exe", b"MZ\x90\x00", "file_type"),
    ("伪装.pdf", b"MZ\x90\x00 not a pdf", "upload_content"),
    ("空.pdf", b"", "upload_empty"),
])
def test_filings_are_checked_for_type_and_content(agency, settings, tmp_path, name, content, code):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        services.add_filing(agency, title="x", upload=SimpleUploadedFile(name, content))
    assert error.value.code == code
    assert not list(tmp_path.rglob("*.*"))


def test_filings_over_the_size_limit_are_refused(agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        services.add_filing(agency, title="x", upload=SimpleUploadedFile("大.pdf", PDF + b"0" * 2000))
    assert error.value.code == "file_too_large"


def test_expiring_qualifications_are_those_within_the_warning_window(agency):
    today = date(2026, 3, 1)
    soon = services.add_qualification(agency, name="乙级测绘", number="A1", expires_on=today + timedelta(days=20))
    services.add_qualification(agency, name="甲级", number="A2", expires_on=today + timedelta(days=31))
    services.add_qualification(agency, name="过期", number="A3", expires_on=today - timedelta(days=1))
    assert list(services.expiring_qualifications(today)) == [soon]
    services.change_intermediary_status(agency, status="expelled", reason="清退")
    assert not services.expiring_qualifications(today).exists()
