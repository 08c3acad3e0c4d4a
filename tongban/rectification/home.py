"""The rectification loop's sections of the 工作台 (registered with `tongban.core.home` at start-up).

Each section is one person's work: what waits for their sign-off, their unit's measures that are overdue or
fall due soon, evidence still to add, 回头看 due, and, for those who read the whole county, its picture.
Overdue and due dates come from `Measure.objects.with_overdue()` / `.overdue()` and the buckets from
`selectors`, so the home page counts exactly as the dashboard, the lists and the 公文 do. Who may sign off
and who may schedule 回头看 is asked of the django-rules permissions (`rectification/rules.py`).
"""
from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from tongban.core.home import HomeContent, HomeSection, register
from tongban.org.scopes import scope_for
from tongban.rectification import selectors
from tongban.rectification.choices import MeasureStatus
from tongban.rectification.models import Evidence, Measure, Revisit
from tongban.rectification.todo import SIGNOFF_PERM, awaiting_signoff_for

SHOWN = 8  # rows per section; the rest are behind "查看全部"
DUE_SOON_DAYS = 14  # "due soon": falls due within the next two weeks
REVISIT_CANDIDATES = 200  # 回头看 checked against the rule per page view


def my_measures(user) -> QuerySet[Measure]:
    """The measures of the person's unit: for a unit or township user everything in their scope (their unit,
    below it, and what they are in charge of); for a county-wide role only those their own unit is on, or
    where they are the responsible leader or person (the county's picture is a section of its own)."""
    scope = scope_for(user)
    measures = Measure.objects.visible_to(user)
    if not scope.everything:
        return measures
    if not scope.staff_id:
        return measures.none()
    mine = Q(unit_roles__unit_id=scope.unit_id) | Q(responsible_leader_id=scope.staff_id) | Q(
        responsible_person_id=scope.staff_id)
    return measures.filter(pk__in=Measure.objects.filter(mine).values("pk"))


def _has_unit(request) -> bool:
    return bool(scope_for(request.user).unit_id)


def _rows(measures: QuerySet[Measure]) -> list[Measure]:
    return list(measures.select_related("lead_unit")[:SHOWN])


# --- 待我审核销号 -------------------------------------------------------------------------------------

def awaiting_my_signoff(request, today: date) -> HomeContent | None:
    """Measures that asked for 销号 and that this person may sign off: `todo.awaiting_signoff_for` (the
    django-rules permission and the scope layer, never their own requests), the same list as /rectification/signoff/."""
    if not request.user.has_perm(SIGNOFF_PERM):
        return None
    waiting = awaiting_signoff_for(request.user).with_overdue(today).select_related("lead_unit", "submitted_by")
    return HomeContent(waiting.count(), {"measures": list(waiting[:SHOWN]), "show": "submitted"},
                       more_link=reverse("rectification:signoff_list"),
                       empty_link=reverse("rectification:dashboard"), empty_action="看整改总览")


# --- 本单位：已逾期 / 即将到期 ------------------------------------------------------------------------------

def my_overdue(request, today: date) -> HomeContent | None:
    """Overdue, and ongoing measures past a checkpoint not reported (marked 时间节点), as the overdue list."""
    if not _has_unit(request):
        return None
    overdue = my_measures(request.user).past_due(today).with_overdue(today).order_by("due_date", "pk")
    rows = _rows(overdue)
    for measure in rows:
        measure.days_overdue = (today - measure.due_date).days
    return HomeContent(overdue.count(), {"measures": rows, "show": "overdue"},
                       more_link=reverse("rectification:overdue"))


