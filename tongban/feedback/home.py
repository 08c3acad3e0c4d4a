"""工作台 sections (registered from apps.py): the office's 差评 and complaints waiting to be called back and
交办, and the answers awaited from one's own unit; counted in a few queries."""
from __future__ import annotations

from datetime import date

from django.urls import reverse

from tongban.core.home import HomeContent, HomeSection, register
from tongban.feedback.choices import HandlingStatus
from tongban.feedback.models import CallbackItem, Complaint, Rating
from tongban.org.scopes import scope_for


def office_section(request, today: date) -> HomeContent | None:
    if not request.user.has_perm("feedback.manage"):
        return None
    ratings = Rating.objects.filter(handling_status=HandlingStatus.NEW).count()
    answered = (Rating.objects.filter(handling_status=HandlingStatus.ANSWERED).count()
                + Complaint.objects.filter(handling_status=HandlingStatus.ANSWERED).count()
                + CallbackItem.objects.filter(handling_status=HandlingStatus.ANSWERED).count())
    complaints = Complaint.objects.filter(handling_status=HandlingStatus.NEW).count()
    callbacks = CallbackItem.objects.filter(handling_status=HandlingStatus.NEW).count()
    return HomeContent(ratings + complaints + callbacks + answered,
                       {"ratings": ratings, "complaints": complaints, "callbacks": callbacks, "answered": answered},
                       more_link=reverse("feedback:loop"), empty_link=reverse("feedback:loop"),
                       empty_action="打开闭环总览")


def unit_section(request, today: date) -> HomeContent | None:
    scope = scope_for(request.user)
    if scope.is_empty or scope.everything:
        return None
    rows = []
    for model, label in ((Rating, "差评"), (Complaint, "投诉"), (CallbackItem, "回访不满意")):
        for record in (model.objects.filter(handling_status=HandlingStatus.ASSIGNED)
                       .filter(assigned_unit__in=_units(scope)).order_by("due_date", "pk")[:10]):
            rows.append((label, record, record.due_date))
    rows.sort(key=lambda r: (r[2] is None, r[2]))
    return HomeContent(len(rows), {"rows": rows[:10], "today": today})


def loop_panel(request, today: date) -> dict | None:
    """The sources of the one loop on the 整改总览 (rectification.panels)."""
    from tongban.feedback.selectors import loop_sources

    rows, months = loop_sources(request.user, today)
    return {"rows": rows, "months": months}


def _units(scope):
    from tongban.org.models import Unit
    from tongban.org.scopes import scope_q

    return Unit.objects.filter(scope_q(Unit, scope)).values("pk")


def register_sections() -> None:
    register(HomeSection("feedback.office", "好差评、投诉与回访", "feedback/home/_office.html", office_section,
                         empty="差评、投诉、回访不满意来了会出现在这里：先回访，再分类交办。", order=45,
                         icon="bi-emoji-frown"))
    register(HomeSection("feedback.unit", "交办本单位的差评与投诉", "feedback/home/_unit.html", unit_section,
                         empty="差评、投诉、回访不满意交办给本单位时会出现在这里，请在期限内答复整改结果。", order=46,
                         icon="bi-reply"))
