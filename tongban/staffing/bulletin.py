"""月通报 of the window staff as a 公文 (.docx, documents.gongwen): the figures of selectors.month_bulletin."""
from __future__ import annotations

import datetime as dt

from tongban.documents.gongwen import GongwenDocument
from tongban.staffing.selectors import Month, UnitLine, bulletin_totals

ISSUER = "县行政审批服务中心"
ADDRESSEE = "各进驻单位、中心各股室："


def render(lines: list[UnitLine], month: Month, today: dt.date) -> bytes:
    doc = GongwenDocument(f"关于{month.label}窗口工作人员考勤和督查情况的通报", issuer=ISSUER, date=today,
                          addressee=ADDRESSEE)
    totals = bulletin_totals(lines)
    findings = [f for line in lines for f in line.findings]
    doc.paragraph(f"根据日考勤、周督查制度，现将{month.label}窗口工作人员考勤和督查情况通报如下。")
    doc.heading1("一、考勤情况")
    doc.paragraph(f"本月共迟到 {totals.late} 人次、早退 {totals.early} 人次、缺勤 {totals.absent} 人次（已批准的请假、外勤"
                  f"不计缺勤），督查发现问题 {totals.findings} 个。各单位情况如下：")
    doc.table(["单位", "人数", "迟到", "早退", "缺勤", "督查发现问题"],
              [[line.unit.name, line.people, line.late, line.early, line.absent, len(line.findings)] for line in lines],
              widths_mm=[60, 18, 18, 18, 18, 24])
    doc.heading1("二、督查发现的问题")
    if findings:
        doc.table(["单位", "人员", "日期", "督查内容", "问题"],
                  [[f.staff.unit.name, f.staff.name, f"{f.inspected_on:%m月%d日}", f.get_aspect_display(), f.finding]
                   for f in findings], widths_mm=[40, 20, 22, 22, 52])
    else:
        doc.paragraph("本月周督查未发现问题。")
    doc.heading1("三、工作要求")
    doc.paragraph("各单位要对照本通报，督促相关人员严格遵守作息时间和工作纪律、规范着装和服务礼仪；"
                  "对多次迟到、缺勤或督查发现问题的人员，中心将约谈本人并通报到原单位，情节严重的予以退回。")
    return doc.to_bytes()
