"""The two 公文 of the loop, built from the data so that they cannot contradict it (ROADMAP X5):

- 整改进展情况报告, shaped like seed 000: 一、整改工作组织情况; 二、整改落实情况 (the counts, then each
  aspect's findings and their measures); 三、下一步工作;
- 整改工作方案, shaped like seed 003: 一、指导思想和遵循原则; 二、整改主要内容 (the work plan's tasks, or
  the measures, each with responsible leaders, units and deadline); 三、整改工作要求; 附件 the 任务清单.

`progress_report(inspection)` / `plan_report(inspection)` return plain data (testable, and every figure
comes from `selectors`); `*_docx` render it through `tongban.documents.gongwen` (GB/T 9704-2012).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date

from django.utils import timezone

from tongban.documents.gongwen import GongwenDocument
from tongban.rectification.choices import GroupRole, MeasureStatus
from tongban.rectification.models import (
    Inspection,
    Measure,
    RectificationGroup,
    Revisit,
    WorkPlan,
    chinese_number,
    cn_date,
)
from tongban.rectification.selectors import Buckets, finding_counts, measure_buckets

def _nth(i: int) -> str:
    """一是、二是 … (then 第11是 would be odd; past ten we count in words)."""
    return f"{chinese_number(i)}是"


@dataclass
class Block:
    """One heading with its paragraphs; `level` 1 → 一、, 2 → （一）, 3 → 1．"""

    level: int
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    children: list["Block"] = field(default_factory=list)


@dataclass
class Report:
    title: str
    issuer: str
    date: date
    opening: str
    sections: list[Block]
    figures: dict
    attachment: tuple[str, list[str], list[list[str]]] | None = None  # (title, headers, rows)

    def text(self) -> str:
        """Everything the document says, in order (for tests and plain-text previews)."""
        lines = [self.title, self.opening]

        def walk(block: Block) -> None:
            lines.append(block.heading)
            lines.extend(block.paragraphs)
            for child in block.children:
                walk(child)

        for section in self.sections:
            walk(section)
        return "\n".join(lines)


def _measures(inspection: Inspection):
    return (
        Measure.objects.filter(finding__inspection=inspection)
        .select_related("finding", "finding__aspect", "lead_unit", "responsible_leader")
        .prefetch_related("unit_roles__unit")
        .order_by("finding__aspect__number", "finding__number", "finding_id", "number", "pk")
    )


def _group_sentence(group: RectificationGroup | None, unit_name: str) -> list[str]:
    if group is None:
        return ["（尚未在系统中登记整改工作领导小组。）"]
    members = list(group.members.select_related("staff"))

    def names(role: str) -> str:
        people = [f"{m.title}{m.staff.name}" if m.title else m.staff.name for m in members if m.role == role]
        return "、".join(people)

    parts = [f"{unit_name}成立{group.name}"]
    if names(GroupRole.LEADER):
        parts.append(f"{names(GroupRole.LEADER)}任组长")
    if names(GroupRole.DEPUTY):
        parts.append(f"{names(GroupRole.DEPUTY)}任副组长")
    if names(GroupRole.MEMBER):
        parts.append(f"{names(GroupRole.MEMBER)}任成员")
    office = f"（设在{group.office_unit.name}）" if group.office_unit_id else ""
    return ["，".join(parts) + f"。领导小组下设办公室{office}，办公室负责{group.office_duties}，确保巡察整改各项工作顺利推进。"]


def _status_note(measure: Measure) -> str:
    if measure.status == MeasureStatus.VERIFIED:
        return "已整改到位"
    if measure.status == MeasureStatus.ONGOING:
        return "长期持续整改"
    return f"{measure.get_status_display()}，完成时限：{measure.deadline_label or '未定'}"


def _measure_sentence(index: int, measure: Measure) -> str:
    text = measure.text.rstrip("。；;，, ")
    note = f"牵头单位：{measure.lead_unit.name}；{_status_note(measure)}"
    result = f"整改成效：{measure.result.rstrip('。')}。" if measure.result and measure.status == MeasureStatus.VERIFIED else ""
    return f"{_nth(index)}{text}（{note}）。{result}"


def _summary_sentence(inspection: Inspection, counts: dict, buckets: Buckets) -> str:
    """The counting sentence: every figure from `selectors` (verified + ongoing + open = total; the
    overdue are among the open; ongoing measures past a checkpoint are their own clause)."""
    who = inspection.group or inspection.body
    return (
        f"{who}反馈的{counts['problem']}个问题和{counts['suggestion']}条意见建议，共制定整改措施{buckets.total}项，"
        f"其中{buckets.verified}项已整改到位，{buckets.ongoing}项已整改但需要按照新的时间节点进行长期持续整改"
        + (f"（其中{buckets.overdue_ongoing}项未按时间节点报告阶段性进展）" if buckets.overdue_ongoing else "")
        + f"，{buckets.open}项正在整改"
        + (f"（其中{buckets.overdue}项已超过完成时限）" if buckets.overdue else "")
        + "。"
    )


def progress_report(inspection: Inspection, *, as_of: date | None = None) -> Report:
    as_of = as_of or timezone.localdate()
    measures = list(_measures(inspection))
    queryset = Measure.objects.filter(finding__inspection=inspection)
    buckets = measure_buckets(queryset, as_of)
    counts = finding_counts(inspection.findings.all())
    group = RectificationGroup.objects.filter(inspection=inspection).select_related("office_unit").first()
    unit = inspection.inspected_unit.name
    plans = list(WorkPlan.objects.filter(inspection=inspection).prefetch_related("tasks"))
    who = inspection.group or inspection.body

    organisation = Block(1, "一、整改工作组织情况", children=[
        Block(2, "（一）深入动员，统一思想。", [
            f"{cn_date(inspection.feedback_date)}，{who}向{unit}反馈了{inspection.get_kind_display()}意见。"
            f"{unit}高度重视，立即专题研究部署整改工作，逐条逐项制定整改措施，明确责任单位、责任领导、责任人和完成时限。"
        ]),
        Block(2, "（二）加强领导，夯实责任。", _group_sentence(group, unit)),
        Block(2, "（三）建立机制，跟踪督办。", [
            "建立整改台账，明确牵头单位、协调单位和配合单位各自承担的责任，实行日监测、周提醒、月通报，"
            "对申请销号的整改措施逐项审核佐证材料，整改到位一项、销号一项。"
            + "".join(f"制定《{plan.title}》，将任务细化分解为{plan.tasks.count()}项具体工作，各项任务都明确了责任单位和完成时限。"
                      for plan in plans)
        ]),
    ])

    implementation = Block(1, "二、整改落实情况", [_summary_sentence(inspection, counts, buckets)])
    by_aspect: dict = {}
    for measure in measures:
        by_aspect.setdefault(measure.finding.aspect, {}).setdefault(measure.finding, []).append(measure)
    for aspect_index, (aspect, findings) in enumerate(by_aspect.items(), start=1):
        heading = f"（{chinese_number(aspect_index)}）{aspect.title if aspect else '其他问题'}"
        block = Block(2, heading if heading.endswith("。") else heading + "。")
        for finding_index, (finding, items) in enumerate(findings.items(), start=1):
            sentences = "".join(_measure_sentence(i, m) for i, m in enumerate(items, start=1))
            if len(findings) > 1:
                block.children.append(Block(3, f"{finding_index}．{finding.description.rstrip('。')}。", [sentences]))
            else:
                block.paragraphs.append(sentences)
        implementation.children.append(block)

    ongoing = [m for m in measures if m.status == MeasureStatus.ONGOING]
    open_measures = [m for m in measures if m.status not in (MeasureStatus.VERIFIED, MeasureStatus.ONGOING)]
    revisits = Revisit.objects.filter(measure__finding__inspection=inspection)
    next_steps = Block(1, "三、下一步工作", [
        "目前，整改成效还是阶段性的。下一步将压紧压实整改责任，坚持问题不解决不松劲、整改不到位不罢休。"
    ], children=[
        Block(2, "（一）巩固已完成的整改成果。", [
            f"对已整改到位的{buckets.verified}项整改措施，进一步总结提炼，适时组织“回头看”"
            f"（已安排{revisits.count()}次，群众不满意的{revisits.filter(satisfied=False).count()}项已重新整改）；"
            "对群众不满意的事项再次进行整改，确保祛病除根。"
        ]),
        Block(2, "（二）按新的时间节点推进长期整改任务。", [
            f"对需要长期持续整改的{buckets.ongoing}项整改措施，按照新的时间节点报告阶段性进展"
            + (("：" + "；".join(f"{m.text.rstrip('。')}（{m.lead_unit.name}）" for m in ongoing) + "。") if ongoing else "。")
        ]),
        Block(2, "（三）加快推进尚未完成的整改任务。", [
            f"对尚未完成的{buckets.open}项整改措施，加快进度、紧抓不放，确保按期整改到位"
            + (("：" + "；".join(f"{m.text.rstrip('。')}（{m.lead_unit.name}，{m.deadline_label or '时限未定'}）"
                              for m in open_measures) + "。") if open_measures else "。")
            + "对不重视整改工作、行动迟缓、表面整改、敷衍整改、虚假整改的，依纪依规严肃处理。"
        ]),
    ])

    opening = (
        f"按照{inspection.body}统一部署，{cn_date(inspection.feedback_date)}，{who}向{unit}反馈了"
        f"{inspection.get_kind_display()}意见。根据《中国共产党巡视工作条例》《中国共产党党内监督条例》等有关规定，"
        f"现将{inspection.get_kind_display()}整改进展情况报告如下。"
    )
    figures = {"findings": counts, "measures": asdict(buckets), "as_of": as_of.isoformat()}
    return Report(
        title=f"关于{who}{inspection.get_kind_display()}反馈意见整改进展情况的报告",
        issuer=unit, date=as_of, opening=opening, sections=[organisation, implementation, next_steps],
        figures=figures,
    )


# --------------------------------------------------------------------------------------------------
# 整改工作方案


PRINCIPLES = [
    ("坚持政治引领高站位。", "以巡察整改的实际成效体现对党的绝对忠诚，确保反馈问题整改到位。"),
    ("坚持以上率下尽职责。", "主要负责同志切实履行整改第一责任人责任，班子成员组织抓好分管科室的整改落实工作，坚持“一岗双责”。"),
    ("坚持靶向施治抓整改。", "树立问题导向，逐条逐项列出责任清单、任务清单、具体问题清单、效果清单，坚持分类处置、综合施策。"),
    ("坚持标本兼治堵漏洞。", "把落实“当下改”的举措和完善“长久立”的机制结合起来，确保解决一个问题、完善一项制度、堵塞一个漏洞。"),
    ("坚持服务大局促发展。", "把整改落实作为牵动工作全局的重要抓手，使整改的过程成为改进作风、优化环境、推动工作的过程。"),
]


@dataclass
class PlanItem:
    title: str  # the task's title, or the finding the measure answers
    text: str
    leaders: list[str]
    units: list[str]
    deadline: str
    group: object = None  # items with the same group (a finding's measures) are stated under one title


def _plan_items(inspection: Inspection) -> tuple[list[PlanItem], str]:
    """The tasks of the inspection's work plan when it has one, else its measures (in finding order)."""
    plan = WorkPlan.objects.filter(inspection=inspection).first()
    if plan is not None:
        items = [
            PlanItem(task.title, task.description, [leader.name for leader in task.leaders.all()],
                     [task.lead_unit.name] + [u.name for u in task.units.all() if u.pk != task.lead_unit_id],
                     cn_date(task.deadline), group=("task", task.pk))
            for task in plan.tasks.select_related("lead_unit").prefetch_related("leaders", "units")
        ]
        return items, "任务"
    items = [
        PlanItem(m.finding.description.rstrip("。"), m.text, [m.leader_label] if m.leader_label else [],
                 [mu.unit.name for mu in sorted(m.unit_roles.all(), key=lambda mu: ("lead", "coordinating", "supporting").index(mu.role))],
                 m.deadline_label, group=("finding", m.finding_id))
        for m in _measures(inspection)
    ]
    return items, "措施"


