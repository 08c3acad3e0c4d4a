"""A citizen on a phone finds 我要开饭店 and sees, on one page, what to bring and how much the bundle saves."""
import pytest

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
