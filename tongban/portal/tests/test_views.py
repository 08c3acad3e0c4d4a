"""Public pages: no login, published data only, one-page guides, search, service points."""
import pytest

from tongban.catalog import services
from tongban.catalog.demo import build_demo_catalog
from tongban.catalog.models import Bundle, ServiceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(county):
    build_demo_catalog()


def test_the_menu_shows_enterprise_and_citizen_themes_without_login(client, demo):
    page = client.get("/portal/").content.decode()
    for name in ("我要办企业", "我要开饭店", "我要开书店", "我要办演出", "我要开宾馆", "不动产登记一件事",
                 "居民社保服务一件事", "居民就医一件事", "新生儿出生一件事", "企业信息变更一件事", "退休一件事"):
        assert name in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "navbar" not in page and "/org/" not in page  # no admin nav on public pages (only the staff login)


def test_the_bundle_guide_is_one_page_with_the_arithmetic(client, demo):
    page = client.get("/portal/bundles/open-restaurant/").content.decode()
    assert "材料 由 23 份减至 11 份，减少 52%；时限 由 18 个工作日压缩至 8 个工作日；跑动 由 5 次减至 2 次" in page
    for section in ("需要带齐的材料（11 份）", "一张表单", "办理流程（共 8 个工作日）", "收费", "在哪里办"):
        assert section in page
    assert "营业执照：由本一件事办理中产生，无需提交" in page
    assert "同时办理" in page  # the parallel stage


def test_the_item_guide_tells_everything_once(client, demo):
    item = ServiceItem.objects.get(name="不动产转移登记（存量房买卖）")
    page = client.get(f"/portal/items/{item.implementation_code}/").content.decode()
    for text in ("需要带齐的材料", "不动产权证书", "办理流程", "法定时限 30 个工作日", "住宅 80 元/件", "在哪里办",
                 "监督投诉", "不动产测绘", "打印办事指南"):
        assert text in page


def test_the_print_layout_hides_navigation(client, demo):
    from pathlib import Path

    import tongban.portal

    css = (Path(tongban.portal.__file__).parent / "static/portal/portal.css").read_text(encoding="utf-8")
    assert "portal/portal.css" in client.get("/portal/").content.decode()
    assert "@media print" in css and ".portal-header" in css.split("@media print")[1]


def test_unpublished_items_and_bundles_are_404(client, demo):
    item = ServiceItem.objects.get(name="食品经营许可")
    ServiceItem.objects.filter(pk=item.pk).update(is_published=False)
    Bundle.objects.filter(slug="open-hotel").update(is_published=False)
    assert client.get(f"/portal/items/{item.implementation_code}/").status_code == 404
    assert client.get("/portal/bundles/open-hotel/").status_code == 404
    assert "我要开宾馆" not in client.get("/portal/").content.decode()
    assert "食品经营许可" not in client.get("/portal/search/?q=食品").content.decode().split("search-items")[-1]


def test_search_finds_chinese_substrings_and_bundles(client, demo):
    page = client.get("/portal/search/", {"q": "食品"}).content.decode()
    assert "食品经营许可" in page
    page = client.get("/portal/search/", {"q": "饭店"}).content.decode()
    assert "我要开饭店" in page


def test_search_finds_pinyin_initials(client, demo):
    pytest.importorskip("pypinyin")
    page = client.get("/portal/search/", {"q": "SPJY"}).content.decode()
    assert "食品经营许可" in page
    assert "我要开饭店" in client.get("/portal/search/", {"q": "wykfd"}).content.decode()


def test_service_points_list_what_each_handles(client, demo, county):
    page = client.get("/portal/points/").content.decode()
    assert "测试县行政审批服务中心" in page and "城关镇便民服务中心" in page and "东关村便民服务点" in page
    township = client.get(f"/portal/points/{county.township_a.code}/").content.decode()
    assert "社会保障卡申领" in township  # delegated to every township
    assert "食品经营许可" not in township
    assert client.get(f"/portal/points/{county.department.code}/").status_code == 404  # not a service point


def test_published_lists_of_intermediaries_and_delegated_items(client, demo):
    page = client.get("/portal/intermediaries/").content.decode()
    assert "建筑消防设施检测" in page and "XX县安达消防技术服务有限公司" in page
    page = client.get("/portal/delegated/").content.decode()
    assert "社会保障卡申领" in page and "委托下发" in page


def test_expelled_intermediaries_are_not_published(client, county):
    agency = services.create_intermediary(name="被清退的公司", credit_code="91350100M000100Y43", supervising_unit=county.center)
    services.change_intermediary_status(agency, status="expelled", reason="清退")
    assert "被清退的公司" not in client.get("/portal/intermediaries/").content.decode()


def test_a_bundle_with_an_unpublished_item_is_not_public(client, demo):
    bookstore = Bundle.objects.get(slug="open-bookstore").items.all()
    hidden = Bundle.objects.get(slug="open-restaurant").items.exclude(pk__in=bookstore).first()
    ServiceItem.objects.filter(pk=hidden.pk).update(is_published=False)
    assert client.get("/portal/bundles/open-restaurant/").status_code == 404
    assert "我要开饭店" not in client.get("/portal/").content.decode()
    assert "我要开饭店" not in client.get("/portal/search/", {"q": "饭店"}).content.decode()
    assert client.get("/portal/bundles/open-bookstore/").status_code == 200  # others stay public


