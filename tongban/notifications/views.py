"""The inbox: a user's own messages, read one by one (htmx) or all at once."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tongban.notifications import services
from tongban.notifications.models import Notification
from tongban.org.scopes import get_visible_or_404


@login_required
def inbox(request):
    mine = Notification.objects.visible_to(request.user)
    show_unread = request.GET.get("show") == "unread"
    page = Paginator(mine.unread() if show_unread else mine, 50).get_page(request.GET.get("page"))
    params = "show=unread" if show_unread else ""
    return render(request, "notifications/inbox.html", {"page": page, "params": params, "show_unread": show_unread})


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = services.mark_read(get_visible_or_404(Notification, request.user, pk=pk), by=request.user)
    if request.htmx:
        context = {"n": notification, "unread_count": services.unread_count(request.user)}
        return render(request, "notifications/_read_response.html", context)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    messages.success(request, f"已将 {count} 条消息标为已读。" if count else "没有未读消息。")
    return redirect("notifications:inbox")


@login_required
def open_message(request, pk: int):
    """Follow a message's link, marking it read on the way (only links inside this site)."""
    notification = services.mark_read(get_visible_or_404(Notification, request.user, pk=pk), by=request.user)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:inbox")
