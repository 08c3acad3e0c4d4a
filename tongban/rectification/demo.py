"""Demo data of the loop: the inspection of seed 000 and the work plan of seed 003, in the demo county.

`build_demo_rectification()` is called by `tongban demo` (tongban.org.demo.run_app_demos) after the
county exists. It is idempotent: once the seed-000 inspection exists, nothing is touched again. Units
and people are looked up by name; a measure whose unit is missing is skipped, and without the centre
nothing is built.

Everything goes through the services (so timelines, audit log and rules hold), with one exception:
timestamps are spread afterwards (evidence and 申请销号 back to before the deadlines, sign-offs over the
past weeks), so that the dashboard's trend has a shape and the history reads as a real one.

The signals (issue 16) get their own round, `SIGNALS_TITLE`: a dozen honest measures, each with its own
photo and document, and four planted cases among them (`PLANTED`): a photo reused across two measures
after resizing, a measure closed overnight after four months overdue, a batch signed off in five minutes,
and a measure reopened by 回头看 and closed again with the same file.
"""
from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tongban.org.models import Staff, Unit
from tongban.rectification import services
from tongban.rectification.choices import DeadlineKind, FindingKind, InspectionKind, MeasureStatus
from tongban.rectification.clocks import refresh_measure_clocks
from tongban.rectification.evidence_samples import pdf_bytes, photo_bytes, resized
from tongban.rectification.models import Evidence, Inspection, Measure, ProgressUpdate

CENTER = "XX县行政审批服务中心"
SEED_000_TITLE = "县委第一巡察组巡察反馈意见整改"
SEED_003_TITLE = "省委巡视反馈问题整改"
SIGNALS_TITLE = "县委第二巡察组巡察反馈意见整改"
# The planted cases' measure texts, by the signal each should raise (tests look them up by these).
PLANTED = {
    "similar_photo": ("规范大厅窗口标识标牌，统一设置导办台", "更新自助服务区设备，张贴操作指引"),
    "overnight": "清理大厅长期闲置窗口，调整窗口布局",
    "bulk_signed_off": "信息股",  # the lead unit of the batch
    "reopened_same_evidence": "整治窗口“吃拿卡要”问题，设立投诉意见箱",
}

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


_evidence_numbers = itertools.count(1)


def _evidence(name: str) -> SimpleUploadedFile:
    """A document of its own each time (the same bytes on two measures would be a signal)."""
    return SimpleUploadedFile(name, pdf_bytes(f"tongban demo evidence {next(_evidence_numbers)}"))


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
        counts.update(_build_signal_cases(look, center, office_user))
    from tongban.rectification.signals import scan

    counts["整改提示"] = scan()["found"]
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
    """Demo only: everything happened just now. The evidence and 申请销号 go back to the weeks after the
    feedback (each measure its own day), the sign-offs are spread over the past ten weeks for the trend."""
    measures = Measure.objects.filter(finding__inspection=inspection)
    now = timezone.now()
    # The measures were drawn up after the feedback, not today: bulletins count only what existed then.
    measures.update(created_at=_at(inspection.feedback_date + timedelta(days=14), 9))
    refresh_measure_clocks(measures)  # 立行立改 counts from creation
    for index, pk in enumerate(measures.exclude(submitted_at=None).order_by("pk").values_list("pk", flat=True)):
        worked = _at(inspection.feedback_date + timedelta(days=20 + 2 * index), 10)
        _set_history(pk, evidence_at=worked, submitted_at=worked + timedelta(days=1))
    verified = measures.filter(status=MeasureStatus.VERIFIED).order_by("pk")
    for index, pk in enumerate(verified.values_list("pk", flat=True)):
        Measure.objects.filter(pk=pk).update(
            verified_at=now - timedelta(days=7 * (index % 10) + index % 5, hours=index))


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _set_history(measure_id: int, *, evidence_at: datetime, submitted_at: datetime | None = None,
                 verified_at: datetime | None = None) -> None:
    """Demo only: when the progress and evidence were written (a few minutes apart), asked and signed off."""
    for n, update in enumerate(ProgressUpdate.objects.filter(measure_id=measure_id).order_by("pk")):
        at = evidence_at + timedelta(minutes=5 * n)
        ProgressUpdate.objects.filter(pk=update.pk).update(created_at=at)
        Evidence.objects.filter(update=update).update(created_at=at)
    changes = {"submitted_at": submitted_at} if submitted_at else {}
    if verified_at:
        changes["verified_at"] = verified_at
    if changes:
        Measure.objects.filter(pk=measure_id).update(**changes)


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


# --------------------------------------------------------------------------------------------------
# The signals' round: honest measures, and the four planted cases among them (issue 16).

HONEST = [
    ("完善首问负责制，明确首问责任人职责", "政策法规股"),
    ("建立窗口人员AB岗制度，确保不空岗", "政策法规股"),
    ("开展窗口人员业务培训，每季度一次", "投资建设股"),
    ("梳理高频事项办事指南，统一发布", "国土规划股"),
    ("设置“办不成事”反映窗口", "市场准入股"),
    ("优化预约办理服务，开通电话和网上预约", "社会事务股"),
    ("规范帮办代办服务流程", "涉农事务股"),
    ("推行延时错时服务", "投资建设股"),
]
BATCH = ["升级叫号系统，实现短信提醒", "完善政务服务网事项要素", "建设电子证照库", "推行电子印章应用",
         "建立数据共享清单"]


