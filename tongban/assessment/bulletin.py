"""工作通报: the month's assessment notice as a 公文 (GB/T 9704, `documents.gongwen`) — the scores, the
红黑榜 and the notable records, from the same selectors as the pages (`selectors.month_results`, `board`,
`totals`), so the figures reconcile. The board is also a section of the 电子监察月通报
(`bulletin_sections.py`)."""
from __future__ import annotations

from datetime import date

from tongban.assessment import selectors
from tongban.assessment.choices import Group
from tongban.assessment.selectors import points_text
from tongban.assessment.models import AssessmentMonth
from tongban.documents.gongwen import GongwenDocument
from tongban.rectification.models import chinese_number
from tongban.supervision.bulletin import ADDRESSEE, BulletinReport, Section, _issuer


def board_section(assessment: AssessmentMonth) -> Section:
    board = selectors.board(assessment)
    rows = []
    for group in Group.values:
        for side, word in (("red", "红榜"), ("black", "黑榜")):
            for r in board[group][side]:
                rows.append([f"{board[group]['label']}{word}", r["unit"], f"{points_text(r['total'])}", r["reasons"]])
    text = []
    for group in Group.values:
        red = "、".join(r["unit"] for r in board[group]["red"]) or "无"
        black = "、".join(r["unit"] for r in board[group]["black"]) or "无"
        text.append(f"{board[group]['label']}：红榜{red}；黑榜{black}。")
    return Section("红黑榜", text, table=(["榜单", "单位", "得分", "主要原因"], rows, [34, 44, 16, 62]) if rows else None)


def report(assessment: AssessmentMonth, today: date) -> BulletinReport:
    label = str(assessment)
    figures = selectors.totals(assessment)
    results = selectors.month_results(assessment)
    sections = [Section("总体情况", [
        f"按照《{assessment.scheme.name}》，{label}共考核{figures['units']}个单位，计分{figures['items']}项，"
        f"合计扣分{points_text(figures['deductions'])}分，不合格{figures['failing']}个；受理申诉{figures['filed']}件，"
        f"申诉成立{figures['upheld']}件（相应计分已撤销）。"])]
    for group in Group.values:
        rows = results[group]
        if not rows:
            continue
        sections.append(Section(f"{Group(group).label}考核得分", [f"共{len(rows)}个单位，按得分从高到低排列。"], table=(
            ["名次", "单位", "扣分", "加分", "得分", "等次"],
            [[str(r["rank"]), r["unit"], f"{points_text(r['deductions'])}", f"{points_text(r['bonus'])}", f"{points_text(r['total'])}", r["grade"]]
             for r in rows], [14, 60, 18, 18, 20, 26])))
    sections.append(board_section(assessment))
    notable = list(selectors.notable_items(assessment))
    sections.append(Section("典型问题", [
        "当月扣分较多的事项如下，请有关单位对照整改。" if notable else "当月没有扣分事项。"],
        table=(["单位", "事项", "扣分"], [[i.sheet.unit.name, i.label, f"{points_text(i.counted)}"] for i in notable],
               [44, 96, 16]) if notable else None))
    sections.append(Section("下一步工作要求", [
        "各单位要对照考核结果，逐项分析扣分原因，限期整改；黑榜单位主要负责人要作出书面说明。"
        "考核结果纳入年度综合考评。"]))
    return BulletinReport(title=f"关于{label}政务服务效能考核情况的通报", issuer=_issuer(), date=today,
                          opening=f"现将{label}全县政务服务效能考核情况通报如下。", sections=sections,
                          figures={"totals": figures})


def render(rep: BulletinReport) -> bytes:
    doc = GongwenDocument(rep.title, issuer=rep.issuer, date=rep.date, addressee=ADDRESSEE)
    doc.paragraph(rep.opening)
    for number, section in enumerate(rep.sections, start=1):
        doc.heading1(f"{chinese_number(number)}、{section.heading}")
        for paragraph in section.paragraphs:
            doc.paragraph(paragraph)
        if section.table:
            headers, rows, widths = section.table
            doc.table(headers, rows, widths_mm=widths)
    return doc.to_bytes()


def file_name(assessment: AssessmentMonth) -> str:
    return f"效能考核工作通报-{assessment.key}.docx"
