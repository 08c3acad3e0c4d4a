"""办件台账: the case list (/cases/) as Excel, with the page's scope and filters (`selectors.listed_cases`).

`/cases/?…&export=xlsx` hands the query string to `documents.exports.respond`: up to EXPORT_ASYNC_ROWS cases the
file is the response, above that the worker writes it with a progress bar. Either way `write_ledger` rebuilds
the rows from the query string and the requester's scope, reads them with values() a thousand at a time in the
list's keyset order (`-number`, never an OFFSET), computes 超期 in SQL (`selectors.overdue_q`) and streams
them (openpyxl write-only, `documents.excel.streamed_table`). ID numbers and phones are masked by the same
rule as the lists and the API (`privacy.mask_applicant_id`, `core.masking.mask_phone`).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.http import QueryDict
from django.utils import timezone

from tongban.cases import privacy, selectors
from tongban.cases.choices import ApplicantKind, CaseStatus, Decision
from tongban.core.masking import mask_phone
from tongban.documents import exports

KIND = "cases.list"
TITLE = "办件台账"
CHUNK = 1000

COLUMNS = [  # (header, width)
    ("办件编号", 22), ("类型", 8), ("申请事项（事项 / 一件事）", 30), ("申请人", 22), ("申请人类型", 10),
    ("证件号码（脱敏）", 22), ("联系电话（脱敏）", 15), ("代办人", 10), ("受理窗口", 18), ("受理单位", 18),
    ("状态", 10), ("收件日期", 14), ("受理日期", 14), ("决定日期", 14), ("办结日期", 14),
    ("承诺时限（工作日）", 10), ("到期日", 14), ("是否超期", 8), ("容缺受理", 8), ("容缺补齐期限", 14),
    ("容缺逾期未补", 8), ("审批结果", 10),
]
FIELDS = ("number", "bundle_id", "title", "applicant_name", "applicant_kind", "id_type", "id_number", "phone",
          "agent_name", "intake_window__name", "intake_unit__name", "status", "received_on", "accepted_on",
          "deemed_accepted", "decided_on", "closed_on", "budget_workdays", "due_date", "accepted_with_pending",
          "pending_due_date", "pending_overdue", "decision", "is_overdue")
STATUS = dict(CaseStatus.choices)
DECISION = dict(Decision.choices)
KIND_LABEL = dict(ApplicantKind.choices)


def export_list(request, *, today: date | None = None):
    """The download of the list the page shows (its query string, the requester's scope)."""
    today = today or timezone.localdate()
    query = request.GET.copy()
    for key in ("export", "cursor"):
        query.pop(key, None)
    params = {"query": query.urlencode(), "today": today.isoformat()}
    rows = selectors.listed_cases(request.user, query).count()
    return exports.respond(request, kind=KIND, title=TITLE, file_name=f"{TITLE}（{today.isoformat()}）.xlsx",
                           params=params, rows=rows)


def ledger_rows(cases: QuerySet, today: date) -> Iterator[list]:
    """One list of cells per case, in the list's order (newest number first), a chunk of values() at a time:
    no model instances, no query per row."""
    assert selectors.LIST_ORDER == ["-number"], "the keyset below walks the list's order"
    rows = (cases.annotate(is_overdue=ExpressionWrapper(selectors.overdue_q(today), output_field=BooleanField()))
            .order_by("-number").values(*FIELDS))
    last = None
    while True:
        chunk = list((rows.filter(number__lt=last) if last is not None else rows)[:CHUNK])
        for row in chunk:
            yield _cells(row)
        if len(chunk) < CHUNK:
            return
        last = chunk[-1]["number"]


def _cells(row: dict) -> list:
    yes = lambda flag: "是" if flag else ""  # noqa: E731
    accepted = row["accepted_on"]
    return [
        row["number"], "一件事" if row["bundle_id"] else "事项", row["title"], row["applicant_name"],
        KIND_LABEL.get(row["applicant_kind"], ""),
        privacy.mask_applicant_id(row["applicant_kind"], row["id_type"], row["id_number"]),
        mask_phone(row["phone"]), row["agent_name"], row["intake_window__name"], row["intake_unit__name"],
        STATUS.get(row["status"], row["status"]), row["received_on"],
        f"{accepted.isoformat()}（视为受理）" if accepted and row["deemed_accepted"] else accepted,
        row["decided_on"], row["closed_on"], row["budget_workdays"] or None, row["due_date"], yes(row["is_overdue"]),
        yes(row["accepted_with_pending"]), row["pending_due_date"], yes(row["pending_overdue"]),
        DECISION.get(row["decision"], ""),
    ]


def write_ledger(export, target, progress) -> int:
    """The exporter registered for KIND (apps.py): on the worker as in the request, the rows its requester's
    page showed."""
    today = date.fromisoformat(export.params["today"])
    cases = selectors.listed_cases(export.by, QueryDict(export.params["query"]))
    return exports_table(target, ledger_rows(cases, today), today=today, progress=progress)


def exports_table(target, rows, *, today: date, progress=None) -> int:
    from tongban.documents.excel import streamed_table

    return streamed_table(target, sheet_title=TITLE, title=f"{TITLE}（截至{today.isoformat()}）",
                          headers=[h for h, _ in COLUMNS], widths=[w for _, w in COLUMNS], rows=rows,
                          progress=progress)
