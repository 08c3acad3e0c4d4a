"""The rows of the long case lists (办件查询, 收件受理, 待出件, 待审查), built in Python.

A page of 50 rows through the template language was most of a list page's CPU (`tongban bench cases`: about
45 ms of Django per page, the row loop a third of it — each `{{ }}` a context lookup, each filter a call,
each link a `reverse`). Here each row is one f-string with every value escaped (`html.escape`, as the
template's autoescape does), the case link's prefix is reversed once per page, and the markup is the one the
templates made: same cells, classes, badges and text. The templates keep the table head, the empty row and
the pager.
"""
from __future__ import annotations

from datetime import date
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from tongban.cases.choices import CaseStatus, Channel

TITLE_CHARS = 40  # the templates' `truncatechars:40`
_STATUS = {value: str(label) for value, label in CaseStatus.choices}
_CHANNEL = {value: str(label) for value, label in Channel.choices}
_NUMBER_MARK = "0"  # a case number for `reverse`, replaced by each row's own


def _case_url_parts() -> tuple[str, str]:
    """The case page's URL around its number, reversed once per page (`Case.get_absolute_url`)."""
    url = reverse("cases:case_detail", args=[_NUMBER_MARK])
    head, _, tail = url.rpartition(f"/{_NUMBER_MARK}/")
    return f"{head}/", f"/{tail}"


def _cut(text: str) -> str:
    """`|truncatechars:40`: the text unchanged when it is short (nearly always), else Django's cut."""
    return text if len(text) <= TITLE_CHARS else Truncator(text).chars(TITLE_CHARS)


def _day(value: date | None) -> str:
    """`|date:"Y-m-d"`."""
    return value.isoformat() if value else ""


def _number_cell(head: str, tail: str, number: str, priority: bool) -> str:
    green = ' <span class="badge text-bg-success">绿色通道</span>' if priority else ""
    return f'<td class="text-nowrap"><a href="{escape(head + number + tail)}">{escape(number)}</a>{green}</td>'


def case_rows(cases, *, delivery: bool = False, today: date | None = None,
              reviewing: dict[int, list[str]] | None = None) -> SafeString:
    """The <tr> of each case (`selectors.ROW_FIELDS` read, `views._decorate` applied). `delivery`: the 出件期限
    column of 待出件; `reviewing` ({case id: unit names}): the 审查部门 column (`selectors.reviewing_units`)."""
    head, tail = _case_url_parts()
    rows = []
    for c in cases:
        due = _day(c.due_date) or "—"
        cells = [
            _number_cell(head, tail, c.number, c.priority),
            f"<td>{escape(_cut(c.title))}</td><td>{escape(c.applicant_name)}</td>",
            f'<td class="text-nowrap">{escape(c.masked_id)}</td><td class="text-nowrap">{escape(c.masked_phone)}</td>',
            f'<td>{escape(c.intake_window.name)}</td><td class="text-nowrap">{_day(c.received_on)}</td>',
        ]
        if reviewing is not None:
            cells.append(f'<td class="reviewing-units">{escape("、".join(reviewing.get(c.pk, ())))}</td>')
        cells.append(f'<td class="text-nowrap">{due}</td>')
        if delivery:
            late = (' <span class="badge text-bg-danger">出件超期</span>'
                    if c.delivery_due_date and today and c.delivery_due_date < today else "")
            cells.append(f'<td class="text-nowrap delivery-due">{_day(c.delivery_due_date) or "—"}{late}</td>')
        badges = [f'<span class="badge text-bg-{escape(c.status_color)}">{escape(_STATUS.get(c.status, c.status))}</span>']
        if c.channel != Channel.WINDOW:
            badges.append(f'<span class="badge text-bg-light border">{escape(_CHANNEL.get(c.channel, c.channel))}</span>')
        if c.pending_overdue:
            badges.append('<span class="badge text-bg-danger">容缺逾期</span>')
        cells.append(f"<td>{' '.join(badges)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 — every value escaped above


def task_rows(tasks, *, today: date) -> SafeString:
    """The <tr> of each task of 待审查 (`selectors.TASK_ROW_FIELDS` read)."""
    head, tail = _case_url_parts()
    rows = []
    for t in tasks:
        case = t.case
        late = t.due_date is not None and t.due_date < today
        due_class = "text-nowrap text-danger fw-semibold" if late else "text-nowrap"
        rows.append(
            f"<tr>{_number_cell(head, tail, case.number, t.priority)}"
            f"<td>{escape(_cut(t.item.name))}</td><td>{escape(t.unit.name)}</td><td>{escape(case.applicant_name)}</td>"
            f'<td class="text-nowrap">{_day(t.opened_on)}</td>'
            f'<td class="{due_class}">{_day(t.due_date)}{" 超期" if late else ""}</td>'
            f"<td>{escape(_STATUS.get(case.status, case.status))}</td></tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 — every value escaped above