def _grouped(items: list[PlanItem]) -> list[tuple[str, list[PlanItem]]]:
    """Consecutive items of one group (a finding's measures) together, under its title stated once."""
    groups: list[tuple[str, list[PlanItem]]] = []
    for item in items:
        if groups and groups[-1][1][0].group == item.group:
            groups[-1][1].append(item)
        else:
            groups.append((item.title, [item]))
    return groups


def _plan_item_sentence(item: PlanItem) -> str:
    details = "；".join(part for part in (
        f"责任领导：{'、'.join(item.leaders)}" if item.leaders else "",
        f"责任单位：{'、'.join(item.units)}" if item.units else "",
        f"完成时限：{item.deadline}" if item.deadline else "",
    ) if part)
    body = item.text.rstrip("。")
    return f"{body}。（{details}）" if body else f"（{details}）"


def _plan_content_blocks(items: list[PlanItem]) -> list[Block]:
    """Seed 003's shape: "1．问题（任务）。措施……（责任领导…）"; a finding with several measures is stated
    once, its measures below it as （1）（2）…"""
    blocks = []
    for number, (title, group) in enumerate(_grouped(items), start=1):
        heading = f"{number}．{title.rstrip('。')}。"
        if len(group) == 1:
            blocks.append(Block(3, heading, [_plan_item_sentence(group[0])]))
        else:
            blocks.append(Block(3, heading, [f"（{i}）{_plan_item_sentence(item)}" for i, item in enumerate(group, start=1)]))
    return blocks


