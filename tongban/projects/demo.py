"""Demo projects for `tongban demo`: the four stages' catalogue and StageSetup rows, four department logins,
and five projects in different stages through the real services, back-dated over working days — one in the
green channel, one with simulated approvals waiting for its land, one whose coordination round is open, one
finished, one registered only. Idempotent: once a demo project exists nothing is added."""
from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tongban.cases.services import review
from tongban.cases.services.common import acting_on
from tongban.projects import services
from tongban.projects.catalogue import all_materials, build_stage_catalogue
from tongban.projects.models import Project
from tongban.workdays.models import Day

# (登录账号, 工号): the project window's clerk, the heads of the three departments that review projects and of
# the 投资建设股 (企业投资项目备案).
LOGINS = [("xiangmu", "ZX101"), ("ziranziyuan", "ZR001"), ("zhujian", "ZJ001"), ("xiaofang", "XF001"),
          ("touzi", "ZX030")]

def _code(first16: str) -> str:
    """A credit code valid under GB 32100 (the 17th character fixed, the check character computed)."""
    from tongban.catalog.credit_code import check_character

    return first16 + "1" + check_character(first16 + "1")


PROJECTS = [  # code, name, builder, credit code, kind, investment (万元), green, land secured, what to do
    ("2026-411000-34-03-010001", "城东智能制造产业园一期", "豫东智能制造有限公司", _code("91411000MA9G8XY6"),
     "industrial", "32000", True, True, "stage3"),
    ("2026-411000-84-01-010002", "县人民医院门诊综合楼", "县人民医院", _code("12411000MB123456"),
     "other", "18500", False, True, "coordinating"),
    ("2026-411000-30-03-010003", "高新区新材料产业园标准化厂房", "中原新材料科技有限公司", _code("91411000MA9H2KL3"),
     "industrial", "15600", False, False, "simulated"),
    ("2026-411000-70-01-010004", "滨河花园住宅小区", "县城投置业有限公司", _code("91411000MA47ABCD"),
     "other", "26000", False, True, "done"),
    ("2026-411000-13-03-010005", "食品加工园冷链仓储项目", "豫香源食品有限公司", _code("91411000MA9K5PQ2"),
     "industrial", "6800", False, True, "registered"),
]


def _logins(county) -> dict:
    users = {}
    password = None
    from tongban.org import services as org

    for username, staff_no in LOGINS:
        staff = county.staff.get(staff_no)
        if staff is None:
            continue
        if staff.user is None:
            password = password or make_password("Tongban@2026")
            user = get_user_model().objects.create(username=username, password=password)
            staff = org.update_staff(staff, expected_version=staff.version, user=user)
        users[username] = staff.user
    return users


@transaction.atomic  # all five projects or none: a failure leaves no half-built demo behind
def build_demo(county) -> str:
    started = time.monotonic()
    units = {key: county.units.get(code) for key, code in (
        ("land", "dept-nr"), ("fire", "dept-fire"), ("housing", "dept-housing"), ("invest", "sec-invest"),
        ("lead_land", "dept-nr"), ("lead_housing", "dept-housing"))}
    if not all(units.values()):
        return "演示县缺少自然资源、住建、消防或投资建设股，未建工程建设项目"
    build_stage_catalogue(units)
    if Project.objects.filter(code__in=[p[0] for p in PROJECTS]).exists():
        return f"已有工程建设项目 {Project.objects.count()} 个，未新增"
    users = _logins(county)
    clerk = users.get("xiangmu")
    admin = county.users.get("admin")
    if clerk is None or clerk.staff.window_id is None or admin is None or len(users) < len(LOGINS):
        return "演示县缺少投资服务中心窗口人员，未建工程建设项目"
    window = clerk.staff.window
    reviewers = {units["land"].pk: users.get("ziranziyuan"), units["housing"].pk: users.get("zhujian"),
                 units["fire"].pk: users.get("xiaofang"), units["invest"].pk: users.get("touzi")}
    today = timezone.localdate()
    days = list(Day.objects.filter(is_workday=True, date__lte=today).order_by("-date").values_list("date", flat=True)[:70])
    days.reverse()

    def who(task):
        return reviewers[task.unit_id]

    def day(index: int):
        return days[min(index, len(days) - 1)]

    def stage_through(project, *, at, decide=True, coordinate=True, opinions_only=False, took=8):
        """Apply on working day `at`, coordinate the next day, decide `took` working days after applying."""
        with acting_on(day(at)):
            ps = services.apply_stage(project, by=clerk, window=window, materials=all_materials(services.next_stage(project)))
        tasks = list(ps.case.tasks.select_related("unit", "item"))
        if not coordinate:
            return ps
        with acting_on(day(at + 1)):
            given = set()
            for task in tasks:
                if task.unit_id not in given:
                    services.give_opinion(ps, by=who(task), opinion="agree", unit=task.unit)
                    given.add(task.unit_id)
                if opinions_only:
                    return ps  # one department has answered: the round stays open
            services.conclude_coordination(ps, by=reviewers.get(ps.lead_unit_id) or admin,
                                           conclusion="各部门意见一致，符合国土空间规划“一张图”，同意进入并联审批")
        if not decide:
            return ps
        with acting_on(day(at + took)):
            for task in tasks:
                if services.is_commitment_item(ps, task):
                    services.decide_on_commitment(ps, task, by=who(task))
                else:
                    review.approve(ps.case, by=who(task), task=task, reason="符合要求，准予许可")
        return ps

    made = 0
    for code, name, builder, credit, kind, investment, green, land, plan in PROJECTS:
        first = days[made * 3]
        with acting_on(first):
            project = services.register_project(
                by=clerk, window=window, green_channel=green, land_secured=land, registered_on=first,
                data={"code": code, "name": name, "builder_name": builder, "builder_credit_code": credit,
                      "builder_phone": f"0371-6{code[-6:]}1", "builder_contact": "项目专员", "location": "县产业集聚区",
                      "kind": kind, "investment": investment, "land_area": "30000", "floor_area": "45000"})
        made += 1
        at = days.index(first)
        if plan == "stage3":  # green channel: stages 1–2 done quickly, stage 3 under review with a commitment
            stage_through(project, at=at + 2, took=5)
            stage_through(project, at=at + 14, took=6)
            ps = stage_through(project, at=len(days) - 6, decide=False)
            task = ps.case.tasks.get(item__implementation_code="GC-3-2")
            with acting_on(day(len(days) - 4)):
                services.decide_on_commitment(ps, task, by=who(task))
        elif plan == "coordinating":
            stage_through(project, at=len(days) - 4, opinions_only=True)
        elif plan == "simulated":
            ps = stage_through(project, at=len(days) - 10, decide=False)
            with acting_on(day(len(days) - 8)):
                for task in ps.case.tasks.select_related("unit"):
                    if task.unit_id == units["land"].pk:
                        services.give_simulated_approval(ps, task, by=who(task), opinion="选址符合国土空间规划，附条件同意")
        elif plan == "done":
            for offset, took in ((1, 9), (12, 12), (26, 10), (40, 7)):
                stage_through(project, at=at + offset, took=took)
    return f"工程建设项目 {made} 个（{time.monotonic() - started:.1f} 秒）"
