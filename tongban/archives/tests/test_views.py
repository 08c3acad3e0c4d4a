"""The archive pages against the personas: who sees a package, who may download it, what an upload check says,
and the list's queries do not grow with its rows."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.archives import services

pytestmark = pytest.mark.django_db

SEES = {"director": True, "rectification_office": True, "section_chief": False, "window_clerk": True,
        "township_admin": False, "other_township_admin": False, "inspector": True, "admin": True}
DOWNLOADS = {"director": 200, "window_clerk": 200, "inspector": 403, "admin": 200}


@pytest.fixture
def package(close_case):
    return services.pack_case(close_case())


@pytest.mark.parametrize("name", sorted(SEES))
def test_each_persona_sees_a_package_only_in_scope_and_downloads_it_only_when_handling_the_case(
        client_for, personas, package, name):
    client = client_for(getattr(personas, name))
    listing = client.get("/archives/")
    assert listing.status_code == 200
    assert (package.case.number in listing.content.decode()) == SEES[name]
    detail = client.get(f"/archives/{package.pk}/")
    assert detail.status_code == (200 if SEES[name] else 404)
    download = client.get(f"/archives/{package.pk}/download/")
    assert download.status_code == (DOWNLOADS.get(name, 403) if SEES[name] else 404)
    if download.status_code == 200:
        assert b"".join(download.streaming_content)[:4] == b"PK\x03\x04"
    verify = client.post(f"/archives/{package.pk}/verify/").status_code
    assert verify == ({200: 302}.get(download.status_code, download.status_code))
    if SEES[name]:
        timeline = client.get(f"/history/{ContentType.objects.get_for_model(package).pk}/{package.pk}/")
        assert timeline.status_code == 200


def test_verifying_from_the_page_records_the_status_on_the_list(client_for, personas, package):
    client = client_for(personas.director)
    page = client.post(f"/archives/{package.pk}/verify/", follow=True).content.decode()
    assert "归档包完整" in page and 'id="package-status">完整' in page
    assert "完整" in client.get("/archives/?status=intact").content.decode()
    assert package.case.number not in client.get("/archives/?status=damaged").content.decode()


def test_the_list_asks_as_many_queries_for_two_packages_as_for_one(client_for, personas, close_case):
    client = client_for(personas.window_clerk)
    services.pack_case(close_case())
    client.get("/archives/")
    with CaptureQueriesContext(connection) as one:
        client.get("/archives/")
    services.pack_case(close_case())
    with CaptureQueriesContext(connection) as two:
        page = client.get("/archives/").content.decode()
    assert page.count('<tr id="package-') == 2
    assert len(two.captured_queries) == len(one.captured_queries)


def test_an_uploaded_package_is_checked_and_nothing_is_stored(client_for, personas, package, tmp_path):
    client = client_for(personas.inspector)
    data = services.package_path(package).read_bytes()
    good = client.post("/archives/verify/", {"package": SimpleUploadedFile("p.zip", data)})
    assert good.status_code == 200 and "归档包完整" in good.content.decode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for name in old.namelist():
            new.writestr(name, old.read(name) + (b"\n" if name.endswith("metadata.xml") else b""))
    bad = client.post("/archives/verify/", {"package": SimpleUploadedFile("p.zip", out.getvalue())})
    assert bad.status_code == 422 and "文件已被修改：metadata.xml" in bad.content.decode()
    wrong = client.post("/archives/verify/", {"package": SimpleUploadedFile("p.zip", b"%PDF-1.4 not a zip")})
    assert wrong.status_code == 400 and "文件内容与扩展名“.zip”不符" in wrong.content.decode()
    missing = client.post("/archives/verify/", {})
    assert missing.status_code == 400 and "请选择要校验的归档包" in missing.content.decode()


def test_the_receipt_and_the_package_are_linked_from_the_case_page(client_for, case_people, package):
    client = client_for(case_people.delivery_clerk)
    page = client.get(f"/cases/{package.case.number}/").content.decode()
    assert f"/archives/case/{package.case.number}/receipt/" in page and f"/archives/{package.pk}/" in page
    receipt = client.get(f"/archives/case/{package.case.number}/receipt/")
    assert receipt.status_code == 200 and receipt.content[:2] == b"PK"


@pytest.mark.parametrize("name, sees, verify", [("director", 1, 200), ("inspector", 1, 403),
                                                ("township_admin", 0, 404), ("window_clerk", 1, 200)])
def test_the_api_lists_packages_in_scope_and_verifies_for_handlers(api_for, personas, package, name, sees, verify):
    api = api_for(getattr(personas, name))
    body = api.get("/api/v1/archive-packages/").json()
    assert len(body["results"]) == sees
    if sees:
        assert body["results"][0]["case_number"] == package.case.number and body["results"][0]["status"] == "unverified"
    answer = api.post(f"/api/v1/archive-packages/{package.pk}/verify/")
    assert answer.status_code == verify
    if verify == 200:
        assert answer.json() == {"ok": True, "status": "intact", "messages": []}
