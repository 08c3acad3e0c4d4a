"""督办单 pages: the list in the reader's scope and one 督办单 with its reply form (the department answers).
The duty page, dashboards and the bulletin are in views.py (another part of issue 11)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.core.paging import keyset_page
from tongban.org.scopes import get_visible_or_404
from tongban.supervision import selectors, services
from tongban.supervision.choices import URGE_STATUS_COLORS, UrgeStatus
from tongban.supervision.models import Urge

STATUS_FILTERS = {"waiting": UrgeStatus.WAITING, "replied": UrgeStatus.REPLIED}


@login_required
def urge_list(request):
    status = request.GET.get("status", "waiting")
    qs = selectors.orders(request.user)
    if status in STATUS_FILTERS:
        qs = qs.filter(status=STATUS_FILTERS[status])
    page = keyset_page(qs, selectors.ORDER_ORDER, request.GET.get("cursor"))
    for urge in page.object_list:
        urge.status_color = URGE_STATUS_COLORS.get(urge.status, "secondary")
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "supervision/orders/list.html", {
        "page": page, "status": status, "params": query.urlencode(), "today": timezone.localdate(),
        "tabs": [("waiting", "待答复"), ("replied", "已答复"), ("all", "全部")],
    })


@login_required
def urge_detail(request, pk: int):
    urge = get_visible_or_404(selectors.orders(request.user), request.user, pk=pk)
    return _detail(request, urge)


def _detail(request, urge: Urge, *, error: str = "", text: str = "", status: int = 200):
    return render(request, "supervision/orders/detail.html", {
        "urge": urge, "status_color": URGE_STATUS_COLORS.get(urge.status, "secondary"),
        "can_reply": urge.status == UrgeStatus.WAITING and services.can_reply(request.user, urge),
        "escalations": urge.escalations.select_related("step").order_by("level"),
        "error": error, "text": text,
    }, status=status)


@login_required
@require_POST
def urge_reply(request, pk: int):
    urge = get_visible_or_404(selectors.orders(request.user), request.user, pk=pk)
    text = request.POST.get("reply", "")
    try:
        services.reply_to_urge(urge, text=text, by=request.user)
    except ValidationError as exc:
        status = 403 if exc.code == "urge_not_responsible" else 400
        return _detail(request, urge, error=" ".join(exc.messages), text=text, status=status)
    messages.success(request, "已答复督办单。")
    return redirect(urge.get_absolute_url())
