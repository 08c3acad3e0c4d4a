"""Demo data of the loop: the inspection of seed 000 and the work plan of seed 003, in the demo county.

`build_demo_rectification()` is called by `tongban demo` (tongban.org.demo.run_app_demos) after the
county exists. It is idempotent: once the seed-000 inspection exists, nothing is touched again. Units
and people are looked up by name; a measure whose unit is missing is skipped, and without the centre
nothing is built.

Everything goes through the services (so timelines, audit log and rules hold), with one exception:
sign-off timestamps are spread over the past weeks afterwards, so that the dashboard's trend has a shape.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tongban.org.models import Staff, Unit
from tongban.rectification import services
from tongban.rectification.choices import DeadlineKind, FindingKind, InspectionKind, MeasureStatus
from tongban.rectification.clocks import refresh_measure_clocks
from tongban.rectification.models import Inspection, Measure

CENTER = "XX县行政审批服务中心"
SEED_000_TITLE = "县委第一巡察组巡察反馈意见整改"
SEED_003_TITLE = "省委巡视反馈问题整改"

# Status shorthand in the table below: V verified, P pending sign-off, I in progress, N not started,
# O ongoing (长期持续整改, with checkpoints), R verified then reopened by an unsatisfied 回头看.
V, P, I, N, O, R = "V", "P", "I", "N", "O", "R"

# Seed 000 §二: the nine aspects (each one problem) and the measures the text names:
# (measure, lead unit, other units, leader, deadline, state)
ASPECTS = [
    ("牵头作用发挥不充分，合力不足", "刘建国", [
        ("深入学习贯彻优化营商环境重要指示精神，及时贯彻落实省、市、县优化政务服务营商环境的新理念、新思路、新举措", "办公室", [], "2023-07-31", V),
        ("制定《XX县政务服务营商环境年度工作方案》，将任务细化分解为24项具体工作，明确责任单位和完成时限", "政策法规股", [], "2023-08-31", V),
        ("建立牵头单位、协调单位、配合单位责任机制，实行日监测、周提醒、月通报、定期召开协调工作会议", "效能监察股", ["办公室"], "2023-08-31", V),
    ]),
    ("主动作为不够，存在拖沓扯皮现象", "刘建国", [
        ("针对中心历次反馈的问题，对标全市一流、全省一流举一反三进行整改", "办公室", [], "2023-09-30", V),
        ("制定《XX县“放管服效”大抓积分考核办法》，作为对县直单位“放管服效”考核的重要依据", "政策法规股", [], "2023-09-30", V),
        ("制定行政效能考核办法和细则，每月考核进驻窗口单位和乡镇中心，评出“红黑榜”，印发工作通报", "效能监察股", [], "2023-10-31", P),
    ]),
    ("“三集中三到位”未能实现真集中真到位", "王志强", [
        ("出台政务服务负面清单实施方案，排查县乡两级“三集中三到位”不到位情况", "政策法规股", [], "ongoing", O),
        ("通过内部挖潜，合力整合规划窗口设置，提升中心承载能力", "办公室", ["投资服务中心"], "2023-10-31", I),
        ("为全县2178项政务服务事项配备综合受理账户，全部推行无差别全科受理", "信息股", [], "2023-09-30", V),
    ]),
    ("指导政务服务向基层延伸工作存在差距", "张国华", [
        ("印发“县镇同权”改革下放政务服务事项通知，通过委托下发、窗口前移将事项下放至乡镇，实现“应进必进”", "政策法规股",
         ["城关镇便民服务中心", "李集镇便民服务中心"], "ongoing", O),
        ("每月召开乡镇政务服务基层延伸工作会议，收集乡镇中心业务办理、帮办代办情况", "办公室", [], "ongoing", O),
        ("采用“银邮＋政务服务”模式，依托银行、邮政、电商网点打造“15分钟政务服务圈”", "社会事务股", ["城关镇便民服务中心"], "2023-12-31", I),
    ]),
    ("“一件事”集成服务有欠缺", "李秀梅", [
        ("优化高频关联事项办理流程，变“一事一流程”为“多事一流程”，探索推进“一业一证”", "市场准入股", [], "2023-09-30", R),
        ("打造“不动产登记一件事”“居民社保服务一件事”“居民就医一件事”3个精品“一件事”", "社会事务股",
         ["县不动产登记中心", "县人力资源和社会保障局", "县医疗保障局"], "2023-11-30", V),
    ]),
    ("对中介机构进驻管理不规范", "王志强", [
        ("梳理政务服务中介事项和中介机构清单，及时向社会公布", "投资服务中心", [], "2023-08-31", V),
        ("要求进驻中心的中介机构、服务企业提供相关手续进行备案", "投资服务中心", [], "ongoing", O),
        ("对不符合要求的中介机构予以整改和清退", "投资服务中心", [], "2023-10-31", N),
    ]),
    ("对窗口人员日常管理缺失，教育不到位", "张国华", [
        ("修订完善管理考核制度，将窗口部门作风、态度、效能纳入大抓积分考核，每月开展“红黑榜”评选", "效能监察股", [], "2023-09-30", V),
        ("常态化开展“党员示范岗”“服务标兵”“巾帼英雄岗”评选活动", "办公室", [], "2023-12-31", V),
        ("常态化开展日考勤、周督查、月通报，对不适岗人员约谈本人、通报原单位并予以退回", "效能监察股", [], "2023-12-31", I),
    ]),
    ("电子监察“不监不察”，长期脱管，成为摆设", "张国华", [
        ("对各乡镇电子监察系统进行故障排查和修复，确保网络畅通", "信息股", [], "2023-08-31", V),
        ("安排值班人员每天查看县乡两级及两个分中心业务办理情况，临期提醒，月通报至各乡镇、各单位和县领导", "效能监察股", [], "2023-09-30", V),
    ]),
    ("政企回访制度坚持不够", "李秀梅", [
        ("制定政务服务回访制度，每月抽取各窗口30%—50%业务开展电话回访，发放问卷，开展线上意见收集", "效能监察股", [], "2023-09-30", V),
        ("意见建议分类整理后交办各窗口限期整改，涉企投诉和办不成事投诉上门回访", "投资服务中心", [], "2023-10-31", P),
        ("每月统计领导坐班制度落实情况，将问题台账分送坐班领导，建立与派出单位领导互通机制", "办公室", [], "2023-11-30", I),
    ]),
]

# Seed 000 counts 4 意见建议 without naming them; these follow the report's own themes.
SUGGESTIONS = [
    ("持续优化政务服务营商环境，提升“放管服效”工作实效", "对标省市指标开展政务服务营商环境季度自评，形成问题清单并限期整改", "政策法规股", "2023-12-31", V),
    ("深化政务服务标准化、规范化、便利化建设", "推进同一事项县乡“两级十同”，完善实施清单要素", "市场准入股", "2023-12-31", I),
    ("加强窗口队伍作风建设", "以“观念能力作风提升年”活动为契机，查处庸、懒、散及不作为、慢作为、乱作为现象", "效能监察股", "2023-11-30", V),
    ("健全“线上评议＋线下回访”群众评价机制", "完善“好差评”和“吐槽找茬”闭环机制，差评限期整改、回访", "效能监察股", "ongoing", O),
]

# Seed 003 §二: the four tasks with their leaders and sections (科 of the seed → 股 of the demo centre).
PLAN_TASKS = [
    ("推出一批“一件事”主题服务",
     "按照“一个窗口、一套材料、一张表单、一个流程、一个平台”的要求开展“一件事”主题式办理，面向社会公开“我要办企业”“我要开书店”"
     "“我要办演出”“我要开饭店”“我要开宾馆”等主题式办理事项。",
     ["王志强", "李秀梅", "张国华"], ["政策法规股", "投资建设股", "国土规划股", "市场准入股", "社会事务股", "涉农事务股"],
     "2022-12-31", "done"),
    ("推动更多事项掌上办", "完善配合政务服务APP服务功能，积极应用推广，确保高频事项“掌上办”。", ["张国华"], ["信息股"],
     "2022-12-31", "in_progress"),
    ("推进“一窗受理、一网通办”",
     "设置帮办咨询、综合受理、统一出件三类窗口，推行“前台综合受理、后台分类审批、统一窗口出件”；继续实行“好差评”、开展“吐槽找茬”，"
     "建立“评价、反馈、整改、监督”全流程闭环工作机制。",
     ["王志强", "李秀梅", "张国华"],
     ["投资服务中心", "信息股", "效能监察股", "投资建设股", "国土规划股", "市场准入股", "社会事务股", "涉农事务股"],
     "2023-03-31", "in_progress"),
    ("搭建项目审批绿色通道",
     "巩固投资建设项目“模拟审批、容缺受理”机制，落实统一受理、并联审批、实时流转、跟踪督办，实现审批数据实时共享。",
     ["王志强", "李秀梅", "张国华"], ["投资建设股", "国土规划股", "市场准入股", "社会事务股", "涉农事务股"],
     "2023-06-30", "not_started"),
]

DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


class Lookup:
    def __init__(self) -> None:
        self.units = {u.name: u for u in Unit.objects.filter(is_active=True)}
        self.staff = {s.name: s for s in Staff.objects.filter(is_active=True).select_related("unit__kind", "user")}

    def unit(self, name: str) -> Unit | None:
        return self.units.get(name)

    def person(self, name: str) -> Staff | None:
        return self.staff.get(name)

    def head_of(self, unit: Unit) -> Staff | None:
        return next((s for s in self.staff.values() if s.unit_id == unit.pk and s.role == "unit_head"), None)


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF)


def build_demo_rectification() -> dict:
    if Inspection.objects.filter(title=SEED_000_TITLE).exists():
        return {"已存在": 1}
    look = Lookup()
    center = look.unit(CENTER)
    if center is None:
        return {"跳过（缺少演示中心）": 1}
    with transaction.atomic():
        office_user = next((s.user for s in look.staff.values() if s.role == "rectification_office" and s.user), None)
        counts = _build_seed_000(look, center, office_user)
        counts.update(_build_seed_003(look, center, office_user))
    return counts


def _build_seed_000(look: Lookup, center: Unit, by) -> dict:
    today = timezone.localdate()
    inspection = services.create_inspection(
        title=SEED_000_TITLE, kind=InspectionKind.PATROL, body="县委", group="县委第一巡察组", inspected_unit=center,
        feedback_date=date(2023, 6, 17), by=by,
    )
    leaders = [look.person(name) for name in ("刘建国", "王志强", "李秀梅", "张国华")]
    # 机关各股室负责人任成员 (seed 000 §一(二)): the heads of the centre's own sections.
    heads = [s for s in look.staff.values() if s.role == "unit_head" and s.unit.parent_id == center.pk
             and s.unit.kind.code == "section"]
    members = [(leaders[0], "leader", "中心党组书记、主任")] if leaders[0] else []
    members += [(s, "deputy", "中心党组成员、副主任") for s in leaders[1:] if s]
    members += [(s, "member", f"{s.unit.name}负责人") for s in heads]
    services.set_rectification_group(
        inspection, name="中心县委巡察反馈问题整改工作领导小组", office_unit=look.unit("办公室"), members=members, by=by,
    )
    created: list[tuple[Measure, str]] = []
    for title, leader_name, measures in ASPECTS:
        aspect = services.add_aspect(inspection, title=title, by=by)
        finding = services.add_finding(inspection, description=title, aspect=aspect, by=by)
        for text, unit_name, others, deadline, state in measures:
            measure = _measure(look, finding, text, unit_name, others, deadline, leader_name, by)
            if measure:
                created.append((measure, state))
    suggestions = services.add_aspect(inspection, title="意见建议", by=by)
    for description, text, unit_name, deadline, state in SUGGESTIONS:
        finding = services.add_finding(inspection, description=description, kind=FindingKind.SUGGESTION,
                                       aspect=suggestions, by=by)
        measure = _measure(look, finding, text, unit_name, [], deadline, "李秀梅", by)
        if measure:
            created.append((measure, state))

    for index, (measure, state) in enumerate(created):
        _advance(measure, state, index, by, today)
    _spread_signoffs(inspection, today)
    overdue = next((m for m, state in created if state == N), None)
    head = look.head_of(overdue.lead_unit) if overdue else None
    if overdue and head:
        services.record_accountability(
            action_kind="talk", reason_kind="overdue", measures=[overdue], target_staff=head,
            decided_on=date(2023, 11, 10), decided_by="中心党组",
            notes="中介机构清退工作逾期未启动，对责任人进行约谈，限期推进。", by=by,
        )
    services.publish_monthly_bulletin((today.replace(day=1) - timedelta(days=1)).replace(day=1))
    return {"巡察": 1, "整改措施": len(created), "问责": 1 if overdue and head else 0}


def _measure(look: Lookup, finding, text, unit_name, others, deadline, leader_name, by) -> Measure | None:
    lead = look.unit(unit_name)
    if lead is None:
        return None
    ongoing = deadline == "ongoing"
    return services.create_measure(
        finding=finding, text=text, lead_unit=lead,
        supporting_units=[u for u in map(look.unit, others) if u and u.pk != lead.pk],
        responsible_leader=look.person(leader_name), responsible_person=look.head_of(lead),
        deadline_kind=DeadlineKind.ONGOING if ongoing else DeadlineKind.DATE,
        deadline=None if ongoing else date.fromisoformat(deadline),
        checkpoints=[date(2023, 12, 31), date(2024, 6, 30), date(2024, 12, 31)] if ongoing else [], by=by,
    )


def _advance(measure: Measure, state: str, index: int, by, today: date) -> None:
    """Walk a measure through the loop to its demo state, the way units and the office would."""
    if state == N:
        return
    services.add_progress(measure, text="已召开专题会议研究部署，制定具体措施，明确专人负责。", by=by)
    if state == I:
        return
    if state == O:
        checkpoints = list(measure.checkpoints.all())
        for checkpoint in checkpoints[:2]:
            services.report_checkpoint(measure, checkpoint, text=f"{checkpoint.due_date.year}年阶段性进展：按时间节点推进，已形成长效机制。",
                                       files=[_evidence(f"阶段性进展{checkpoint.due_date:%Y%m}.pdf")], by=by)
        next_node = today + timedelta(days=60 + 15 * (index % 4))
        services.update_measure(measure, expected_version=None, by=by,
                                checkpoints=[c.due_date for c in checkpoints[:2]] + [next_node])
        return
    services.add_progress(measure, text="整改措施已落实到位，相关制度已印发执行。", files=[_evidence("整改佐证材料.pdf")], by=by)
    # The lead unit asks for sign-off (its responsible person), the office signs off: never the same person.
    submitter = measure.responsible_person.user if measure.responsible_person_id else None
    services.submit_for_signoff(measure, result="已按要求整改到位，形成长效机制。", by=submitter)
    if state == P:
        return
    services.verify_measure(measure, comment="佐证材料齐全，同意销号。", by=by)
    if state == R:
        revisit = services.schedule_revisit(measure, scheduled_date=today - timedelta(days=10), by=by)
        services.record_revisit(revisit, done_date=today - timedelta(days=7), satisfied=False,
                                notes="回访企业反映部分关联事项仍需多次提交材料。", new_deadline=today + timedelta(days=45), by=by)


def _spread_signoffs(inspection: Inspection, today: date) -> None:
    """Demo only: sign-offs all happened just now; spread them over the past ten weeks for the trend."""
    verified = Measure.objects.filter(finding__inspection=inspection, status=MeasureStatus.VERIFIED).order_by("pk")
    now = timezone.now()
    # The measures were drawn up after the feedback, not today: bulletins count only what existed then.
    Measure.objects.filter(finding__inspection=inspection).update(
        created_at=timezone.make_aware(datetime.combine(inspection.feedback_date + timedelta(days=14), time(9))))
    refresh_measure_clocks(Measure.objects.filter(finding__inspection=inspection))  # 立行立改 counts from creation
    for index, pk in enumerate(verified.values_list("pk", flat=True)):
        Measure.objects.filter(pk=pk).update(verified_at=now - timedelta(days=7 * (index % 10) + index % 5))


def _build_seed_003(look: Lookup, center: Unit, by) -> dict:
    inspection = services.create_inspection(
        title=SEED_003_TITLE, kind=InspectionKind.TOUR, body="省委", group="省委巡视组", inspected_unit=center,
        feedback_date=date(2022, 9, 15), by=by,
    )
    plan = services.create_work_plan(title="关于落实省委巡视反馈问题的整改工作方案", year=2022, unit=center,
                                     inspection=inspection, by=by)
    tasks = 0
    for title, description, leader_names, unit_names, deadline, status in PLAN_TASKS:
        units = [u for u in map(look.unit, unit_names) if u]
        if not units:
            continue
        task = services.add_plan_task(plan, title=title, description=description, lead_unit=units[0], units=units,
                                      leaders=[p for p in map(look.person, leader_names) if p],
                                      deadline=date.fromisoformat(deadline), by=by)
        if status != "not_started":
            services.set_plan_task_status(task, status=status, by=by)
        tasks += 1
    return {"工作方案任务": tasks}
