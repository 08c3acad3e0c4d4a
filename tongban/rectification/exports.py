"""The four lists and the overdue list as Excel: streamed, and run on the worker when large.

The page hands over its filters (the query string) and the day; the exporter rebuilds the same rows
from them and the requester's scope — on the worker as in the request — and streams them with
`lists.list_workbook`, a chunk at a time in keyset order.
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from django.http import QueryDict

from tongban.documents import exports
from tongban.rectification.lists import LISTS, OVERDUE_ORDER, ListSpec, list_workbook, overdue_rows

KIND = "rectification.list"
OVERDUE_TITLE = "逾期整改措施"


def export_list(request, spec: ListSpec, rows, *, today: date, overdue: bool = False):
    """The download of a list page, or of the overdue list (`overdue`, in the task list's columns)."""
    title = OVERDUE_TITLE if overdue else spec.title
    query = request.GET.copy()
    for key in ("export", "cursor", "page"):
        query.pop(key, None)
    params = {"list": spec.slug, "overdue": overdue, "query": query.urlencode(), "today": today.isoformat()}
    return exports.respond(request, kind=KIND, title=title, file_name=f"{title}.xlsx", params=params,
                           rows=rows.count())


def write_list(export, target, progress) -> int:
    """The exporter registered for KIND (apps.py): the rows as the requester's page showed them."""
    params = export.params
    spec = LISTS[params["list"]]
    today = date.fromisoformat(params["today"])
    data = QueryDict(params["query"])
    filterset = spec.filterset_class(data or None, queryset=spec.base_queryset(export.by, today),
                                     request=SimpleNamespace(user=export.by))
    if params.get("overdue"):
        rows, ordering = overdue_rows(filterset.strict_qs, today), OVERDUE_ORDER
        title, subtitle = OVERDUE_TITLE, f"逾期，截至{today.isoformat()}"
    else:
        rows, ordering = spec.rows(filterset.strict_qs), spec.ordering
        title, subtitle = spec.title, f"截至{today.isoformat()}"
    return list_workbook(spec, spec.iterate(rows, export.by, ordering=ordering), target, title=title,
                         subtitle=subtitle, progress=progress)


SIGNALS_KIND = "rectification.signals"
SIGNALS_TITLE = "整改提示"
SIGNAL_COLUMNS = (("提示", 18), ("说明", 60), ("整改措施", 40), ("牵头单位", 16), ("巡察", 24), ("措施状态", 10),
                  ("相关措施", 30), ("处理", 12), ("处理人", 10), ("处理时间", 16), ("处理说明", 30), ("仍然存在", 8))


def export_signals(request, data: QueryDict, rows):
    """The signals list as Excel: the page's filters (and the requester's scope) rebuilt by `write_signals`."""
    query = data.copy()
    for key in ("export", "cursor", "page"):
        query.pop(key, None)
    return exports.respond(request, kind=SIGNALS_KIND, title=SIGNALS_TITLE, file_name=f"{SIGNALS_TITLE}.xlsx",
                           params={"query": query.urlencode()}, rows=rows.count())


def write_signals(export, target, progress) -> int:
    from tongban.documents.excel import streamed_table
    from tongban.org.people import person_name
    from tongban.rectification.filtersets import SignalFilterSet
    from tongban.rectification.models import Signal

    filterset = SignalFilterSet(QueryDict(export.params["query"]),
                                queryset=Signal.objects.visible_to(export.by).select_related(
                                    "measure__lead_unit", "measure__finding__inspection", "other_measure",
                                    "decided_by__staff"),
                                request=SimpleNamespace(user=export.by))

    def cells(s):
        decided = s.decided_at.astimezone().strftime("%Y-%m-%d %H:%M") if s.decided_at else ""
        return [s.get_kind_display(), s.sentence, s.measure.text, s.measure.lead_unit.name,
                s.measure.finding.inspection.title if s.measure.finding_id else "", s.measure.get_status_display(),
                s.other_measure.text if s.other_measure_id else "", s.get_status_display(),
                person_name(s.decided_by) if s.decided_by_id else "", decided, s.reason, "是" if s.active else "否"]

    return streamed_table(target, sheet_title=SIGNALS_TITLE, title=SIGNALS_TITLE,
                          headers=[h for h, _ in SIGNAL_COLUMNS], widths=[w for _, w in SIGNAL_COLUMNS],
                          rows=(cells(s) for s in filterset.strict_qs.order_by("-pk").iterator(chunk_size=1000)),
                          progress=progress)
