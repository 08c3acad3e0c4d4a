"""`tongban demo` adds a realistic mix of cases through the real services, once."""
import pytest

from tongban.cases.models import Case

pytestmark = pytest.mark.django_db


def test_the_demo_builds_every_kind_of_case_once():
    from tongban.cases.demo import build_demo
    from tongban.catalog.demo import build_demo_catalog
    from tongban.org.demo import build_demo_county

    county = build_demo_county()
    build_demo_catalog()
    assert build_demo(county) == "办件 57 件"
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == {"received", "correcting", "reviewing", "suspended", "ready", "closed", "refused", "withdrawn"}
    assert Case.objects.filter(accepted_with_pending=True).count() == 4
    township = Case.objects.filter(intake_unit__name__in=["城关镇便民服务中心", "李集镇便民服务中心"])
    assert sorted(township.values_list("intake_unit__name", flat=True)) == ["城关镇便民服务中心"] * 3 + ["李集镇便民服务中心"] * 2
    assert build_demo(county) == "已有办件 57 件"
