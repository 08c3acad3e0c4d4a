"""Demo ratings, complaints, 12345 orders and last month's callback sample for `tongban demo`.

Ratings on the demo's closed cases (about one in four, mostly good, written in one batch), a dozen 差评 taken
through the loop with the real services (called back, classified, 交办, answered, reported back; one needing
time opens a measure, one malicious is appealed), public complaints and hotline orders at every stage, and
last month's 回访 sample with answers. Each part runs only when its records are not there yet, so a second
run changes nothing.
"""
from __future__ import annotations

import random
import time
from datetime import datetime, time as dtime, timedelta

from django.db import transaction
from django.utils import timezone

from tongban.cases.choices import CaseStatus
from tongban.cases.models import Case
from tongban.feedback import sampling, services
from tongban.feedback.choices import (
    CallbackOutcome, Classification, ComplaintCategory, Level, RatingChannel, RatingKind,
)
from tongban.feedback.models import CallbackItem, Complaint, Rating

SEED = 13
GOOD = [(Level.VERY_SATISFIED, 0.62), (Level.SATISFIED, 0.3), (Level.BASIC, 0.08)]
CHANNELS = [RatingChannel.WINDOW, RatingChannel.WINDOW, RatingChannel.QR, RatingChannel.WEB]
BAD_STORIES = [
    ("overdue", "承诺 5 个工作日，第 9 天才拿到证，没人解释"),
    ("come_again", "材料清单没写房屋租赁合同，回去取了一趟"),
    ("attitude", "窗口人员不耐烦"),
    ("unclear_guide", "网上指南和窗口说的不一样"),
    ("long_wait", "排队一个多小时"),
    ("extra_material", "要求提供清单外的村委会证明"),
]


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, dtime(hour, 0)))


def build_demo(county) -> str:
    started = time.monotonic()
    office = county.users.get("zhenggai")
    unit_user = county.users.get("buzhang")
    if office is None or unit_user is None:
        return "缺少演示账号，未生成评价"
    unit = unit_user.staff.unit
    made = []
    if not Rating.objects.exists():
        made.append(f"评价 {_ratings(office, unit_user, unit)} 条")
    if not Complaint.objects.exists():
        made.append(f"投诉与 12345 工单 {_complaints(office, unit_user, unit)} 件")
    if not CallbackItem.objects.exists():
        made.append(f"回访 {_callbacks(office, unit)} 件")
    took = time.monotonic() - started
    return ("、".join(made) + f"（{took:.1f} 秒）") if made else "评价、投诉、回访已有，未新增"


