"""Demo assessment for `tongban demo`: a scheme shaped like the published county 考核办法 (base 100, cap 110,
automatic deductions from the records, manual items with evidence, 合格 / 基本合格 / 不合格), the last three
months scored, one objection upheld, the months locked and the latest 红黑榜 published. Repeatable: a scored
month is not scored again, the objection is filed once."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

SCHEME_NAME = "县政务服务中心窗口单位及乡镇便民服务中心效能考核办法（试行）"
INDICATORS = [
    # code, name, group, source, points, cap, basis
    ("overdue", "办件超过承诺时限", "", "cases.overdue", "-5", "30", "第七条：每超期一件扣 5 分（RULES.md）"),
    ("yellow", "电子监察黄牌", "", "supervision.yellow_card", "-0.5", "10", "第八条：每张黄牌扣 0.5 分"),
    ("red", "电子监察红牌", "", "supervision.red_card", "-2", "20", "第八条：每张红牌扣 2 分"),
    ("urge", "督办单逾期未答复", "", "supervision.urge_unanswered", "-1", "10", "第九条：逾期未答复每件扣 1 分"),
    ("measure", "整改措施逾期未完成", "", "rectification.measure_overdue", "-2", "10", "第十条：每项扣 2 分"),
    ("bad_review", "差评经核实属实", "", "manual", "-2", "10", "第十一条：每件扣 2 分（好差评系统以外渠道的差评，人工录入）"),
    ("rating", "好差评差评", "", "feedback.bad_review", "-2", "10", "第十一条：每件扣 2 分（好差评系统自动取数，申诉成立的不计）"),
    ("complaint", "投诉经核实属实", "", "feedback.complaint_upheld", "-2", "10", "第十一条：每件扣 2 分"),
    ("callback", "回访不满意", "", "feedback.callback_unsatisfied", "-1", "5", "第十一条：每件扣 1 分"),
    ("irregular", "违规受理或退件", "", "manual", "-2", "", "第十一条：每件扣 2 分（RULES.md）"),
    ("fee", "擅自收费", "", "manual", "-5", "", "第十一条：每次扣 5 分（RULES.md）"),
    ("media", "被媒体负面曝光", "", "manual", "-15", "", "第十一条：每次扣 15 分（RULES.md）"),
    ("discipline", "窗口纪律（脱岗、串岗等，督查记录以外的）", "window", "manual", "-1", "10", "第十二条：每人次扣 1 分"),
    ("late", "迟到、早退", "", "staffing.lateness", "-0.5", "5", "第十二条：每人次扣 0.5 分（考勤机记录）"),
    ("absent", "无故缺勤", "", "manual", "-1", "10", "第十二条：每人次扣 1 分（据考勤表人工录入）"),
    ("inspection", "周督查发现问题", "", "staffing.inspection_finding", "-1", "10", "第十二条：每人次扣 1 分（周督查记录）"),
    ("praise", "群众表扬、锦旗、感谢信", "", "manual", "1", "5", "第十四条：每次加 1 分，最多 5 分"),
    ("innovation", "改革创新经验被上级推广", "", "manual", "2", "5", "第十四条：每项加 2 分，最多 5 分"),
]


def ensure_scheme(valid_from: date):
    from tongban.assessment.models import Indicator, Scheme

    scheme, created = Scheme.objects.get_or_create(valid_from=valid_from, defaults={
        "name": SCHEME_NAME, "basis": "参照各地政务服务中心效能考核办法：百分制，最高 110 分，80 分以上合格，60 分以上基本合格"})
    if created:
        Indicator.objects.bulk_create([
            Indicator(scheme=scheme, code=code, name=name, group=group, source=source, points=Decimal(points),
                      cap=Decimal(cap) if cap else None, basis=basis, sort_order=n)
            for n, (code, name, group, source, points, cap, basis) in enumerate(INDICATORS, start=1)])
    return scheme


def build_demo(county) -> str:
    from tongban.assessment import services
    from tongban.assessment.models import Objection, ScoreSheet
    from tongban.supervision.reports import Month

    today = timezone.localdate()
    months = [Month.of(today).previous()]
    for _ in range(2):
        months.insert(0, months[0].previous())
    ensure_scheme(date(months[0].first.year, 1, 1) if months[0].first.month > 1 else months[0].first)
    office, township = county.users.get("zhenggai"), county.users.get("xiangzhen")
    latest = None
    for month in months:
        latest, _ = services.score_month(month, today, by=office)
    sheet = ScoreSheet.objects.filter(assessment=latest, unit__code="tw-chengguan").first() or \
        ScoreSheet.objects.filter(assessment=latest, group="township").first()
    if sheet is not None and office is not None and township is not None and latest.locked_at is None \
            and not Objection.objects.filter(item__sheet__assessment=latest).exists():
        indicator = latest.scheme.indicators.get(code="bad_review")
        item = services.add_manual_item(sheet, indicator=indicator, label="12345 转办差评（群众反映窗口推诿）",
                                        note="核查记录：县 12345 热线转办单", by=office)
        objection = services.file_objection(item, reason="该差评对象为县级部门窗口，不属本中心，附 12345 回访记录。",
                                            by=township, today=today)
        services.decide_objection(objection, upheld=True, decision="经核查属实，撤销本项扣分。", by=office)
    for month in months:
        latest = services.lock_month(services.score_month(month, today)[0], by=office)
    services.publish_board(latest, by=office)
    return f"考核月份 {len(months)} 个，得分表 {ScoreSheet.objects.count()} 张，红黑榜已发布：{latest}"
