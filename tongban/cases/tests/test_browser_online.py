"""掌上办 end to end: an applicant on a phone applies for a mobile item, receives the one-time correction notice
on their private link, uploads the missing file and follows the case to its end (the clerk's and the
departments' steps go through the services)."""
import pytest

from tongban.cases.tests.conftest import case_people, restaurant  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_applicant_applies_on_a_phone_corrects_and_tracks_to_the_end(
        live_server, county, case_people, restaurant, browser, monkeypatch, screenshot_dir, settings, tmp_path):
    from tongban.cases.models import Case
    from tongban.cases.services import delivery, intake, review

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM next to Playwright's loop, this test only
    settings.MEDIA_ROOT = tmp_path / "media"
    food = restaurant.food
    food.via_mobile = True
    food.save(update_fields=["via_mobile"])
    scan = tmp_path / "营业执照.pdf"
    scan.write_bytes(PDF)
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, user_agent=PHONE_UA)
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="网上办事").click()
    page.get_by_role("link", name=food.name).click()
    page.locator("#id_a-applicant_name").fill("李四")
    page.locator("#id_a-id_number").fill("11010519491231002X")
    page.locator("#id_a-phone").fill("13900005678")
    page.locator("#id_file_business_licence").set_input_files(str(scan))
    page.locator("#id_file_layout_plan").set_input_files(str(scan))
    page.locator("#apply-submit").click()
    page.wait_for_url("**/portal/track/**")
    number = page.locator("#apply-number").inner_text()
    case = Case.objects.get(number=number)
    assert (case.status, case.channel) == ("prechecking", "mobile")
    assert page.locator("#track-status").inner_text() == "网上申请已提交，工作人员正在预审"
    link = page.locator("#track-link").input_value()

    intake.notify_correction(case, by=case_people.clerk, materials={
        "health_cert": {"state": "missing", "problem": "请上传本人健康证明扫描件"}})
    page.goto(link)
    assert "从业人员健康证明" in page.locator("#track-to-correct").inner_text()
    assert "请上传本人健康证明扫描件" in page.locator("#correct-section").inner_text()
    page.locator("#id_file_health_cert").set_input_files(str(scan))
    page.locator("#correct-submit").click()
    page.wait_for_url("**?corrected=1")
    assert page.locator("#correct-done").is_visible()
    assert page.locator("#track-status").inner_text() == "网上申请已提交，工作人员正在预审"

    case = intake.accept(Case.objects.get(pk=case.pk), by=case_people.clerk)
    case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(), reason="符合条件")
    delivery.deliver(case, by=case_people.delivery_clerk, method="paper", licence_number="JY14105230001")
    page.goto(link)
    assert page.locator("#track-status").inner_text() == "已办结"
    assert page.locator("#track-decision").inner_text() == "准予许可"
    assert "统一出件窗口" in page.locator("#track-collect").inner_text()
    steps = page.locator("#track-timeline li").all_inner_texts()
    assert [s.split(" ", 2)[-1] for s in steps] == [
        "网上申请已提交", "一次性告知：材料需要补正", "已在网上上传补正材料", "已受理", "部门审查完成", "审批决定已作出",
        "已办结，结果已送达"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    screenshot = screenshot_dir / "portal-online-case.png"
    page.screenshot(path=str(screenshot), full_page=True)
    context.close()
    assert screenshot.stat().st_size > 10_000
