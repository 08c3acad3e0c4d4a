"""Every API endpoint against the personas, on the whole demo county (NetBox-style generated checks).

For each viewset registered on /api/v1/: anonymous callers are refused (public/* aside), and a township
admin's list holds exactly the demo's records of their township, written out below — never a record of
another township — so an endpoint that forgets `visible_to`, or a scope rule that goes wrong, fails here
whatever app it belongs to. The expected records are literal (names, codes), not asked of the scope layer,
and compared as sorted lists, so a leaked record with a name already seen still shows.
"""
import pytest
from django.contrib.auth import get_user_model

from tongban.core.api_urls import router

pytestmark = pytest.mark.django_db

PUBLIC = ("public/",)
# Endpoints readable only by county-wide roles (403 for a township admin), by design.
COUNTY_ONLY = {"job-runs", "signals"}  # signals: the office, leaders and inspectors only (rectification.view_signals)
# Endpoints that are per-user, or the same for everyone (the calendar), rather than per-unit.
PER_USER = {"notifications"}
NOT_UNIT_SCOPED = {"days", "calendar-years"}

# What 鲍志明 (xiangzhen, township admin of 城关镇便民服务中心) sees of the demo county, endpoint by endpoint:
# the field that names a record, and the sorted values. A new scoped endpoint must add its line.
XIANGZHEN_SEES = {
    "units": ("name", ["中国邮政城关营业所", "东关村便民服务点", "城关镇便民服务中心", "西关村便民服务点"]),
    "windows": ("code", ["CG01"]),
    "staff": ("staff_no", ["CG001", "CG002", "WD001"]),
    "inspections": ("title", ["县委第一巡察组巡察反馈意见整改"]),
    "findings": ("description", ["指导政务服务向基层延伸工作存在差距"]),
    "measures": ("text", [  # 城关镇 supports both
        "印发“县镇同权”改革下放政务服务事项通知，通过委托下发、窗口前移将事项下放至乡镇，实现“应进必进”",
        "采用“银邮＋政务服务”模式，依托银行、邮政、电商网点打造“15分钟政务服务圈”",
    ]),
    "evidence": ("original_name", ["阶段性进展202312.pdf", "阶段性进展202406.pdf"]),
    "accountability": ("id", []),
    "catalog/items": ("name", ["城乡居民基本养老保险参保登记"]),
    "catalog/materials": ("name", ["居民户口簿", "申请人/法定代表人居民身份证"]),
    "catalog/bundles": ("id", []),
    "catalog/delegations": ("item_name", ["出生登记（户口登记）", "城乡居民基本医疗保险参保登记", "异地就医备案",
                                          "社会保障卡申领"]),
    "catalog/intermediaries": ("id", []),
    # 城关镇's own cases (李集镇's two stay out of sight); the two in review are its own tasks (县镇同权)
    "cases": ("title", ["城乡居民基本医疗保险参保登记", "社会保障卡申领", "城乡居民基本养老保险参保登记"]),
    "review-queue": ("item_name", ["城乡居民基本医疗保险参保登记", "社会保障卡申领"]),
    "terminals": ("name", ["城关镇电子监察终端"]),
    "projects": ("code", []),  # the demo's projects are the centre's, reviewed by county departments
    # today's scan of the demo cards 城关镇's late case (its clocks' yellow / red cards), each card with its
    # 督办单 to 城关镇; A01's late cases and 李集镇's stay out
    "supervision/cards": ("case_title", ["城乡居民基本医疗保险参保登记"] * 3),
    "supervision/urges": ("unit_name", ["城关镇便民服务中心"] * 3),
    # the leaders' rota and the problems sent to dispatching units are the centre's and 县市场监管局's; of the
    # meetings, 城关镇 attends next month's township meeting (not the rectification meeting of the centre's units)
    "duty-rota": ("id", []),
    "referrals": ("id", []),
    "meetings": ("kind", ["township"]),
    # none of the demo's ratings is of a 城关镇 case; one demo complaint is about (and 交办 to) 城关镇
    "feedback/ratings": ("id", []),
    "feedback/complaints": ("title", ["城关镇便民服务中心中午窗口没人"]),
    # the demo's three scored months: 城关镇's own sheet of each
    "assessment/sheets": ("unit_name", ["城关镇便民服务中心"] * 3),
    # last month's demo punches of 城关镇's one window clerk (two a working day); 周督查 found nothing there
    # the demo's licences are issued by county departments, and its one archived case was closed at A01
    "licences": ("number", []),
    "archive-packages": ("id", []),
    "staffing/attendance": ("staff_no", lambda: ["CG002"] * 2 * _last_month_workdays()),
    "staffing/inspections": ("id", []),
    # the demo decides last month's 服务标兵 and 红旗窗口 from the records of that month: which people and windows
    # win depends on the month, so the expectation counts the demo's honours of 城关镇 by its name
    "honours": ("unit_name", lambda: ["城关镇便民服务中心"] * _honours_of("城关镇便民服务中心")),
}


def _honours_of(unit_name: str) -> int:
    from tongban.honours.models import Honour

    return Honour.objects.filter(unit__name=unit_name).count()


def _last_month_workdays() -> int:
    from datetime import timedelta

    from django.utils import timezone

    from tongban.workdays.models import Day

    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    return Day.objects.filter(date__range=(last.replace(day=1), last), is_workday=True).count()


def scoped_endpoints():
    for prefix, viewset, _ in router.registry:
        model = getattr(getattr(viewset, "queryset", None), "model", None) or viewset.serializer_class.Meta.model
        if prefix.startswith(PUBLIC) or prefix in COUNTY_ONLY | PER_USER | NOT_UNIT_SCOPED:
            continue
        assert hasattr(model._default_manager.all(), "visible_to"), f"{prefix}: {model.__name__} has no scope"
        yield pytest.param(prefix, model, id=prefix)


@pytest.mark.parametrize("prefix", [p for p, _, _ in router.registry if not p.startswith(PUBLIC)])
def test_anonymous_callers_are_refused(prefix, client):
    assert client.get(f"/api/v1/{prefix}/").status_code in (401, 403)


@pytest.mark.parametrize(("prefix", "model"), list(scoped_endpoints()))
def test_a_township_admin_lists_exactly_their_scope(prefix, model, demo_county, api_for):
    user = get_user_model().objects.get(username="xiangzhen")
    api = api_for(user)
    assert prefix in XIANGZHEN_SEES, f"{prefix}: add what the township admin sees of the demo to XIANGZHEN_SEES"
    field, expected = XIANGZHEN_SEES[prefix]
    expected = expected() if callable(expected) else expected
    seen: list = []
    url = f"/api/v1/{prefix}/?page_size=1000"
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        seen += [row[field] for row in rows]
        url = body.get("next") if isinstance(body, dict) else None
    assert sorted(seen) == sorted(expected)
    assert model._default_manager.count() > len(expected), "the demo should hold records out of this scope"


@pytest.mark.parametrize("prefix", sorted(COUNTY_ONLY))
def test_county_only_endpoints_refuse_a_township_admin(prefix, demo_county, api_for):
    user = get_user_model().objects.get(username="xiangzhen")
    assert api_for(user).get(f"/api/v1/{prefix}/").status_code == 403