def _build_signal_cases(look: Lookup, center: Unit, by) -> dict:
    if by is None or any(look.unit(name) is None for name in ("政策法规股", "信息股", "办公室", "市场准入股")):
        return {}
    today = timezone.localdate()
    now = timezone.now()
    inspection = services.create_inspection(
        title=SIGNALS_TITLE, kind=InspectionKind.PATROL, body="县委", group="县委第二巡察组", inspected_unit=center,
        feedback_date=date(2023, 3, 1), by=by)
    aspect = services.add_aspect(inspection, title="窗口服务作风问题", by=by)
    finding = services.add_finding(inspection, description="窗口服务作风问题", aspect=aspect, by=by)

    def measure(text: str, unit: str, deadline: date) -> Measure:
        lead = look.unit(unit)
        return services.create_measure(finding=finding, text=text, lead_unit=lead, deadline=deadline,
                                       responsible_person=look.head_of(lead), by=by)

    def close(m: Measure, files: list[SimpleUploadedFile], *, verify: bool = True) -> None:
        services.add_progress(m, text="已完成整改，附现场照片和相关文件。", files=files, by=by)
        head = m.responsible_person.user if m.responsible_person_id else None
        services.submit_for_signoff(m, result="已按要求整改到位。", by=head)
        if verify:
            services.verify_measure(m, comment="佐证材料齐全，同意销号。", by=by)

    def photo(name: str, seed: int, day: date, data: bytes | None = None) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, data or photo_bytes(seed, taken=day))

    created = []
    # Honest: each with its own photo and document, worked on over weeks, signed off on different days.
    for index, (text, unit) in enumerate(HONEST):
        m = measure(text, unit, today + timedelta(days=30 + index))
        day = today - timedelta(days=60 - 5 * index)
        close(m, [photo(f"现场照片{index + 1}.jpg", 1000 + index, day), _evidence(f"整改报告{index + 1}.pdf")])
        _set_history(m.pk, evidence_at=_at(day, 10), submitted_at=_at(day + timedelta(days=1), 10),
                     verified_at=_at(day + timedelta(days=3), 15))
        created.append(m)
    # Planted 1: the same photo on two measures, the second copy resized and recompressed.
    first_text, second_text = PLANTED["similar_photo"]
    day = today - timedelta(days=20)
    original = photo_bytes(2001, taken=day)
    for n, (text, unit, data) in enumerate(((first_text, "办公室", original),
                                            (second_text, "市场准入股", resized(original)))):
        m = measure(text, unit, today + timedelta(days=20))
        close(m, [photo(f"整改后现场{n + 1}.jpg", 0, day, data)])
        _set_history(m.pk, evidence_at=_at(day + timedelta(days=2 * n), 10),
                     submitted_at=_at(day + timedelta(days=2 * n + 1), 10),
                     verified_at=_at(day + timedelta(days=2 * n + 4), 10))
        created.append(m)
    # Planted 2: four months overdue, then evidence, 申请销号 and 销号 within the hour.
    m = measure(PLANTED["overnight"], "政策法规股", today - timedelta(days=125))
    close(m, [photo("窗口调整后.jpg", 3001, today), _evidence("窗口调整说明.pdf")])
    created.append(m)
    # Planted 3: five measures of 信息股 asked over a fortnight, signed off in five minutes.
    signed = now - timedelta(days=2)
    for index, text in enumerate(BATCH):
        m = measure(text, PLANTED["bulk_signed_off"], today + timedelta(days=40))
        day = today - timedelta(days=30 - 3 * index)
        close(m, [photo(f"系统截图{index + 1}.jpg", 4001 + index, day), _evidence(f"建设情况{index + 1}.pdf")])
        _set_history(m.pk, evidence_at=_at(day, 9), submitted_at=_at(day + timedelta(days=1), 9),
                     verified_at=signed + timedelta(minutes=index))
        created.append(m)
    # Planted 4: signed off, reopened by an unsatisfied 回头看, signed off again with the very same file.
    m = measure(PLANTED["reopened_same_evidence"], "社会事务股", today + timedelta(days=10))
    box = photo_bytes(5001, taken=today - timedelta(days=50))
    close(m, [photo("意见箱.jpg", 0, today, box)])
    _set_history(m.pk, evidence_at=_at(today - timedelta(days=50), 10),
                 submitted_at=_at(today - timedelta(days=49), 10), verified_at=_at(today - timedelta(days=45), 10))
    revisit = services.schedule_revisit(m, scheduled_date=today - timedelta(days=3), by=by)
    services.record_revisit(revisit, done_date=today - timedelta(days=3), satisfied=False,
                            notes="群众反映意见箱无人开启，投诉无回音。", new_deadline=today + timedelta(days=30), by=by)
    close(m, [photo("意见箱.jpg", 0, today, box)])
    created.append(m)
    Measure.objects.filter(pk__in=[c.pk for c in created]).update(created_at=now - timedelta(days=150))
    return {"提示演示措施": len(created)}
