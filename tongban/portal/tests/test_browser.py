"""A citizen on a phone finds 我要开饭店 and sees, on one page, what to bring and how much the bundle saves."""
import pytest

from tongban.cases.tests.conftest import case_people, restaurant  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_phone_user_opens_the_restaurant_bundle(live_server, county, browser, monkeypatch, screenshot_dir):
    """`browser` is pytest-playwright's session browser: /usr/bin/chromium with --no-sandbox --disable-gpu
    --disable-background-networking --disable-component-update --disable-sync (tongban/conftest.py). A second
    sync_playwright() here would fail once another browser test has started Playwright's event loop."""
    from tongban.catalog.demo import build_demo_catalog

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM next to Playwright's loop, this test only
    build_demo_catalog()
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="我要开饭店").click()
    page.wait_for_url("**/portal/bundles/open-restaurant/")
    assert page.locator("h1").inner_text().strip() == "我要开饭店"
    materials = page.locator("#merged-materials > li")
    assert materials.count() == 11
    texts = materials.all_inner_texts()
    assert "经营场所使用证明" in texts[3]
    assert not any("营业执照" in text for text in texts)  # produced inside the bundle: not to bring
    sentence = page.locator("#bundle-sentence").inner_text()
    assert sentence == "材料 由 23 份减至 11 份，减少 52%；时限 由 18 个工作日压缩至 8 个工作日；跑动 由 5 次减至 2 次"
    bar = page.locator('[data-metric="承诺时限"] .progress-bar.bg-danger')
    assert bar.inner_text().strip() == "8 个工作日"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    screenshot = screenshot_dir / "portal-bundle.png"
    page.screenshot(path=str(screenshot), full_page=True)
    context.close()
    assert screenshot.stat().st_size > 10_000


def test_an_applicant_on_a_phone_looks_up_their_case(live_server, county, case_people, restaurant, browser,
                                                      monkeypatch, screenshot_dir, settings):
    """The link printed on the 受理通知书 opens 办件进度查询 with the number filled in; the last four of the ID
    number show the progress, and the materials still owed under 容缺."""
    from tongban.cases import notices
    from tongban.cases.services import intake
    from tongban.cases.tests.conftest import person_applicant

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                               applicant=person_applicant(), materials={"health_cert": "received",
                                                                        "business_licence": "received"})
    case = intake.accept_pending(case, by=case_people.clerk, pending=["layout_plan"], promise_signed=True)
    link = notices.context(case)["tracking_link"].replace(settings.SITE_URL.rstrip("/"), live_server.url)
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(link)
    assert page.locator("#track-number").input_value() == case.number
    page.locator("#track-factor").fill("002x")
    page.locator("#track-submit").click()
    page.wait_for_selector("#track-result")
    assert page.locator("#track-status").inner_text().strip() == "已受理，正在审查"
    assert "经营场所平面图" in page.locator("#track-pending").inner_text()
    assert "13900005678" not in page.content() and "李四" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_dir / "portal-tracking.png"), full_page=True)
    page.locator("#track-factor").fill("1111")
    page.locator("#track-submit").click()
    page.wait_for_selector("#track-error")
    assert "查无此件" in page.locator("#track-error").inner_text() and page.locator("#track-result").count() == 0
    context.close()
