"""Notifications: an in-app inbox plus email through Django's email backend.

    notify([user], title="整改任务即将到期", link=measure.get_absolute_url(), code="measure.due_soon",
           dedupe_key=f"measure.due_soon:{measure.pk}:{day}")

Email goes out after the surrounding transaction commits (nothing is mailed for work that rolled
back), to the user's address or, when the login has none, to their Staff record's address.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from tongban.core.error_codes import ErrorCode, service_error
from tongban.core.text import shorten
from tongban.notifications.models import EmailDigest, Notification

logger = logging.getLogger("tongban.notifications")

SUBJECT_PREFIX = "【通办】"
DIGEST_LIMIT = 20  # messages listed in one digest; the rest are counted
READ_RETENTION_DAYS = 180


@dataclass(frozen=True)
class Message:
    """One message for several recipients (user objects or ids), as `notify` takes it."""

    recipients: Iterable
    title: str
    body: str = ""
    link: str = ""
    code: str = ""
    dedupe_key: str | None = None


def notify(recipients: Iterable, *, title: str, body: str = "", link: str = "", code: str = "",
           dedupe_key: str | None = None, email: bool = True, channels: bool = True) -> int:
    """Put a message in each recipient's inbox, (after commit) email those with an address, and post it to the
    group robots / SMS gateways of their units (`notifications.channels`, sent and retried by the worker).

    `dedupe_key` makes the call idempotent per recipient: a job that runs twice notifies once.
    Returns how many inbox messages were created.
    """
    return notify_many([Message(recipients, title, body, link, code, dedupe_key)], email=email, channels=channels)


def notify_many(messages: Iterable[Message], *, email: bool = True, channels: bool = True) -> int:
    """Many messages at once (a job's reminders to hundreds of units): the same as one `notify` per
    message, in a fixed number of queries — one for the recipients, one for the dedupe keys already
    used, the inserts in batches, the units' group robots / SMS gateways (`channels.queue_many`) — and one
    batch of emails after commit."""
    wanted = []
    for message in messages:
        ids = {getattr(recipient, "pk", recipient) for recipient in message.recipients if recipient is not None}
        if ids:
            wanted.append((message, ids))
    if not wanted:
        return 0
    all_ids = set().union(*(ids for _, ids in wanted))
    addresses = {
        pk: own or staff
        for pk, own, staff in get_user_model().objects.filter(pk__in=all_ids, is_active=True)
        .values_list("pk", "email", "staff__email")
    }
    keys = {message.dedupe_key for message, _ in wanted if message.dedupe_key is not None}
    with transaction.atomic():
        already = set()
        if keys:
            already = set(Notification.objects.filter(dedupe_key__in=keys, recipient_id__in=all_ids)
                          .values_list("recipient_id", "dedupe_key"))
        rows, mails, deliveries = [], [], []
        for message, ids in wanted:
            users = sorted(pk for pk in ids if pk in addresses and (pk, message.dedupe_key) not in already)
            already.update((pk, message.dedupe_key) for pk in users if message.dedupe_key is not None)
            rows += [Notification(recipient_id=pk, title=shorten(message.title, 200), body=message.body,
                                  link=message.link, code=message.code, dedupe_key=message.dedupe_key) for pk in users]
            if users:
                deliveries.append((users, message.title, message.body, message.link, message.dedupe_key))
            to = sorted({addresses[pk] for pk in users if addresses[pk]})
            if email and to:
                text = _email_text(message.body, message.link)
                mails += [(address, message.title, text) for address in to]
        # ignore_conflicts: a concurrent call with the same dedupe_key loses quietly to the unique index.
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        if channels and deliveries:
            from tongban.notifications.channels import queue_many

            queue_many(deliveries)
        if mails:
            transaction.on_commit(lambda: _send([_message(*mail) for mail in mails]), robust=True)
    return len(rows)


@transaction.atomic
def mark_read(notification: Notification, *, by) -> Notification:
    """Mark one message read; only its recipient may (the first read time is kept)."""
    if notification.recipient_id != getattr(by, "pk", None):
        raise service_error(ErrorCode.NOT_PERMITTED)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(user) -> int:
    """Mark every unread message of `user` read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.visible_to(user).unread().count()


def send_weekly_digests(period_key: date, *, progress: Callable[[int, int], None] | None = None) -> dict:
    """Email each active user with unread messages one digest of them for the week `period_key`.

    At most one digest per user per week (EmailDigest): a re-run after a failure (SMTP down
    half-way) mails only those not yet mailed. Users with no address anywhere are counted, not mailed.
    """
    User = get_user_model()
    already = EmailDigest.objects.filter(period_key=period_key)
    already_sent = already.count()
    candidates = list(
        User.objects.filter(is_active=True)
        .exclude(pk__in=already.values("recipient_id"))
        .annotate(unread=Count("notifications", filter=Q(notifications__read_at__isnull=True)))
        .filter(unread__gt=0)
        .values_list("pk", "email", "staff__email", "unread")
        .order_by("pk")
    )
    mailable = [(pk, own or staff, unread) for pk, own, staff, unread in candidates if own or staff]
    latest: dict[int, list[Notification]] = {pk: [] for pk, _, _ in mailable}
    ranked = (
        Notification.objects.filter(recipient_id__in=list(latest), read_at__isnull=True)
        .annotate(rank=Window(RowNumber(), partition_by=[F("recipient_id")],
                              order_by=[F("created_at").desc(), F("pk").desc()]))
        .filter(rank__lte=DIGEST_LIMIT)
        .order_by("recipient_id", "rank")
    )
    for message in ranked:
        latest[message.recipient_id].append(message)

    connection = get_connection()
    for done, (pk, address, unread) in enumerate(mailable, start=1):
        subject = f"每周消息摘要：您有 {unread} 条未读消息"
        # Claim first (committed at once, unique per user and week), then send outside any transaction so
        # a slow mail server never holds the database's write lock; a failed send releases the claim so a
        # re-run retries that user. A crash between the two means at most one missed digest, never two.
        digest = EmailDigest.objects.create(recipient_id=pk, period_key=period_key, message_count=unread)
        try:
            connection.send_messages([_message(address, subject, _digest_text(latest[pk], unread))])
        except Exception:
            digest.delete()
            raise
        if progress and (done % 10 == 0 or done == len(mailable)):
            progress(done, len(mailable))
    return {
        "sent": len(mailable),
        "without_email": len(candidates) - len(mailable),
        "already_sent": already_sent,
    }


def purge_read(before: date) -> dict:
    """Delete messages read before the start of `before` (Asia/Shanghai) and older digest records,
    each in one DELETE."""
    cutoff = datetime.combine(before, time.min, tzinfo=timezone.get_current_timezone())
    with transaction.atomic():
        messages, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
        digests, _ = EmailDigest.objects.filter(period_key__lt=before).delete()
    return {"deleted": messages, "digests_deleted": digests, "before": before.isoformat()}


def retention_cutoff(for_date: date) -> date:
    return for_date - timedelta(days=READ_RETENTION_DAYS)


def _absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.SITE_URL.rstrip("/") + "/" + link.lstrip("/")


def _email_text(body: str, link: str) -> str:
    parts = [body] if body else []
    if link:
        parts.append(f"查看详情：{_absolute(link)}")
    parts.append("—— 本邮件由通办系统自动发送，请勿直接回复。")
    return "\n\n".join(parts)


def _digest_text(messages: list[Notification], unread: int) -> str:
    local = timezone.localtime
    lines = [f"您在通办系统中有 {unread} 条未读消息：", ""]
    for message in messages:
        line = f"· {local(message.created_at):%m-%d %H:%M}  {message.title}"
        lines.append(f"{line}  {_absolute(message.link)}" if message.link else line)
    if unread > len(messages):
        lines.append(f"……另有 {unread - len(messages)} 条未列出。")
    lines += ["", f"登录查看全部消息：{_absolute('/inbox/')}", "", "—— 本邮件由通办系统自动发送，请勿直接回复。"]
    return "\n".join(lines)


def _message(address: str, subject: str, text: str) -> EmailMessage:
    return EmailMessage(subject=SUBJECT_PREFIX + shorten(subject, 120), body=text, to=[address])


def _send(messages: list[EmailMessage]) -> None:
    """Runs after commit; a mail server that is down must not break the request or job that notified."""
    try:
        get_connection().send_messages(messages)
    except Exception:
        logger.exception("could not send %d notification email(s)", len(messages))