def _ratings(office, unit_user, unit) -> int:
    rng = random.Random(SEED)
    today = timezone.localdate()
    closed = list(Case.objects.filter(status=CaseStatus.CLOSED, closed_on__gte=today - timedelta(days=75))
                  .order_by("number").values_list("pk", "closed_on", "intake_unit_id", "intake_window_id"))
    chosen = closed[::4]
    bad_ids = {pk for pk, *_ in chosen[5::max(1, len(chosen) // 12)][:12]}
    rows = []
    for pk, closed_on, unit_id, window_id in chosen:
        if pk in bad_ids:
            continue
        level = rng.choices([lv for lv, _ in GOOD], [w for _, w in GOOD])[0]
        rows.append(Rating(case_id=pk, kind=RatingKind.CASE, channel=rng.choice(CHANNELS), level=level,
                           rated_at=_at(closed_on + timedelta(days=rng.randint(0, 3)), rng.randint(9, 17)),
                           unit_id=unit_id, window_id=window_id))
    with transaction.atomic():
        Rating.objects.bulk_create(rows, batch_size=500)
        for i, case in enumerate(Case.objects.filter(pk__in=bad_ids).order_by("number")):
            tag, comment = BAD_STORIES[i % len(BAD_STORIES)]
            rating = services.rate(case, level=Level.UNSATISFIED if i % 3 else Level.VERY_UNSATISFIED,
                                   channel=CHANNELS[i % len(CHANNELS)], tags=[tag], comment=comment)
            Rating.objects.filter(pk=rating.pk).update(rated_at=_at(case.closed_on + timedelta(days=1)))
            _handle_rating(rating, i, office, unit_user, unit)
    return len(rows) + len(bad_ids)


def _handle_rating(rating, i, office, unit_user, unit) -> None:
    """The 差评 at every stage: new, called back, 交办, answered, closed; one needs time, one is appealed."""
    stage = i % 6
    if stage == 0:
        return  # waiting for the callback
    services.record_rating_callback(rating, note=f"已电话回访申请人：{rating.comment}", by=office)
    if stage == 1:
        return
    classification = {2: Classification.NEEDS_TIME, 5: Classification.MALICIOUS}.get(stage, Classification.FIX_NOW)
    services.assign(rating, classification=classification, unit=unit, note="请核实整改并答复申请人", by=office)
    if stage == 5:
        services.appeal(rating, reason="申请人当天已撤回意见，系误评", by=unit_user)
        return
    if stage == 2:
        return  # in the rectification ledger as a measure
    services.answer(rating, text="已核实，对窗口人员批评教育，补全办事指南，并向申请人说明致歉", by=unit_user)
    if stage == 4:
        services.close(rating, satisfied=True, note="已电话告知申请人整改结果，申请人满意", by=office)


COMPLAINTS = [
    ("想开个小超市，不知道要办哪些证", "在网上查了半天，窗口说还要去别的部门", ComplaintCategory.PAIN_POINT, True),
    ("公司变更登记办不成", "跑了两次都说系统问题，没人给个准话", ComplaintCategory.CANNOT_GET_DONE, False),
    ("施工许可审批太慢", "企业项目等了 20 多个工作日", ComplaintCategory.ENTERPRISE, False),
    ("城关镇便民服务中心中午窗口没人", "12 点去办事，窗口都在休息", ComplaintCategory.EFFICIENCY, True),
    ("停车不方便", "中心门口没有停车位", ComplaintCategory.OTHER, True),
]
HOTLINE = [
    ("12345-2026-110201", "社保卡补办要跑两次", "来电人反映社保卡补办需先挂失再来一次", "ordinary"),
    ("12345-2026-110305", "企业开办一网通办无法提交", "网上提交一直报错", "complex"),
    ("12345-2026-110418", "不动产登记大厅空调坏了", "大厅太热", "urgent"),
    ("12345-2026-110520", "咨询电话没人接", "中心公布的咨询电话打不通", "ordinary"),
]


def _complaints(office, unit_user, unit) -> int:
    from tongban.org.models import Unit

    township = Unit.objects.filter(code="tw-chengguan").first() or unit
    with transaction.atomic():
        made = []
        for i, (title, content, category, anonymous) in enumerate(COMPLAINTS):
            made.append(services.submit_complaint(title=title, content=content, anonymous=anonymous,
                                                  name="" if anonymous else "刘先生", phone="" if anonymous else "13700001111",
                                                  category=category))
        for order_number, title, content, urgency in HOTLINE:
            made.append(services.receive_hotline_order(order_number=order_number, title=title, content=content,
                                                       name="来电人", phone="13600002222", urgency=urgency)[0])
        for i, complaint in enumerate(made):
            if i % 3 == 2:
                continue  # waiting to be classified
            target = township if "城关镇" in complaint.title else unit
            answerer = unit_user if target == unit else office
            services.assign(complaint, classification=Classification.FIX_NOW if i % 2 == 0 else Classification.NO_BASIS,
                            unit=target, note="请核实办理", by=office)
            if i % 4 == 1:
                continue
            services.answer(complaint, text="已核实处理，并向反映人说明", by=answerer)
            if complaint.needs_visit:
                services.record_visit(complaint, note="已上门回访，企业表示认可", by=answerer)
            services.close(complaint, satisfied=True, note="已回访反映人，满意", by=office)
            services.publish(complaint, public_answer="已核实处理：" + complaint.title + "的问题已整改。", by=office)
    return len(made)


def _callbacks(office, unit) -> int:
    month = sampling.previous_month(timezone.localdate())
    sampling.sample_month(month, by=office)
    rng = random.Random(SEED)
    items = list(CallbackItem.objects.filter(month=month).order_by("pk")[:30])
    with transaction.atomic():
        for i, item in enumerate(items):
            roll = rng.random()
            if roll < 0.8:
                services.record_callback(item, outcome=CallbackOutcome.SATISFIED, remarks="满意", by=office)
            elif roll < 0.88:
                item = services.record_callback(item, outcome=CallbackOutcome.UNSATISFIED,
                                                remarks="等了很久才叫号", by=office)
                services.assign(item, classification=Classification.FIX_NOW, unit=unit, note="请改进叫号", by=office)
            else:
                for _ in range(3):
                    services.record_callback(item, outcome=CallbackOutcome.UNREACHED, by=office)
    return CallbackItem.objects.filter(month=month).count()