def my_due_soon(request, today: date) -> HomeContent | None:
    """Not yet overdue, not done, and due within DUE_SOON_DAYS (ongoing measures by their next checkpoint)."""
    if not _has_unit(request):
        return None
    buckets = selectors.bucket_q()
    soon = (
        my_measures(request.user).with_overdue(today).filter(buckets["open"] | buckets["ongoing"])
        .filter(due_date__gte=today, due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
        .order_by("due_date", "pk")
    )
    rows = _rows(soon)
    for measure in rows:
        measure.days_left = (measure.due_date - today).days
    return HomeContent(soon.count(), {"measures": rows, "show": "due"},
                       more_link=reverse("rectification:list", args=["tasks"]))


# --- 待补佐证材料 ----------------------------------------------------------------------------------------

def evidence_to_add(request, today: date) -> HomeContent | None:
    """Measures being worked on that cannot ask for 销号 yet for want of evidence: none at all, or none since
    they were returned or reopened (the precondition of `services.submit_for_signoff`)."""
    if not _has_unit(request):
        return None
    any_evidence = Evidence.objects.filter(update__measure=OuterRef("pk"))
    fresh_evidence = any_evidence.filter(created_at__gt=OuterRef("rework_since"))
    buckets = selectors.bucket_q()
    working = buckets["open"] | buckets["ongoing"]
    wanting = (
        my_measures(request.user).filter(working).exclude(status__in=[MeasureStatus.PENDING_SIGNOFF,
                                                                      MeasureStatus.NOT_STARTED])
        .annotate(has_evidence=Exists(any_evidence), has_fresh=Exists(fresh_evidence))
        .filter(Q(has_evidence=False) | Q(rework_since__isnull=False, has_fresh=False))
        .with_overdue(today).order_by("due_date", "pk")
    )
    rows = _rows(wanting)
    return HomeContent(wanting.count(), {"measures": rows, "show": "evidence"})


# --- 回头看 -----------------------------------------------------------------------------------------------

def revisits_due(request, today: date) -> HomeContent | None:
    """回头看 planned up to DUE_SOON_DAYS ahead and not yet done, for those who may record them."""
    user = request.user
    pending = (
        Revisit.objects.visible_to(user).filter(done_date__isnull=True,
                                                scheduled_date__lte=today + timedelta(days=DUE_SOON_DAYS))
        .select_related("measure", "measure__lead_unit").order_by("scheduled_date", "pk")
    )
    rows = [r for r in pending[:REVISIT_CANDIDATES] if user.has_perm("rectification.manage_revisits", r.measure)]
    if not rows and not user.has_perm("rectification.manage_revisits"):
        return None
    for revisit in rows:
        revisit.is_late = revisit.scheduled_date < today
    return HomeContent(len(rows), {"revisits": rows[:SHOWN]})


# --- 全县整改情况（领导） ------------------------------------------------------------------------------------

def county_picture(request, today: date) -> HomeContent | None:
    """The county's buckets, completion by lead unit and sign-offs per week: for those who read county-wide
    figures (the same permission as the 月通报)."""
    if not request.user.has_perm("rectification.view_bulletins"):
        return None
    measures = Measure.objects.visible_to(request.user).with_overdue(today)
    buckets = selectors.measure_buckets(measures, today)
    charts = {
        "labels": selectors.BUCKET_LABELS,
        "by_unit": selectors.completion_by_unit(measures)[:15],
        "trend": selectors.verified_per_week(measures, today),
    }
    return HomeContent(buckets.total, {"buckets": buckets, "charts": charts},
                       more_link=reverse("rectification:dashboard") + "?inspection=all",
                       empty_link=reverse("rectification:import"), empty_action="导入整改台账")


def register_sections() -> None:
    for section in (
        HomeSection("rectification.signoff", "待我审核销号", "rectification/home/_measures.html", awaiting_my_signoff,
                    empty="责任单位申请销号的整改措施会出现在这里，由您审核通过或退回。眼下没有待审核的申请。",
                    order=10, icon="bi-patch-check"),
        HomeSection("rectification.overdue", "本单位已逾期", "rectification/home/_measures.html", my_overdue,
                    empty="本单位牵头或参与的整改措施超过完成时限仍未销号时，会出现在这里。眼下没有逾期的措施。",
                    order=20, icon="bi-exclamation-octagon"),
        HomeSection("rectification.due_soon", "本单位即将到期", "rectification/home/_measures.html", my_due_soon,
                    empty=f"本单位的整改措施在 {DUE_SOON_DAYS} 天内到期（长期坚持的按下一个时间节点）时，会出现在这里。"
                          "先打开整改台账，看看本单位负责哪些措施。",
                    order=30, icon="bi-hourglass-split"),
        HomeSection("rectification.evidence", "待补佐证材料", "rectification/home/_measures.html", evidence_to_add,
                    empty="正在整改、还没有佐证材料（或退回后还没有补充新材料）的措施会出现在这里；"
                          "有了佐证材料才能申请销号。",
                    order=40, icon="bi-paperclip"),
        HomeSection("rectification.revisits", "回头看到期", "rectification/home/_revisits.html", revisits_due,
                    empty=f"已安排、{DUE_SOON_DAYS} 天内到期或已过期未记录的回头看会出现在这里。"
                          "在已销号措施的页面上安排回头看。",
                    order=50, icon="bi-arrow-repeat"),
        HomeSection("rectification.county", "全县整改情况", "rectification/home/_county.html", county_picture,
                    empty="导入或录入巡察反馈的问题和整改措施后，这里会显示全县的完成情况、各单位进度和每周销号数。",
                    order=90, icon="bi-bar-chart", wide=True, scripts=("rectification/dashboard.js",)),
    ):
        register(section)
