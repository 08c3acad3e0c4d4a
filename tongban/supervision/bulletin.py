"""电子监察月通报: the month's figures (`reports.month_figures`, the same as the dashboard and the API) as a
公文 laid out by `documents.gongwen` (GB/T 9704-2012), addressed to the county's leaders (四大家), the
townships and the units.

    report = bulletin_report(Month.parse("2026-10"), today)   # plain data: title, sections, figures
    content = render(report)                                  # .docx bytes
    path, created = publish(month, today)                     # stored once under MEDIA_ROOT (the daily job)

Sections: 一、总体情况; 二、各单位按期办结情况 (table); 三、超期办件 (table); then the sections other modules
register (`register_section`: the engine's 黄牌红牌 and 督办 and replies — a hook, nothing is invented here);
then 乡镇电子监察终端运行情况; last 下一步工作要求.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from django.conf import settings

from tongban.documents.gongwen import GongwenDocument
from tongban.rectification.models import chinese_number, cn_date
from tongban.supervision.reports import Month, month_figures

ADDRESSEE = "县委、县人大、县政府、县政协领导，各乡镇人民政府，县直各单位："
STORE = "supervision/bulletins"  # under MEDIA_ROOT, beside the other generated files (exports/, imports/)


@dataclass
class Section:
    heading: str  # without its number: 一、 is added in order
    paragraphs: list[str] = field(default_factory=list)
    table: tuple[list[str], list[list[str]], list[float]] | None = None  # headers, rows, widths in mm


@dataclass
class BulletinReport:
    title: str
    issuer: str
    date: date
    opening: str
    sections: list[Section]
    figures: dict

    def text(self) -> str:
        lines = [self.title, ADDRESSEE, self.opening]
        for number, section in enumerate(self.sections, start=1):
            lines.append(f"{chinese_number(number)}、{section.heading}")
            lines.extend(section.paragraphs)
            if section.table:
                lines.extend("　".join(row) for row in section.table[1])
        return "\n".join(lines)


# The hook for the sections the supervision engine adds (黄牌 / 红牌, 督办 and replies): a function
# (month, figures, today) → Section | None, placed after 超期办件 in registration order.
SectionBuilder = Callable[[Month, dict, date], "Section | None"]
_EXTRA: dict[str, SectionBuilder] = {}


def register_section(key: str, build: SectionBuilder) -> None:
    _EXTRA[key] = build


def _issuer() -> str:
    from tongban.org.context_processors import centre_name

    return str(centre_name())


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"  # as the dashboard shows it


def _short_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.month}月{day.day}日"


def _late_clause(unit: dict) -> str:
    parts = [f"超期办结{unit['late']}件"] if unit["late"] else []
    parts += [f"月末仍超期{unit['overdue_open']}件"] if unit["overdue_open"] else []
    return "、".join(parts)


def bulletin_report(month: Month, today: date) -> BulletinReport:
    figures = month_figures(None, month, today)
    totals = figures["totals"]
    issuer = _issuer()
    sections = [Section("总体情况", [
        f"{month.label}，全县各级政务服务中心共收件{totals['received']}件，受理{totals['accepted']}件，"
        f"作出审批决定{totals['decided']}件，其中按期办结{totals['on_time']}件、超期办结{totals['late']}件，"
        f"按期办结率{_pct(totals['on_time_rate'])}；出件办结{totals['closed']}件。"
        f"当月有{totals['overdue']}件办件超过承诺时限。"
    ])]
    units = figures["by_unit"]
    if units:
        worst = [u for u in units if u["late"] or u["overdue_open"]]
        sections.append(Section("各单位按期办结情况", [
            f"当月共有{len(units)}个审查部门（含承接下放事项的乡镇）办理子办件。"
            + (("存在超期的单位：" + "、".join(f"{u['unit']}（{_late_clause(u)}）" for u in worst) + "。")
               if worst else "各单位均按期办结。")
        ], table=(["单位", "办结", "按期", "超期", "按期办结率", "月末仍超期"],
                  [[u["unit"], str(u["decided"]), str(u["on_time"]), str(u["late"]), _pct(u["on_time_rate"]),
                    str(u["overdue_open"])] for u in units],
                  [52, 18, 18, 18, 26, 24])))
    else:
        sections.append(Section("各单位按期办结情况", ["当月没有审查部门作出审批决定。"]))
    late = figures["overdue_cases"]
    sections.append(Section("超期办件", [
        f"当月超过承诺时限的办件共{len(late)}件，超期工作日数计至作出决定之日（未决定的计至{cn_date(date.fromisoformat(figures['as_of']))}）。"
        if late else "当月没有超过承诺时限的办件。"
    ], table=(["办件编号", "申请事项（受理单位，状态）", "到期日", "超期工作日"],
              [[c["number"], f"{c['title']}（{c['unit']}，{c['status']}）", _short_date(c["due_date"]),
                str(c["overdue_workdays"])] for c in late],
              [62, 54, 24, 16]) if late else None))
    for build in _EXTRA.values():
        extra = build(month, figures, today)
        if extra is not None:
            sections.append(extra)
    faults = figures["terminal_faults"]
    sections.append(Section("乡镇电子监察终端运行情况", [
        f"当月有{len({f['terminal'] for f in faults})}台乡镇电子监察终端出现故障（超过设定时长没有心跳），共{len(faults)}次，"
        "请有关乡镇及时排查修复，确保网络畅通。" if faults else "当月各乡镇电子监察终端运行正常，没有出现故障。"
    ], table=(["终端", "故障开始", "恢复时间", "当月故障小时"],
              [[f["terminal"], f["started_at"], f["ended_at"] or "尚未恢复", f"{f['hours']:g}"] for f in faults],
              [56, 36, 36, 28]) if faults else None))
    sections.append(Section("下一步工作要求", [
        "各乡镇、各单位要对照本通报，逐件核查超期办件原因，严格执行承诺时限；对临期办件提前督促，杜绝无故超期。"
        "对超期较多的单位，县行政审批服务中心将按照效能考核办法扣分并约谈。"
    ]))
    return BulletinReport(
        title=f"关于{month.label}电子监察情况的通报", issuer=issuer, date=today,
        opening=f"现将{month.label}全县政务服务事项办理电子监察情况通报如下。",
        sections=sections, figures=figures,
    )


def render(report: BulletinReport) -> bytes:
    doc = GongwenDocument(report.title, issuer=report.issuer, date=report.date, addressee=ADDRESSEE)
    doc.paragraph(report.opening)
    for number, section in enumerate(report.sections, start=1):
        doc.heading1(f"{chinese_number(number)}、{section.heading}")
        for paragraph in section.paragraphs:
            doc.paragraph(paragraph)
        if section.table:
            headers, rows, widths = section.table
            doc.table(headers, rows, widths_mm=widths)
    return doc.to_bytes()


def file_name(month: Month) -> str:
    return f"电子监察月通报-{month.key}.docx"


def stored_path(month: Month) -> Path:
    return Path(settings.MEDIA_ROOT) / STORE / f"{month.key}.docx"


def publish(month: Month, today: date) -> tuple[Path, bool]:
    """The month's bulletin, generated once and kept (a re-run finds it and changes nothing). Written to a
    temporary file and renamed, so a reader never sees half a file."""
    path = stored_path(month)
    if path.is_file():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    content = render(bulletin_report(month, today))
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, path)
    return path, True
