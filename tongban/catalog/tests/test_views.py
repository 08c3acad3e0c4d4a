"""Staff pages: login required, scoped (404 out of scope), permissions on writes, uploads checked."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from tongban.catalog import services
from tongban.jobs.tests.conftest import huey_immediate  # noqa: F401  (a fixture)
from tongban.catalog.choices import ItemLevel
from tongban.catalog.models import Delegation, FilingDocument, Intermediary, NegativeListEntry, ServiceItem
from tongban.catalog.tests.helpers import make_item, material

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize("url", ["/catalog/", "/catalog/bundles/", "/catalog/negative-list/", "/catalog/export.xlsx"])
def test_staff_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_township_admin_gets_404_for_another_townships_item_by_url(personas, items, client_for):
    client = client_for(personas.township_admin)
    assert client.get(f"/catalog/items/{items['a'].pk}/").status_code == 200
    assert client.get(f"/catalog/items/{items['b'].pk}/").status_code == 404
    assert client.get("/catalog/items/999999/").status_code == 404


def test_item_list_shows_only_the_scope(personas, items, client_for):
    page = client_for(personas.township_admin).get("/catalog/").content.decode()
    assert "城关镇养老参保" in page and "王村乡养老参保" not in page and "食品经营许可" not in page
    page = client_for(personas.director).get("/catalog/?q=spjy").content.decode()
    assert "食品经营许可" in page and "城关镇养老参保" not in page


def test_a_unit_head_edits_an_item_with_a_version_check(personas, county, items, client_for):
    item = items["a"]
    client = client_for(personas.township_admin)
    data = {f: getattr(item, f) for f in ("name", "item_type", "level", "legal_basis", "conditions", "statutory_days",
                                          "fees", "fee_basis", "result_name", "result_kind", "place", "service_hours",
                                          "consult_phone", "complaint_phone", "visits_on_site", "case_kind")}
    data.update(promised_days=2, is_published="on", expected_version=item.version)
    assert client.post(f"/catalog/items/{item.pk}/", data).status_code == 302
    item.refresh_from_db()
    assert (item.promised_days, item.version) == (2, 2)
    stale = client.post(f"/catalog/items/{item.pk}/", {**data, "promised_days": 4})
    assert "已被他人修改" in stale.content.decode()


def test_a_window_clerk_cannot_edit_items(personas, county, client_for):
    item = make_item("C-1", county.center)
    client = client_for(personas.window_clerk)
    assert client.get(f"/catalog/items/{item.pk}/").status_code == 200
    assert client.post(f"/catalog/items/{item.pk}/", {"name": "x"}).status_code == 403


def test_consistency_page_shows_the_disagreements(personas, county, client_for):
    make_item("K-9", county.department, basic="S", name="社保卡申领", days=5)
    make_item("T-9", county.township_a, basic="S", name="社保卡申领", days=7, level=ItemLevel.TOWNSHIP)
    page = client_for(personas.director).get("/catalog/consistency/").content.decode()
    assert "1 处不一致" in page and "承诺时限" in page


def test_delegation_page_delegates_to_all_townships(personas, items, client_for):
    client = client_for(personas.director)
    response = client.post("/catalog/delegation/", {
        "item": items["county"].pk, "all_townships": "on", "mode": "entrusted", "basis": "县镇同权通知",
        "delegated_on": "2026-03-01",
    })
    assert response.status_code == 302
    assert Delegation.objects.filter(item=items["county"]).count() == 2
    page = client_for(personas.township_admin).get(f"/catalog/townships/{personas.township_admin.staff.unit_id}/")
    assert "食品经营许可" in page.content.decode() and "县级下放" in page.content.decode()


def test_only_county_admins_delegate(personas, items, client_for):
    response = client_for(personas.township_admin).post("/catalog/delegation/", {"item": items["county"].pk})
    assert response.status_code == 403
    assert not Delegation.objects.exists()


def test_township_catalogue_of_another_township_is_404(personas, county, client_for):
    client = client_for(personas.township_admin)
    assert client.get(f"/catalog/townships/{county.township_b.pk}/").status_code == 404
    other = client_for(personas.other_township_admin)
    assert other.get(f"/catalog/townships/{county.township_a.pk}/").status_code == 404
    assert other.get(f"/catalog/townships/{county.township_b.pk}/").status_code == 200


def test_township_catalogue_links_delegated_county_items_only_to_the_public_guide(personas, county, items, client_for):
    hidden = make_item("K-2", county.department, name="药品零售许可")
    ServiceItem.objects.filter(pk=hidden.pk).update(is_published=False)
    for item in (items["county"], hidden):
        services.delegate_item(item, to=[county.township_a], mode="entrusted")
    page = client_for(personas.township_admin).get(f"/catalog/townships/{county.township_a.pk}/").content.decode()
    assert f'href="/catalog/items/{items["a"].pk}/"' in page  # own item: the staff page
    assert f'href="/catalog/items/{items["county"].pk}/"' not in page  # out of scope: it would 404
    assert f'href="/portal/items/{items["county"].implementation_code}/"' in page
    assert "药品零售许可" in page and f"/portal/items/{hidden.implementation_code}/" not in page
    assert f"/catalog/items/{hidden.pk}/" not in page
    director = client_for(personas.director).get(f"/catalog/townships/{county.township_a.pk}/").content.decode()
    assert f'href="/catalog/items/{items["county"].pk}/"' in director  # the county sees the county item


def test_filing_upload_checks_the_file_and_serves_it_only_in_scope(personas, agency, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    director = client_for(personas.director)
    bad = director.post(f"/catalog/intermediaries/{agency.pk}/", {
        "filing-title": "执照", "filing-file": SimpleUploadedFile("执照.pdf", b"MZ not a pdf"),
    })
    assert "文件内容与扩展名" in bad.content.decode()
    assert not FilingDocument.objects.exists()
    director.post(f"/catalog/intermediaries/{agency.pk}/", {
        "filing-title": "执照", "filing-file": SimpleUploadedFile("执照.pdf", PDF),
    })
    filing = FilingDocument.objects.get()
    download = director.get(f"/catalog/filings/{filing.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    township = client_for(personas.township_admin)
    assert township.get(f"/catalog/filings/{filing.pk}/").status_code == 404
    assert township.get(f"/catalog/intermediaries/{agency.pk}/").status_code == 404


def test_status_change_from_the_page_lands_on_the_timeline(personas, agency, client_for):
    client = client_for(personas.director)
    client.post(f"/catalog/intermediaries/{agency.pk}/", {
        "status-status": "rectifying", "status-reason": "备案不全", "status-deadline": "2026-04-30",
        "status-expected_version": agency.version,
    })
    agency.refresh_from_db()
    assert agency.status == "rectifying"
    assert client_for(personas.inspector).post(f"/catalog/intermediaries/{agency.pk}/", {
        "status-status": "expelled", "status-reason": "x",
    }).status_code == 403


def test_negative_list_sync_and_export(personas, county, client_for):
    make_item("N-1", county.department, name="户口登记", is_concentrated=False)
    client = client_for(personas.rectification_office)
    client.post("/catalog/negative-list/", {"action": "sync"})
    assert NegativeListEntry.objects.filter(source="computed").count() == 1
    page = client.get("/catalog/negative-list/").content.decode()
    assert "户口登记" in page and "事项未进驻中心" in page
    export = client.get("/catalog/negative-list/export.xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "单位", "事项", "问题类型")
    assert rows[1][1:3] == ("县市场监管局", "户口登记")


def test_negative_list_is_scoped(personas, county, client_for):
    make_item("N-1", county.township_b, name="王村乡事项", is_authorised_to_window=False)
    services.sync_negative_list()
    page = client_for(personas.township_admin).get("/catalog/negative-list/").content.decode()
    assert "王村乡事项" not in page


def test_web_import_refuses_a_file_that_is_not_a_workbook(personas, county, client_for):
    client = client_for(personas.director)
    page = client.post("/catalog/import/", {"file": SimpleUploadedFile("目录.xlsx", b"plain text")}).content.decode()
    assert "文件“目录.xlsx”的内容不是 .xlsx 文件（无法识别的内容）" in page
    page = client.post("/catalog/import/", {"file": SimpleUploadedFile("目录.csv", b"a,b")}).content.decode()
    assert "不支持的文件类型" in page
    assert client_for(personas.township_admin).get("/catalog/import/").status_code == 403


def test_web_import_round_trips_the_export(personas, county, client_for):
    make_item("R-1", county.department, name="出版物经营许可", materials=[material("id_card")])
    client = client_for(personas.director)
    content = client.get("/catalog/export.xlsx").content
    page = client.post("/catalog/import/", {"file": SimpleUploadedFile("目录.xlsx", content)}).content.decode()
    assert "未变 1" in page
    assert ServiceItem.objects.count() == 1


def test_bundle_page_shows_graph_and_figures(personas, county, client_for):
    a = make_item("A", county.department, days=5, materials=[material("id_card")])
    b = make_item("B", county.department, days=3, materials=[material("id_card")])
    bundle = services.create_bundle(slug="two", name="两事一办", lead_unit=county.center)
    services.add_bundle_item(bundle, a)
    services.add_bundle_item(bundle, b, after=[a])
    page = client_for(personas.director).get("/catalog/bundles/two/").content.decode()
    assert "材料 由 2 份减至 1 份，减少 50%" in page
    assert "在事项A之后" in page and "第 2 阶段" in page
    assert client_for(personas.township_admin).get("/catalog/bundles/two/").status_code == 404


def test_intermediary_list_warns_of_expiring_qualifications(personas, agency, client_for):
    from datetime import timedelta

    from django.utils import timezone

    services.add_qualification(agency, name="乙级测绘资质", number="Q1", expires_on=timezone.localdate() + timedelta(days=10))
    page = client_for(personas.director).get("/catalog/intermediaries/").content.decode()
    assert "30 天内到期的资质" in page and "乙级测绘资质" in page
    assert Intermediary.objects.count() == 1


def test_the_expiry_banner_shows_the_configured_window(personas, agency, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from tongban.catalog.models import CatalogSettings

    CatalogSettings.objects.update_or_create(pk=1, defaults={"qualification_warning_days": 60})
    services.add_qualification(agency, name="乙级测绘资质", number="Q1", expires_on=timezone.localdate() + timedelta(days=45))
    page = client_for(personas.director).get("/catalog/intermediaries/").content.decode()
    assert "60 天内到期的资质" in page and "乙级测绘资质" in page
    assert "30 天内" not in page


def test_a_stale_status_change_is_refused_and_changes_nothing(personas, agency, client_for):
    client = client_for(personas.director)
    page = client.get(f"/catalog/intermediaries/{agency.pk}/").content.decode()
    assert f'name="status-expected_version" value="{agency.version}"' in page
    stale = agency.version
    services.change_intermediary_status(agency, status="rectifying", reason="他人先改", deadline=timezone.localdate())
    agency.refresh_from_db()
    before = (agency.status, agency.status_reason, agency.version)
    page = client.post(f"/catalog/intermediaries/{agency.pk}/", {
        "status-status": "expelled", "status-reason": "清退", "status-expected_version": stale,
    }).content.decode()
    assert "该记录已被他人修改" in page
    agency.refresh_from_db()
    assert (agency.status, agency.status_reason, agency.version) == before


def test_a_township_admin_is_not_linked_to_county_items_on_the_delegation_page(personas, county, items, client_for):
    """Issue 7: the link led to a 404; the name stays, the link goes (the director still gets it)."""
    services.delegate_item(items["county"], to=[county.township_a], mode="entrusted")
    township = client_for(personas.township_admin)
    page = township.get("/catalog/delegation/").content.decode()

    assert "食品经营许可" in page
    assert f'href="/catalog/items/{items["county"].pk}/"' not in page
    assert township.get(f"/catalog/items/{items['county'].pk}/").status_code == 404  # what the link led to
    director = client_for(personas.director).get("/catalog/delegation/").content.decode()
    assert f'href="/catalog/items/{items["county"].pk}/"' in director


def test_a_township_admin_is_linked_to_their_own_item_only_on_the_consistency_page(personas, county, client_for):
    reference = make_item("K-9", county.department, basic="S", name="社保卡申领", days=5)
    own = make_item("T-9", county.township_a, basic="S", name="社保卡申领", days=7, level=ItemLevel.TOWNSHIP)

    page = client_for(personas.township_admin).get("/catalog/consistency/").content.decode()

    assert "1 处不一致" in page
    assert f'href="/catalog/items/{reference.pk}/"' not in page
    assert f'href="/catalog/items/{own.pk}/"' in page
def test_the_catalogue_export_keeps_formula_like_text_and_runs_on_the_worker_when_large(personas, county, client_for,
                                                                                        settings, huey_immediate):
    from tongban.documents.models import Export

    make_item("F-1", county.department, name="=HYPERLINK(\"http://evil.example\")", materials=[material("id_card")])
    client = client_for(personas.director)
    sheet = load_workbook(io.BytesIO(client.get("/catalog/export.xlsx").content))["事项"]
    assert sheet["C2"].value == '=HYPERLINK("http://evil.example")' and sheet["C2"].data_type == "s"
    settings.EXPORT_ASYNC_ROWS = 0
    response = client.get("/catalog/export.xlsx")
    export = Export.objects.get(kind="catalog.items")
    assert response["Location"] == f"/exports/{export.pk}/"
    download = io.BytesIO(client.get(f"/exports/{export.pk}/download/").getvalue())
    assert load_workbook(download)["事项"]["A2"].value == "F-1"


def test_bundle_lists_cost_the_same_queries_for_10_or_100_bundles(personas, county, client_for, api_for, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    items = [make_item(f"Q-{n}", county.department, days=n + 1, materials=[material("id_card")]) for n in range(3)]

    def add_bundles(upto: int) -> None:
        for n in range(services_bundles_count(), upto):
            bundle = services.create_bundle(slug=f"b{n}", name=f"一件事{n}", lead_unit=county.center, is_published=True)
            services.add_bundle_item(bundle, items[0])
            services.add_bundle_item(bundle, items[1], after=[items[0]])

    page, api = client_for(personas.director), api_for(personas.director)

    def queries() -> list[int]:
        counts = []
        for get in (lambda: page.get("/catalog/bundles/"), lambda: api.get("/api/v1/catalog/bundles/"),
                    lambda: client.get("/api/v1/public/bundles/")):
            with CaptureQueriesContext(connection) as captured:
                assert get().status_code == 200
            counts.append(len(captured))
        return counts

    add_bundles(10)
    queries()  # the first request of each client sets up its session or token
    few = queries()
    add_bundles(100)  # two pages of the APIs (50 a page) and the list's keyset page: still the same queries
    assert queries() == few


def services_bundles_count() -> int:
    from tongban.catalog.models import Bundle

    return Bundle.objects.count()
