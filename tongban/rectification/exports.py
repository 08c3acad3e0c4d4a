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
