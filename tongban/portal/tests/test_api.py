"""Public API: read-only published data, no authentication."""
import pytest

from tongban.catalog.demo import build_demo_catalog
from tongban.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(county):
    build_demo_catalog()


def test_public_items_need_no_login_and_hide_unpublished(client, demo):
    hidden = ServiceItem.objects.get(name="食品经营许可")
    ServiceItem.objects.filter(pk=hidden.pk).update(is_published=False)
    data = client.get("/api/v1/public/items/").json()
    codes = {row["implementation_code"] for row in data["results"]}
    assert data["count"] == ServiceItem.objects.filter(is_published=True).count()
    assert hidden.implementation_code not in codes
    assert client.get(f"/api/v1/public/items/{hidden.implementation_code}/").status_code == 404
    assert "is_concentrated" not in data["results"][0]  # internal flags stay internal


def test_public_bundle_has_the_figures(client, demo):
    data = client.get("/api/v1/public/bundles/open-restaurant/").json()
    assert data["figures"]["materials_separate"] == 23 and data["figures"]["materials_merged"] == 11
    assert [n["name"] for n in data["items"]][0] == "营业执照（企业设立登记）"


def test_public_api_is_read_only(client, demo):
    assert client.post("/api/v1/public/bundles/", {"slug": "x"}).status_code == 405


def test_service_points_list_their_items(client, demo, county):
    points = {row["code"]: row for row in client.get("/api/v1/public/service-points/").json()["results"]}
    assert set(points) == {"center", "tw-chengguan", "vil-dongguan", "tw-wangcun"}
    social_card = ServiceItem.objects.get(name="社会保障卡申领").implementation_code
    assert social_card in points["tw-chengguan"]["items"]


def test_a_bundle_with_an_unpublished_item_is_404_in_the_public_api(client, demo):
    from tongban.catalog.models import Bundle

    bookstore = Bundle.objects.get(slug="open-bookstore").items.all()
    hidden = Bundle.objects.get(slug="open-restaurant").items.exclude(pk__in=bookstore).first()
    ServiceItem.objects.filter(pk=hidden.pk).update(is_published=False)
    assert client.get("/api/v1/public/bundles/open-restaurant/").status_code == 404
    slugs = {row["slug"] for row in client.get("/api/v1/public/bundles/").json()["results"]}
    assert "open-restaurant" not in slugs and "open-bookstore" in slugs


def test_service_points_api_does_not_query_per_point(demo, same_queries_with_more_points):
    data = same_queries_with_more_points("/api/v1/public/service-points/").json()
    assert "vil-extra-9" in {row["code"] for row in data["results"]}


def _all(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    return response.json()["results"]


def test_public_delegations_list_live_delegations_of_published_items(client, demo):
    from tongban.catalog import services
    from tongban.catalog.models import Delegation

    rows = _all(client, "/api/v1/public/delegations/")
    live = Delegation.objects.filter(is_revoked=False, item__is_published=True, township__is_active=True)
    assert len(rows) == live.count() > 0
    assert {"item_name", "implementation_code", "township", "mode", "basis", "delegated_on"} <= set(rows[0])

    social_card = ServiceItem.objects.get(name="社会保障卡申领")
    ServiceItem.objects.filter(pk=social_card.pk).update(is_published=False)
    revoked = Delegation.objects.filter(item__name="城乡居民基本医疗保险参保登记").first()
    services.revoke_delegation(revoked)
    rows = _all(client, "/api/v1/public/delegations/")
    assert social_card.implementation_code not in {r["implementation_code"] for r in rows}
    pairs = {(r["implementation_code"], r["township"]) for r in rows}
    assert (revoked.item.implementation_code, revoked.township.name) not in pairs
    assert len(rows) == live.count()


def test_public_intermediaries_hide_expelled_agencies_and_internal_fields(client, demo):
    from tongban.catalog import services
    from tongban.catalog.choices import IntermediaryStatus
    from tongban.catalog.models import Intermediary, IntermediaryService

    rows = _all(client, "/api/v1/public/intermediaries/")
    assert rows and any(r["agencies"] for r in rows)
    agency = next(a for r in rows for a in r["agencies"])
    assert set(agency) == {"name", "credit_code", "status", "status_display", "qualifications"}
    assert set(agency["qualifications"][0]) == {"name", "number", "expires_on"}

    expelled = Intermediary.objects.get(credit_code=agency["credit_code"])
    services.change_intermediary_status(expelled, status=IntermediaryStatus.EXPELLED, reason="出具虚假报告")
    hidden = IntermediaryService.objects.first()
    IntermediaryService.objects.filter(pk=hidden.pk).update(is_published=False)
    rows = _all(client, "/api/v1/public/intermediaries/")
    assert expelled.credit_code not in {a["credit_code"] for r in rows for a in r["agencies"]}
    assert hidden.pk not in {r["id"] for r in rows}
    assert len(rows) == IntermediaryService.objects.filter(is_published=True, item__is_published=True).count()
    assert client.post("/api/v1/public/intermediaries/", {}).status_code == 405
