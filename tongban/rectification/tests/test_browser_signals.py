"""Issue 16 in a real browser: the rectification office opens the list of measures that deserve a second look,
follows one to its measure, sees why (both photos, loaded), and marks it checked from the same page."""
from __future__ import annotations

import pytest

from tongban.rectification.choices import SignalKind
from tongban.rectification.evidence_samples import photo_bytes, resized
from tongban.rectification.models import Signal
from tongban.rectification.signals import scan
from tongban.rectification.tests.conftest import upload
from tongban.rectification.tests.test_signals import close

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_finds_a_reused_photo_on_the_list_and_marks_it_checked_on_the_measure(
        ledger, personas, login_page, live_server, screenshot_dir):
    office = personas.rectification_office
    original = photo_bytes(21)
    close(ledger.section_measure, [upload("整改后.jpg", original)], office=office, by=personas.section_chief)
    close(ledger.township_measure, [upload("现场.jpg", resized(original))], office=office, by=personas.township_admin)
    scan()
    signal = Signal.objects.get(measure=ledger.section_measure, kind=SignalKind.SIMILAR_PHOTO)

    page = login_page(office)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/rectification/signals/")
    row = page.locator("tr", has_text=signal.sentence[:20]).first
    assert "照片" in row.inner_text()
    row.locator("a").first.click()
    card = page.locator(f"#signal-{signal.pk}")
    card.wait_for()
    assert signal.sentence in card.inner_text()
    # both photos are really served and decoded by the browser, side by side (lazy images: bring them into view
    # and wait for the decode, which takes longer on a busy machine; a broken image never gets a width)
    photos = card.locator(".signal-evidence img")
    assert photos.count() == 2
    photos.first.scroll_into_view_if_needed()
    page.wait_for_function(
        "sel => [...document.querySelectorAll(sel)].every(i => i.complete && i.naturalWidth > 0)",
        arg=f"#signal-{signal.pk} .signal-evidence img", timeout=15000)
    page.screenshot(path=str(screenshot_dir / "rectification-signal.png"), full_page=True)
    card.locator("summary").click()
    card.locator(f"#id_signal{signal.pk}_reason").fill("两处为同一大厅的两个窗口，照片属实。")
    card.locator(f"#signal-{signal.pk}-fine button[type=submit]").click()
    page.locator(f"#signal-{signal.pk} .signal-decision").wait_for()
    assert "已核查，无问题" in page.locator(f"#signal-{signal.pk} .signal-decision").inner_text()
    signal.refresh_from_db()
    assert signal.status == "fine" and signal.decided_by == office
