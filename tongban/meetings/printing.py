"""The two printed papers: the leader on duty's problem sheet and the meeting's minutes (会议纪要), both 公文
laid out per GB/T 9704-2012 by `documents.gongwen`. They read the same selectors as the pages."""
from __future__ import annotations

from datetime import date

from tongban.documents.gongwen import GongwenDocument, format_date
from tongban.meetings.models import DutyRota, Meeting
from tongban.meetings.selectors import Agenda, Sheet
from tongban.rectification.models import chinese_number


def _issuer() -> str:
    from tongban.org.context_processors import centre_name

    return str(centre_name())


def _due(day: date | None) -> str:
    return format_date(day) if day else "—"


def _short(day: date | None) -> str:
    """A date in a narrow table column: 2026.9.16 fits a 30 mm cell on one line."""
    return f"{day.year}.{day.month}.{day.day}" if day else "—"


def sheet_file_name(duty: DutyRota) -> str:
    return f"坐班问题清单-{duty.leader.name}-{duty.duty_date:%Y%m%d}.docx"


def sheet_document(duty: DutyRota, sheet: Sheet) -> bytes:
    """坐班问题清单: the open problems of the leader's units on the rota day, one row each, oldest first."""
    doc = GongwenDocument(f"领导坐班问题清单（{format_date(duty.duty_date)}）", issuer=_issuer(),
                          date=duty.duty_date)
    doc.paragraph(f"坐班领导：{duty.leader.name}（{duty.unit.name}）。截至坐班当日，所分管单位尚未解决的问题共 "
                  f"{sheet.count} 项，请在坐班期间研究处理，处理意见由中心记录并跟踪落实。")
    if sheet.count > len(sheet.shown):
        doc.paragraph(f"本清单列出最早的 {len(sheet.shown)} 项，其余请在系统坐班页面查看。")
    rows = [(index, problem.source, problem.title, unit, _short(problem.since), "")
            for index, (problem, unit) in enumerate(sheet.rows(), start=1)]
    if rows:
        doc.table(["序号", "来源", "问题", "责任单位", "发生日期", "处理意见"], rows,
                  widths_mm=[10, 18, 42, 26, 30, 30])
    else:
        doc.paragraph("坐班当日所分管单位没有未解决的问题。")
    return doc.to_bytes()


def minutes_file_name(meeting: Meeting) -> str:
    return f"会议纪要-{meeting.title}-{meeting.held_on:%Y%m%d}.docx"


def minutes_document(meeting: Meeting, agenda: Agenda) -> bytes:
    """会议纪要: who met, what was reviewed (the decisions not yet done, the open problems), what was decided."""
    doc = GongwenDocument(f"{meeting.title}纪要", issuer=_issuer(), date=meeting.issued_on or meeting.held_on)
    units = "、".join(unit.name for unit in meeting.units.all())
    chair = f"，{meeting.chair.name}主持" if meeting.chair_id else ""
    place = f"在{meeting.place}" if meeting.place else ""
    doc.paragraph(f"{format_date(meeting.held_on)}，{_issuer()}{place}召开{meeting.get_kind_display()}{chair}"
                  + (f"，{units}参加" if units else "") + "。现将会议主要精神和议定事项纪要如下。")
    for line in (line.strip() for line in meeting.minutes.splitlines()):
        if line:
            doc.paragraph(line)
    section = 0
    if agenda.carried:
        section += 1
        doc.heading1(f"{chinese_number(section)}、前次会议议定事项落实情况")
        doc.paragraph(f"前次会议议定事项中尚未完成 {len(agenda.carried)} 项，会议逐项听取了进展：")
        doc.table(["序号", "议定事项", "责任单位", "完成时限", "进展"],
                  [(index, d.text, d.unit.name, _short(d.deadline), d.measure.get_status_display() if d.measure else "—")
                   for index, d in enumerate(agenda.carried, start=1)], widths_mm=[10, 62, 28, 30, 26])
    if agenda.sheet.count:
        section += 1
        doc.heading1(f"{chinese_number(section)}、参会单位待解决问题")
        by_source: dict[str, int] = {}
        for problem in agenda.sheet.problems:
            by_source[problem.source] = by_source.get(problem.source, 0) + 1
        doc.paragraph("会议通报了参会单位截至会前尚未解决的问题："
                      + "，".join(f"{source} {count} 项" for source, count in by_source.items()) + "。")
    decisions = list(meeting.decisions.select_related("unit", "owner"))
    section += 1
    doc.heading1(f"{chinese_number(section)}、议定事项")
    if not decisions:
        doc.paragraph("本次会议无新的议定事项。")
    for decision in decisions:
        owner = f"，责任人：{decision.owner.name}" if decision.owner_id else ""
        doc.heading3(f"{decision.number}．", body=f"{decision.text}（责任单位：{decision.unit.name}{owner}；"
                                                   f"完成时限：{_due(decision.deadline)}）")
    doc.paragraph("各责任单位要按照议定事项明确的时限抓好落实，落实情况纳入整改台账跟踪督办，下次会议首先通报。")
    return doc.to_bytes()
