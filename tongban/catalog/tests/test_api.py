"""Staff API: same scopes as the pages; 404 alike for missing and out of scope."""
import pytest

from tongban.catalog import services

pytestmark = pytest.mark.django_db


def test_township_admin_gets_404_for_another_townships_item_by_api(personas, items, api_for):
    api = api_for(personas.township_admin)
    assert api.get(f"/api/v1/catalog/items/{items['a'].pk}/").status_code == 200
    response = api.get(f"/api/v1/catalog/items/{items['b'].pk}/")
    assert response.status_code == 404 and "无权" in response.json()["detail"]


def test_item_list_is_scoped_and_filterable(personas, items, api_for):
    names = {row["name"] for row in api_for(personas.township_admin).get("/api/v1/catalog/items/").json()["results"]}
    assert names == {"城关镇养老参保"}
    rows = api_for(personas.director).get("/api/v1/catalog/items/", {"level": "county"}).json()["results"]
    assert [r["implementation_code"] for r in rows] == ["K-1"]
    assert rows[0]["materials"][0]["code"] == "id_card" and rows[0]["channels"] == ["window"]


def test_materials_follow_their_items_scope(personas, items, api_for):
    assert api_for(personas.township_admin).get("/api/v1/catalog/materials/").json()["count"] == 0
    assert api_for(personas.director).get("/api/v1/catalog/materials/").json()["count"] == 1


def test_delegations_are_seen_by_the_receiving_township_only(personas, county, items, api_for):
    services.delegate_item(items["county"], mode="entrusted")
    rows = api_for(personas.township_admin).get("/api/v1/catalog/delegations/").json()["results"]
    assert [r["township_name"] for r in rows] == ["城关镇便民服务中心"]
    assert api_for(personas.director).get("/api/v1/catalog/delegations/").json()["count"] == 2


def test_bundle_api_carries_the_figures(personas, county, items, api_for):
    bundle = services.create_bundle(slug="b1", name="一件事", lead_unit=county.center)
    services.add_bundle_item(bundle, items["county"])
    data = api_for(personas.director).get("/api/v1/catalog/bundles/b1/").json()
    assert data["figures"]["materials_separate"] == 1 and data["items"][0]["name"] == "食品经营许可"
    assert api_for(personas.township_admin).get("/api/v1/catalog/bundles/b1/").status_code == 404


def test_intermediaries_api_is_scoped(personas, county, api_for):
    services.create_intermediary(name="正方测绘", credit_code="91350100M000100Y43", supervising_unit=county.center)
    assert api_for(personas.inspector).get("/api/v1/catalog/intermediaries/").json()["count"] == 1
    assert api_for(personas.township_admin).get("/api/v1/catalog/intermediaries/").json()["count"] == 0


def test_the_staff_api_needs_authentication(client):
    assert client.get("/api/v1/catalog/items/").status_code in (401, 403)
