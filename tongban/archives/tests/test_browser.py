"""The one walk in the real browser: on the counter's tablet the applicant signs the 受理通知书 with a finger
(touch) and the mouse, and the notice printed from the case page is the stored, signed document."""
from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from tongban.archives.models import Signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    """A counter's tablet: a 10-inch portrait screen with touch."""
    return {**browser_context_args, "viewport": {"width": 800, "height": 1280}, "has_touch": True,
            "accept_downloads": True}


def _touch_stroke(page, box):
    """A finger's stroke, sent as touch events (Chromium makes them pointer events of type "touch")."""
    cdp = page.context.new_cdp_session(page)
    points = [(box["x"] + 60 + i * 12, box["y"] + 150 - (i % 5) * 8) for i in range(20)]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
    for x, y in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_the_applicant_signs_the_acceptance_notice_on_a_tablet_and_the_printed_notice_shows_it(
        login_page, live_server, case_people, accept_case, screenshot_dir):
    case = accept_case()
    page = login_page(case_people.clerk)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.click("#sign-acceptance")
    page.wait_for_selector("#signature-pad")
    assert page.is_disabled("#sign-submit")

    box = page.locator("#signature-pad").bounding_box()
    _touch_stroke(page, box)
    page.wait_for_function("!document.querySelector('#sign-submit').disabled")  # the finger inked the pad
    page.mouse.move(box["x"] + 40, box["y"] + 80)
    page.mouse.down()
    for step in range(1, 30):
        page.mouse.move(box["x"] + 40 + step * 15, box["y"] + 80 + (step % 6) * 10)
    page.mouse.up()
    page.screenshot(path=str(screenshot_dir / "archives-sign.png"))
    page.click("#sign-submit")
    page.wait_for_url(f"{live_server.url}/cases/{case.number}/")
    assert page.locator("#signed-link").inner_text().strip() == "已签名（1 份）"

    with page.expect_download() as download:
        page.click(f"a[href='/cases/{case.number}/notice/acceptance/']")
    printed = open(download.value.path(), "rb").read()
    signature = Signature.objects.get(case=case, kind="acceptance")
    assert hashlib.sha256(printed).hexdigest() == signature.document_sha256
    with zipfile.ZipFile(io.BytesIO(printed)) as docx:
        images = [docx.read(n) for n in docx.namelist() if n.startswith("word/media/")]
        text = docx.read("word/document.xml").decode()
    assert signature.image.open("rb").read() in images  # beside the 扫码评价 QR code (feedback)
    assert "申请人签名" in text and "签名人：李四" in text
    from PIL import Image

    with Image.open(signature.image.open("rb")) as drawn:
        ink = drawn.convert("RGBA").getchannel("A").getbbox()
    assert ink is not None and ink[2] - ink[0] > 300  # the strokes, not a dot
