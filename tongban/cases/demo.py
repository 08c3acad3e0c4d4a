"""Demo cases for `tongban demo`: ~5,000 over the last three months.

The core — 57 hand-checked cases the personas and the tests rely on — goes through the real services
(back-dated with `services.common.acting_on`): waiting for 受理, in 补正, in review (some overdue), suspended,
decided and waiting at the delivery window, delivered, refused, withdrawn, 我要开饭店 under 容缺, and five at
the 城关镇 / 李集镇 township windows. The bulk (`demo_bulk`, ~4,900) is written set-based with what the
services would store, and its clocks come from one `clocks.refresh_case_clocks` call."""
from __future__ import annotations

import random
import time
from datetime import date

from django.utils import timezone

from tongban.cases.choices import CaseStatus, MaterialState
from tongban.cases.identity import id_check_character
from tongban.cases.models import Case
from tongban.cases.services import delivery, intake, review
from tongban.cases.services.common import acting_on
from tongban.catalog.models import Bundle, ServiceItem
from tongban.workdays.models import Day

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀英", "志强", "丽娟", "海涛", "晓燕", "国华", "桂兰", "明", "静", "伟", "芳", "磊", "洋", "婷"]
COMPANIES = ["城关美味餐饮有限公司", "豫香源餐饮店", "福满楼酒家", "老街坊面馆", "晨光便利店", "新华书店城关店",
             "惠民大药房", "安居家政服务有限公司"]
SCENARIOS = ["received", "correcting", "reviewing", "ready", "closed", "reviewing", "refused", "suspended",
             "closed", "withdrawn", "reviewing", "closed"]