def plan_report(inspection: Inspection, *, as_of: date | None = None) -> Report:
    as_of = as_of or timezone.localdate()
    unit = inspection.inspected_unit.name
    who = inspection.group or inspection.body
    kind = inspection.get_kind_display()
    items, noun = _plan_items(inspection)
    unit_count = len({name for item in items for name in item.units})
    group = RectificationGroup.objects.filter(inspection=inspection).first()

    principles = Block(2, "（二）遵循原则", children=[
        Block(3, f"{i}．{head}", [body]) for i, (head, body) in enumerate(PRINCIPLES, start=1)
    ])
    guidance = Block(1, "一、指导思想和遵循原则", children=[
        Block(2, "（一）指导思想", [
            f"坚持以习近平新时代中国特色社会主义思想为指导，全面落实关于{kind}工作的重要指示要求，把整改落实作为对党绝对忠诚、"
            f"践行“四个意识”的实际行动，确保{who}反馈问题整改到位。"
        ]),
        principles,
    ])
    content = Block(1, "二、整改主要内容", [
        f"对照{who}反馈的问题，共列出整改{noun}{len(items)}项，涉及责任单位{unit_count}个，逐项明确责任领导、责任单位和完成时限。"
    ])
    content.children.extend(_plan_content_blocks(items))
    leadership = f"{group.name}统一领导整改工作，" if group else ""
    requirements = Block(1, "三、整改工作要求", children=[
        Block(3, "1．强化领导责任。", [f"{leadership}班子切实担负起整改落实主体责任，把整改责任落实到分管负责同志、责任科室和具体责任人，做到压力层层传递、责任层层落实。"]),
        Block(3, "2．强化示范作用。", ["班子成员带头抓好整改，各科室负责人主动认领责任，坚持谁主管谁负责、谁牵头谁负责；解决不了的问题及时上报，决不允许推诿扯皮、久拖不决。"]),
        Block(3, "3．强化督查问责。", ["实行日监测、周提醒、月通报，对整改措施逐项销号；对不重视整改工作、行动迟缓、表面整改、敷衍整改、虚假整改的，依纪依规严肃处理。"]),
    ])
    opening = f"为认真落实{who}{kind}反馈问题整改工作，确保整改落实取得扎实成效，结合{unit}实际，特制定本方案。"
    rows = [[str(i), item.title, item.text, "、".join(item.leaders), "、".join(item.units), item.deadline]
            for i, item in enumerate(items, start=1)]
    return Report(
        title=f"{unit}关于落实{who}{kind}反馈问题的整改工作方案",
        issuer=unit, date=as_of, opening=opening, sections=[guidance, content, requirements],
        figures={"items": len(items), "units": unit_count, "kind": noun,
                 "leaders": dict(Counter(name for item in items for name in item.leaders))},
        attachment=("整改任务清单", ["序号", "问题（任务）", "整改措施", "责任领导", "责任单位", "完成时限"], rows),
    )


