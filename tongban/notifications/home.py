"""The inbox's section of the 工作台: the latest unread messages (registered with `tongban.core.home`)."""
from __future__ import annotations

from datetime import date

from django.urls import reverse

from tongban.core.home import HomeContent, HomeSection, register
from tongban.notifications.models import Notification

SHOWN = 6


def unread_messages(request, today: date) -> HomeContent:
    unread = Notification.objects.visible_to(request.user).unread()
    return HomeContent(unread.count(), {"messages": list(unread[:SHOWN])},
                       more_link=reverse("notifications:inbox") + "?show=unread")


def register_sections() -> None:
    register(HomeSection(
        "notifications.unread", "未读消息", "notifications/home/_unread.html", unread_messages,
        empty="提醒、销号申请、退回和逾期通知会作为消息出现在这里，同时发到您的邮箱和单位的工作群。眼下没有未读消息。",
        order=60, icon="bi-bell",
    ))