def _id_number(rng: random.Random) -> str:
    born = date(rng.randint(1955, 2003), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"410523{born:%Y%m%d}{rng.randint(1, 999):03d}"
    return first17 + id_check_character(first17)


def _applicant(rng: random.Random) -> dict:
    return {"applicant_kind": "person", "applicant_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "id_type": "resident_id", "id_number": _id_number(rng), "phone": f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"}


def _all_brought(case: Case) -> dict:
    return {code: "received" for code in case.materials.exclude(
        state__in=[MaterialState.PRODUCED, MaterialState.ELECTRONIC]).values_list("identity__code", flat=True)}


TOTAL_CASES = 5000
CORE_CASES = 57


def build_demo(county) -> str:
    """Returns what the demo command prints: how many cases it added, and how long it took. The core is
    added to a database without cases, the bulk when its key is not there yet (`demo_bulk.build_bulk`):
    a second run adds nothing and changes nothing."""
    from tongban.cases.demo_bulk import build_bulk

    started = time.monotonic()
    core = _core_cases(county) if not Case.objects.exists() else 0
    if isinstance(core, str):
        return core
    middle = time.monotonic()
    bulk = build_bulk(county, TOTAL_CASES - CORE_CASES)
    ended = time.monotonic()
    from tongban.cases.demo_online import build_online

    channels = build_online(county)  # 全程网办、掌上办、网点代收、多地联办 (demo_online)
    online_said = f"；网上与网点办件 {channels} 件（{time.monotonic() - ended:.1f} 秒）" if channels else ""
    if not core and not bulk and not channels:
        return f"已有办件 {Case.objects.count():,} 件，未新增（{ended - started:.1f} 秒）"
    return (f"新增办件 {core + bulk:,} 件：经办理服务 {core} 件（{middle - started:.1f} 秒），"
            f"批量写入 {bulk:,} 件（{ended - middle:.1f} 秒）{online_said}")


def _core_cases(county) -> int | str:
    """The hand-checked core, through the services; the number made (or why none could be)."""
    users = county.users
    clerk, leader, reviewer = users.get("chuangkou"), users.get("zhuren"), users.get("buzhang")
    if not (clerk and leader and reviewer) or clerk.staff.window_id is None:
        return "演示县缺少窗口人员或审查人员，未建办件"
    window = clerk.staff.window
    items = list(ServiceItem.objects.filter(implementing_unit=reviewer.staff.unit).order_by("implementation_code")[:6])
    restaurant = Bundle.objects.filter(slug="open-restaurant").first()
    if not items:
        return "演示目录中没有市场监管局的事项，未建办件"
    rng = random.Random(20261129)
    today = timezone.localdate()
    days = list(Day.objects.filter(is_workday=True, date__lte=today).order_by("-date").values_list("date", flat=True)[:40])
    days.reverse()
    made = 0
    for number in range(48):
        scenario = SCENARIOS[number % len(SCENARIOS)]
        start = days[rng.randint(len(days) - 6, len(days) - 1)] if scenario in ("received", "correcting") else \
            days[rng.randint(0, len(days) - 8)]
        later = [d for d in days if d > start] or [start]
        item = items[number % len(items)]
        with acting_on(start):
            case = intake.receive_case(by=clerk, window=window, item=item, applicant=_applicant(rng))
            case = intake.accept(case, by=clerk, materials=_all_brought(case)) if scenario not in (
                "received", "correcting", "refused") else case
            if scenario == "correcting":
                intake.notify_correction(case, by=clerk)
            elif scenario == "refused":
                intake.refuse(case, by=clerk, reason="申请事项不属于本机关职权范围，已告知向有关行政机关申请")
        if scenario in ("ready", "closed", "suspended"):
            task = case.tasks.get()
            with acting_on(later[min(len(later) - 1, rng.randint(0, 3))]):
                if scenario == "suspended":
                    review.suspend(case, by=reviewer, task=task, kind="site_check", reason="需现场核查经营场所")
                else:
                    for _ in range(task.steps_before_decision):  # the catalogue's steps before the decision
                        review.complete_step(case, by=reviewer, task=task, reason="审查通过")
                    case = review.approve(case, by=reviewer, task=task, reason="材料齐全，符合法定条件")
            if scenario == "closed":
                with acting_on(later[min(len(later) - 1, rng.randint(4, 6))]):
                    delivery.deliver(case, by=leader, method="paper", licence_number=f"JY1410{number:07d}")
        if scenario == "withdrawn":
            with acting_on(later[0]):
                delivery.withdraw(case, by=clerk, reason="申请人主动撤回申请")
        made += 1
    _extensions(window, reviewer, leader, days[-1])
    if restaurant is not None:
        for number in range(4):
            with acting_on(days[-3 - number * 3]):
                case = intake.receive_case(by=clerk, window=window, bundle=restaurant,
                                           applicant={**_applicant(rng), "applicant_kind": "organisation",
                                                      "applicant_name": COMPANIES[number],
                                                      "id_number": _credit_code(number)})
                pendable = list(case.materials.filter(may_be_pending=True).values_list("identity__code", flat=True)[:1])
                if pendable:
                    intake.accept_pending(case, by=clerk, pending=pendable, promise_signed=True,
                                          materials=_all_brought(case))
                else:
                    intake.accept(case, by=clerk, materials=_all_brought(case))
            made += 1
    made += _township_cases(county, rng, days)
    return made


def _extensions(window, reviewer, leader, day) -> None:
    """§42 on three cases under review: one extension approved, one refused, one waiting for the head (so the
    centre leader's 工作台 has a request to decide)."""
    from tongban.cases.services import extensions

    reviewing = list(Case.objects.filter(intake_window=window, status=CaseStatus.REVIEWING, item__isnull=False)
                     .order_by("number")[:3])
    with acting_on(day):
        for n, case in enumerate(reviewing):
            task = case.tasks.get()
            case = extensions.request_extension(case, by=reviewer, task=task, workdays=5,
                                                reason="需征求相关部门意见，审查工作量大")
            if n == 0:
                extensions.approve_extension(case, by=leader, task=task, reason="同意延长")
            elif n == 1:
                extensions.refuse_extension(case, by=leader, task=task, reason="理由不充分，请按期办结")


def _township_cases(county, rng: random.Random, days: list) -> int:
    """A few cases taken at two townships' 便民服务中心 windows (县镇同权: the items delegated to them), so
    a township admin has their own cases and another township's stay out of their sight. The township
    windows' clerks have no login in the demo: the system administrator keys them in."""
    from tongban.cases.services.intake import takeable_items
    from tongban.org.models import Window

    admin = county.users.get("admin")
    made = 0
    for code, count in (("CG01", 3), ("LJ01", 2)):
        window = Window.objects.filter(code=code, is_active=True).first()
        if admin is None or window is None:
            continue
        items = list(takeable_items(window).order_by("implementation_code")[:count])
        for number, item in enumerate(items):
            with acting_on(days[-2 - number * 2]):
                case = intake.receive_case(by=admin, window=window, item=item, applicant=_applicant(rng))
                if number:  # the first waits for 受理, the others are in review
                    intake.accept(case, by=admin, materials=_all_brought(case))
            made += 1
    return made


def _credit_code(number: int) -> str:
    from tongban.catalog.credit_code import check_character

    first17 = f"92410523MA{number:07d}"
    return first17 + check_character(first17)
