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


# --- message channels of the units (企业微信 / 钉钉 robots, SMS gateway) -----------------------------------------

def _channels_of(user):
    from tongban.notifications.models import Channel

    return Channel.objects.visible_to(user).select_related("unit")


@login_required
def channel_list(request):
    """The channels of the units the reader may see; those they may change can add, edit and test them."""
    from tongban.notifications.forms import ChannelForm
    from tongban.notifications.models import ChannelDelivery

    channels = [(c, request.user.has_perm("notifications.manage_channels", c.unit)) for c in _channels_of(request.user)]
    form = ChannelForm(request.POST or None, user=request.user,
                       initial={"unit": request.GET.get("unit") or None})
    if request.method == "POST":
        if form.is_valid():
            channel = form.save()
            messages.success(request, f"已添加消息渠道：{channel}。可以先发送一条测试消息。")
            return redirect("notifications:channels")
    first_unit = form.fields["unit"].queryset.first()  # the reader's own scope: may they change its top unit?
    can_add = first_unit is not None and request.user.has_perm("notifications.manage_channels", first_unit)
    recent = ChannelDelivery.objects.filter(channel__in=[c for c, _ in channels]).select_related("channel__unit")[:30]
    return render(request, "notifications/channels.html", {
        "channels": channels, "form": form if can_add else None, "deliveries": recent,
    })


@login_required
def channel_edit(request, pk: int):
    from django.core.exceptions import PermissionDenied

    from tongban.notifications.forms import ChannelForm

    channel = get_visible_or_404(_channels_of(request.user), request.user, pk=pk)
    if not request.user.has_perm("notifications.manage_channels", channel.unit):
        raise PermissionDenied
    form = ChannelForm(request.POST or None, instance=channel, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "已保存。")
        return redirect("notifications:channels")
    return render(request, "notifications/channel_form.html", {"form": form, "channel": channel})


@login_required
@require_POST
def channel_test(request, pk: int):
    """Queue a test message to one channel; the worker sends it and the list shows whether it arrived."""
    from django.core.exceptions import PermissionDenied

    from tongban.notifications import channels as channel_service
    from tongban.notifications.models import ChannelDelivery

    channel = get_visible_or_404(_channels_of(request.user), request.user, pk=pk)
    if not request.user.has_perm("notifications.manage_channels", channel.unit):
        raise PermissionDenied
    delivery = ChannelDelivery.objects.create(
        channel=channel, title=f"测试消息：{channel.unit.name}的消息渠道已接通", link="/workbench/",
        phones=[p for p in [getattr(getattr(request.user, "staff", None), "phone", "")] if p],
    )
    channel_service.enqueue_deliveries([delivery.pk])
    messages.info(request, "测试消息已交给后台发送，稍后刷新本页查看是否送达。")
    return redirect("notifications:channels")