# --------------------------------------------------------------------------------------------------
# Rendering as 公文


def render(report: Report) -> bytes:
    doc = GongwenDocument(report.title, issuer=report.issuer, date=report.date)
    doc.paragraph(report.opening)

    def walk(block: Block) -> None:
        heading = {1: doc.heading1, 2: doc.heading2, 3: doc.heading3}[block.level]
        if block.level > 1 and len(block.paragraphs) == 1 and not block.children and len(block.heading) < 24:
            heading(block.heading, body=block.paragraphs[0])  # seed style: “（一）标题。正文……”
            return
        heading(block.heading)
        for paragraph in block.paragraphs:
            doc.paragraph(paragraph)
        for child in block.children:
            walk(child)

    for section in report.sections:
        walk(section)
    if report.attachment:
        title, headers, rows = report.attachment
        doc.attachment(title)
        doc.table(headers, rows, widths_mm=[10, 30, 50, 18, 28, 20], merge_down=[1])  # a finding once over its measures
    return doc.to_bytes()


def progress_report_docx(inspection: Inspection, *, as_of: date | None = None) -> tuple[str, bytes]:
    report = progress_report(inspection, as_of=as_of)
    return report.title, render(report)


def plan_report_docx(inspection: Inspection, *, as_of: date | None = None) -> tuple[str, bytes]:
    report = plan_report(inspection, as_of=as_of)
    return report.title, render(report)
