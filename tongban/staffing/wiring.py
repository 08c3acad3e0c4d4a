"""Staff discipline as automatic indicators of the monthly assessment (`assessment.sources`, registered from
`StaffingConfig.ready`, so assessment imports nothing from staffing): lateness and early leave, and weekly-inspection
findings, charged to the person's unit, each occurrence with its record on the sheet.

Absences are not an automatic indicator: a month whose punches were never imported would count every working day
of every window clerk as absent; the scheme's manual 缺勤 line, entered from the sheet, stays until the import
records which months it covers."""
from __future__ import annotations

import hashlib
from datetime import date
from typing import Iterable


def register() -> None:
    from tongban.assessment.sources import Occurrence, shared, source
    from tongban.staffing.indicators import month_indicators

    def occurrences(kind: str, start: date) -> Iterable[Occurrence]:
        # both sources come from one pass over the month's punches and findings: once per scoring
        by_unit, _ = shared(("staffing.month_indicators", start.year, start.month),
                            lambda: month_indicators(start.year, start.month))
        for unit_id, counts in by_unit.items():
            for detail in getattr(counts, kind):
                # The label names the person, the day and what happened: its digest is the record's stable id.
                record = hashlib.sha1(f"{kind}:{detail.label}".encode()).hexdigest()[:32]
                yield Occurrence(unit_id, detail.date, detail.label, detail.url, record)

    @source("staffing.lateness", "工作人员迟到、早退（考勤）")
    def lateness(start: date, end: date) -> Iterable[Occurrence]:
        return occurrences("lateness", start)

    @source("staffing.inspection_finding", "周督查发现的纪律、着装、服务问题")
    def findings(start: date, end: date) -> Iterable[Occurrence]:
        return occurrences("inspection_findings", start)
