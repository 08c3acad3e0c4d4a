"""项目台账: the project ledger (/projects/) as Excel, with the page's scope and filters (`selectors.listed_projects`),
through `documents.exports` (registered as `projects.ledger` in apps.py: above EXPORT_ASYNC_ROWS the worker
writes it). Rows are read with values() in chunks in the list's keyset order; the working days used come from
one query per chunk (`selectors.elapsed_by_project`)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Q, QuerySet
from django.http import QueryDict

from tongban.documents import exports
from tongban.projects import selectors
from tongban.projects.choices import ProjectKind, Stage
from tongban.projects.models import ProjectSettings

KIND = "projects.ledger"
TITLE = "工程建设项目台账"
CHUNK = 500

COLUMNS = [("项目代码", 24), ("项目名称", 30), ("建设单位", 26), ("统一社会信用代码", 22), ("建设地点", 24),
           ("项目类型", 10), ("总投资（万元）", 14), ("绿色通道", 8), ("已取得用地", 8), ("当前阶段", 16),
           ("当前阶段办件", 22), ("已用工作日", 10), ("全流程目标（工作日）", 12), ("登记日期", 14)]
FIELDS = ("pk", "code", "name", "builder_name", "builder_credit_code", "location", "kind", "investment",
          "green_channel", "land_secured", "current_stage", "current_case_number", "registered_on")
KIND_LABEL = dict(ProjectKind.choices)


def export_list(request, *, today: date):
    query = request.GET.copy()
    for key in ("export", "cursor"):
        query.pop(key, None)
    rows = selectors.listed_projects(request.user, query).count()
    return exports.respond(request, kind=KIND, title=TITLE, file_name=f"{TITLE}（{today.isoformat()}）.xlsx",
                           params={"query": query.urlencode(), "today": today.isoformat()}, rows=rows)


def ledger_rows(projects: QuerySet, today: date) -> Iterator[list]:
    assert selectors.LIST_ORDER == ["-registered_on", "-pk"], "the keyset below walks the list's order"
    target = ProjectSettings.load().target_workdays
    rows = projects.order_by(*selectors.LIST_ORDER).values(*FIELDS)
    last = None
    while True:
        page = rows if last is None else rows.filter(Q(registered_on__lt=last[0]) | Q(registered_on=last[0], pk__lt=last[1]))
        chunk = list(page[:CHUNK])
        elapsed = selectors.elapsed_by_project([r["pk"] for r in chunk], today)
        for r in chunk:
            yield [r["code"], r["name"], r["builder_name"], r["builder_credit_code"], r["location"],
                   KIND_LABEL.get(r["kind"], ""), r["investment"], "是" if r["green_channel"] else "",
                   "是" if r["land_secured"] else "否", Stage(r["current_stage"]).label if r["current_stage"] else "未申请",
                   r["current_case_number"] or "", elapsed.get(r["pk"], 0), target, r["registered_on"]]
        if len(chunk) < CHUNK:
            return
        last = (chunk[-1]["registered_on"], chunk[-1]["pk"])


def write_ledger(export, target, progress) -> int:
    from tongban.documents.excel import streamed_table

    today = date.fromisoformat(export.params["today"])
    projects = selectors.listed_projects(export.by, QueryDict(export.params["query"]))
    return streamed_table(target, sheet_title=TITLE, title=f"{TITLE}（截至{today.isoformat()}）",
                          headers=[h for h, _ in COLUMNS], widths=[w for _, w in COLUMNS],
                          rows=ledger_rows(projects, today), progress=progress)
