"""The case sections of the 工作台 (registered with `tongban.core.home` from apps.py): each person's queue —
the clerk's 待受理 / 补正中, the department's 待审查 (soonest due first), the delivery window's 待出件 — and the
leaders' picture. The rows and counts come from `cases.selectors`, as on the queue pages."""
from __future__ import annotations

from datetime import date

from django.urls import reverse

from tongban.cases import selectors
from tongban.cases.choices import BEFORE_ACCEPTANCE, CaseStatus
from tongban.cases.models import Case
from tongban.core.home import HomeContent, HomeSection, register
from tongban.org.choices import Role
from tongban.org.scopes import scope_for

SHOWN = 8


def intake_section(request, today: date) -> HomeContent | None:
    from tongban.cases.services.intake import intake_windows_for

    if not intake_windows_for(request.user):
        return None
    waiting = selectors.intake_queue(request.user, today).filter(status__in=BEFORE_ACCEPTANCE).order_by("due_date", "pk")
    return HomeContent(waiting.count(), {"cases": list(waiting[:SHOWN]), "today": today, "show": "intake"},
                       more_link=reverse("cases:intake_queue"), empty_link=reverse("cases:intake"), empty_action="收件登记")


def review_section(request, today: date) -> HomeContent | None:
    staff = getattr(request.user, "staff", None)
    if staff is None or scope_for(request.user).everything:
        return None
    tasks = selectors.review_queue(request.user).order_by(*selectors.REVIEW_ORDER)
    count = tasks.count()
    if not count and not staff.unit.case_tasks.exists():
        return None
    return HomeContent(count, {"tasks": list(tasks[:SHOWN]), "today": today}, more_link=reverse("cases:review_queue"))


def delivery_section(request, today: date) -> HomeContent | None:
    staff = getattr(request.user, "staff", None)
    if staff is None or staff.window_id is None or staff.window.kind != "delivery":
        return None
    ready = selectors.delivery_queue(request.user).order_by(*selectors.DELIVERY_ORDER)
    return HomeContent(ready.count(), {"cases": list(ready[:SHOWN]), "today": today, "show": "delivery"},
                       more_link=reverse("cases:delivery_queue"))


def leader_section(request, today: date) -> HomeContent | None:
    scope = scope_for(request.user)
    if not (request.user.is_superuser or scope.role in (Role.CENTER_LEADER, Role.SYSTEM_ADMIN, Role.UNIT_HEAD,
                                                        Role.TOWNSHIP_ADMIN, Role.INSPECTOR)):
        return None
    visible = Case.objects.visible_to(request.user)
    counts = selectors.status_counts(visible, per_status=scope.everything)  # bounded (selectors.COUNT_CAP)
    overdue = selectors.bounded_count(visible.filter(selectors.overdue_q(today)))
    due_soon = selectors.bounded_count(visible.filter(selectors.due_soon_q(today)))
    late_delivery = selectors.bounded_count(visible.filter(selectors.delivery_overdue_q(today)))
    late_steps = selectors.bounded_count(selectors.late_steps(visible, today))
    rows = [(CaseStatus(s).label, n) for s, n in counts.items() if n]
    return HomeContent(selectors.Tally.total(counts.values()), {"rows": rows, "overdue": overdue, "due_soon": due_soon,
                                                               "late_delivery": late_delivery, "late_steps": late_steps},
                       more_link=reverse("cases:case_list"))


def extension_section(request, today: date) -> HomeContent | None:
    requests = selectors.extension_requests(request.user).order_by("requested_on", "pk")
    count = requests.count()
    if not count:
        return None
    return HomeContent(count, {"extensions": list(requests[:SHOWN])})


def register_sections() -> None:
    for section in (
        HomeSection("cases.intake", "待受理 / 补正中", "cases/home/_cases.html", intake_section,
                    empty="本窗口收件后尚未受理、或一次性告知后等待补正的办件会出现在这里。",
                    order=60, icon="bi-inbox"),
        HomeSection("cases.review", "待审查", "cases/home/_tasks.html", review_section,
                    empty="受理后分派给本部门的审查任务会出现在这里，到期早的排在前面。", order=61, icon="bi-clipboard-check"),
        HomeSection("cases.delivery", "待出件", "cases/home/_cases.html", delivery_section,
                    empty="审批决定后的办件会出现在这里，由本窗口通知申请人领取。", order=62, icon="bi-box-arrow-up"),
        HomeSection("cases.extensions", "延长审批期限待审批", "cases/home/_extensions.html", extension_section,
                    empty="审查部门申请延长审批期限（行政许可法第四十二条）时会出现在这里。", order=62, icon="bi-hourglass-split"),
        HomeSection("cases.leader", "办件情况", "cases/home/_picture.html", leader_section,
                    empty="窗口收件后，这里会显示可见范围内各状态的办件数、临期和超期件数。", order=63, icon="bi-speedometer2"),
    ):
        register(section)
