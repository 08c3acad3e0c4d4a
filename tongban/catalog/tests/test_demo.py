"""The demo catalogue: every bundle of issue 4, realistic overlaps, idempotent."""
from datetime import date, timedelta

import pytest

from tongban.catalog.bundles import bundle_figures
from tongban.catalog.consistency import consistency_report
from tongban.catalog.demo import build_demo_catalog
from tongban.catalog.models import Bundle, Delegation, NegativeListEntry, Qualification, ServiceItem
from tongban.catalog.services import missing_from_township_list

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)

ISSUE_BUNDLES = {"我要办企业", "我要开饭店", "我要开书店", "我要办演出", "我要开宾馆", "不动产登记一件事",
                 "居民社保服务一件事", "居民就医一件事", "新生儿出生一件事", "企业信息变更一件事", "退休一件事"}


def test_demo_builds_every_bundle_with_savings(county):
    build_demo_catalog(TODAY)
    assert set(Bundle.objects.values_list("name", flat=True)) == ISSUE_BUNDLES
    for bundle in Bundle.objects.all():
        figures = bundle_figures(bundle)
        assert figures.materials_merged < figures.materials_separate, bundle.name
        assert figures.days_critical_path <= figures.days_separate, bundle.name
    restaurant = bundle_figures(Bundle.objects.get(slug="open-restaurant"))
    assert restaurant.days_critical_path < restaurant.days_separate


def test_demo_is_idempotent(county):
    first = build_demo_catalog(TODAY)
    assert build_demo_catalog(TODAY + timedelta(days=3)) == first


def test_the_demo_hook_reports_in_chinese(county):
    from tongban.catalog.demo import build_demo

    assert build_demo(county).startswith("事项 ")
    assert build_demo(county) == build_demo(county)


def test_demo_covers_delegation_intermediaries_negative_list_and_consistency(county):
    build_demo_catalog(TODAY)
    assert Delegation.objects.filter(township=county.township_a).exists()
    assert Qualification.objects.filter(expires_on__lte=TODAY + timedelta(days=30)).exists()
    assert NegativeListEntry.objects.filter(source="computed").exists()
    assert NegativeListEntry.objects.filter(source="manual").exists()
    assert consistency_report()  # one township's item disagrees with the county's
    assert missing_from_township_list("河南省乡镇（街道）政务服务事项基本目录（154项）")


def test_units_are_found_by_name_and_missing_ones_fall_back_to_the_centre(county):
    build_demo_catalog(TODAY)
    assert ServiceItem.objects.get(name="食品经营许可").implementing_unit == county.department  # 县市场监管局
    assert ServiceItem.objects.get(name="特种行业许可证（旅馆业）").implementing_unit == county.center  # no 县公安局
