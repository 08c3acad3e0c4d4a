"""The foundation walked in a real browser: log in, open the org tree and the calendar, save screenshots."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_director_logs_in_opens_the_org_tree_and_the_calendar(personas, county, login_page, live_server, screenshot_dir):
    page = login_page(personas.director)
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator("#home-sections").is_visible()  # the 工作台 (tested with data in rectification)

    page.click("text=组织机构")
    page.click("text=单位树")
    page.wait_for_selector("#org-tree")
    assert page.locator("#org-tree").get_by_text("城关镇便民服务中心").is_visible()
    page.screenshot(path=str(screenshot_dir / "org-tree.png"), full_page=True)

    page.click("#nav-system")
    page.click("nav >> text=工作日历")
    page.wait_for_selector(".month")
    assert page.locator(".month").count() == 12
    page.screenshot(path=str(screenshot_dir / "calendar.png"), full_page=True)


def test_township_admin_sees_only_their_township_in_the_tree(personas, county, login_page, live_server):
    page = login_page(personas.township_admin)
    page.goto(f"{live_server.url}/org/")
    tree = page.locator("#org-tree").inner_text()
    assert "城关镇便民服务中心" in tree and "王村乡" not in tree
    response = page.goto(f"{live_server.url}/org/units/{county.township_b.pk}/")
    assert response.status == 404


def test_the_layout_works_on_a_phone(personas, county, login_page, live_server):
    page = login_page(personas.window_clerk)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.locator(".navbar-toggler").is_visible()
    page.click(".navbar-toggler")
    page.wait_for_selector("#mainnav.show")
    assert page.locator("#mainnav").get_by_text("单位树", exact=False).count() >= 0


def test_a_user_makes_copies_and_revokes_their_own_api_token_from_the_user_menu(personas, county, login_page,
                                                                                 live_server):
    from rest_framework.authtoken.models import Token

    page = login_page(personas.rectification_office)
    page.click("nav .dropdown-toggle:has(.bi-person-circle)")  # the user menu
    page.click("nav >> text=我的接口令牌")
    page.wait_for_selector("h1:has-text('我的接口令牌')")
    page.click("button:has-text('生成令牌')")
    key = page.locator("#new-token code").inner_text().strip()
    assert key == Token.objects.get(user=personas.rectification_office).key
    page.goto(f"{live_server.url}/account/tokens/")
    assert key not in page.content() and "有效期至" in page.content()
    page.click("button:has-text('作废令牌')")
    page.wait_for_selector("text=您目前没有接口令牌")
    assert not Token.objects.filter(user=personas.rectification_office).exists()