def test_expelled_agencies_are_not_offered_for_a_published_service(client, county):
    from tongban.catalog.tests.helpers import make_item

    item = make_item("I-1", county.department, name="建设工程消防验收")
    kept = services.create_intermediary(name="在册的公司", credit_code="91350100M000100Y43", supervising_unit=county.center)
    gone = services.create_intermediary(name="被清退的公司", credit_code="91350100M000200Y4T", supervising_unit=county.center)
    services.add_intermediary_service(item, name="消防设施检测", agencies=[kept, gone])
    services.change_intermediary_status(gone, status="expelled", reason="清退")
    page = client.get("/portal/intermediaries/").content.decode()
    assert "可选机构：在册的公司" in page
    assert "被清退的公司" not in page


def test_delegations_to_inactive_townships_are_not_public(client, county):
    from tongban.catalog.tests.helpers import make_item
    from tongban.org.models import Unit

    item = make_item("D-1", county.department, name="农机购置补贴")
    services.delegate_item(item, to=[county.township_a, county.township_b], mode="entrusted")
    Unit.objects.filter(pk=county.township_b.pk).update(is_active=False)
    delegated = client.get("/portal/delegated/").content.decode()
    assert county.township_a.name in delegated and county.township_b.name not in delegated
    guide = client.get("/portal/items/D-1/").content.decode()
    assert county.township_a.name in guide and county.township_b.name not in guide


def test_the_service_point_list_does_not_query_per_point(demo, same_queries_with_more_points):
    page = same_queries_with_more_points("/portal/points/").content.decode()
    assert "加村9便民服务点" in page


def test_search_for_a_word_no_name_contains_finds_through_the_synonyms(client, demo):
    """餐饮 is in no item or bundle name; the demo's synonyms (餐饮 → 饭店、食品经营) find both."""
    page = client.get("/portal/search/", {"q": "餐饮"}).content.decode()

    assert "我要开饭店" in page and "食品经营许可" in page


def test_synonyms_are_data_an_administrator_can_change(client, demo):
    from tongban.catalog.models import SearchSynonym

    assert "公章刻制备案" not in client.get("/portal/search/", {"q": "刻章"}).content.decode()
    SearchSynonym.objects.create(term="刻章", synonyms="公章刻制")

    assert "公章刻制备案" in client.get("/portal/search/", {"q": "刻章"}).content.decode()


def test_search_finds_full_pinyin_besides_the_initials(client, demo):
    pytest.importorskip("pypinyin")
    assert "食品经营许可" in client.get("/portal/search/", {"q": "shipin"}).content.decode()
    assert "食品经营许可" in client.get("/portal/search/", {"q": "ShiPinJingYing"}).content.decode()
    assert "我要开饭店" in client.get("/portal/search/", {"q": "fandian"}).content.decode()
    assert "食品经营许可" not in client.get("/portal/search/", {"q": "shipinx"}).content.decode()


def test_the_site_root_is_the_portal_with_a_staff_login_in_its_corner(client, demo, county):
    page = client.get("/").content.decode()

    assert "我要开饭店" in page and 'id="staff-login"' in page and 'href="/login/"' in page
    assert "测试县行政审批服务中心" in page  # the centre's name, from the root unit


def test_the_login_page_names_the_centre_and_links_back_to_the_portal(client, county):
    page = client.get("/login/").content.decode()

    assert '<h1 class="h5 mb-1 text-center" id="centre-name">测试县行政审批服务中心</h1>' in page
    assert '<a href="/" id="back-to-portal">' in page


def test_a_hall_shows_its_windows_and_each_window_what_it_takes(client, demo, county, personas):
    """窗口公示: the hall lists its windows with the people at each (亮牌上岗); a window's page says what it takes
    by the intake rule itself — every item of the hall at a comprehensive window, the department's own at a
    specialist one — and a township's window is on the township's page, not the centre's."""
    from tongban.org import services as org_services

    hall = client.get(f"/portal/points/{county.center.code}/").content.decode()
    assert 'id="point-windows"' in hall and county.intake_window.name in hall and "赵窗口" in hall
    assert county.specialist_window.name in hall
    assert county.township_window.name not in hall
    assert county.township_window.name in client.get(f"/portal/points/{county.township_a.code}/").content.decode()

    page = client.get(f"/portal/points/{county.center.code}/windows/{county.intake_window.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    hall_items = client.get(f"/portal/points/{county.center.code}/").context["items"].count()
    assert f"无差别全科受理：本大厅的 {hall_items} 个事项" in text and "赵窗口" in text

    specialist = client.get(f"/portal/points/{county.center.code}/windows/{county.specialist_window.code}/")
    shown = specialist.context["items"]
    assert shown and all(i.implementing_unit.path.startswith(county.department.path) for i in shown)
    assert "无差别全科受理" not in specialist.content.decode()

    # a window is found under its own hall only, and a closed window is not shown
    assert client.get(f"/portal/points/{county.township_a.code}/windows/{county.intake_window.code}/").status_code == 404
    assert client.get(f"/portal/points/{county.center.code}/windows/NOPE/").status_code == 404
    org_services.update_window(county.specialist_window, expected_version=None, is_active=False)
    assert client.get(f"/portal/points/{county.center.code}/windows/{county.specialist_window.code}/").status_code == 404
    assert county.specialist_window.name not in client.get(f"/portal/points/{county.center.code}/").content.decode()
