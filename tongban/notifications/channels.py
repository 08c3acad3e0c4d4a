"""Messages where people read them: 企业微信 / 钉钉 group robots and an SMS gateway, configured per unit.

`notify()` calls `queue_for(users, …)` inside its transaction: each active channel of a recipient's unit gets one
`ChannelDelivery` (robots mention the unit's recipients by phone; SMS goes to their phones). After the commit the
Huey worker sends them (`tasks.deliver_channel_messages`); a channel that is down or answers with an error leaves
the delivery pending with its error and the next attempt time, and `retry_due()` (every five minutes, and the
daily job `notifications.retry_channels`) tries again with growing pauses, up to MAX_ATTEMPTS. Nothing here ever
runs in the request that notified, and a failing channel never stops the inbox or email.

The wire formats:
- 企业微信群机器人: POST {"msgtype": "text", "text": {"content": …, "mentioned_mobile_list": [...]}} to the
  webhook; success is {"errcode": 0}.
- 钉钉群机器人: POST {"msgtype": "text", "text": {"content": …}, "at": {"atMobiles": [...]}}; with a 加签 secret
  the URL carries timestamp and sign = base64(HMAC-SHA256(secret, "timestamp\\nsecret")); success {"errcode": 0}.
- SMS gateway (tongban's interface; a county points it at its provider or a small relay): POST
  {"phones": [...], "content": …} with `Authorization: Bearer <secret>`; any 2xx answer is success.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tongban.core.text import shorten
from tongban.jobs.queue import enqueue_on_commit
from tongban.notifications.choices import ChannelKind, DeliveryStatus
from tongban.notifications.models import Channel, ChannelDelivery

logger = logging.getLogger("tongban.notifications")

MAX_ATTEMPTS = 6  # 5 min, 10 min, 20 min, 40 min, 80 min: then it is given up and shown as failed
FIRST_PAUSE = timedelta(minutes=5)
LEASE = timedelta(minutes=2)  # a worker that claimed a delivery has this long before another may take it
ROBOT_TITLE_LIMIT = 60
SMS_TITLE_LIMIT = 40  # an SMS segment holds 70 Chinese characters: the title, then the link


class ChannelError(Exception):
    """The channel did not take the message; the text is recorded on the delivery."""


def queue_for(user_ids, *, title: str, body: str = "", link: str = "", dedupe_key: str | None = None) -> list[int]:
    """Write one delivery per active channel of the recipients' units (inside the caller's transaction) and
    have the worker send them after the commit. Returns the ids written."""
    return queue_many([(user_ids, title, body, link, dedupe_key)])


def queue_many(messages) -> list[int]:
    """`queue_for` for many messages — (user_ids, title, body, link, dedupe_key) each — in a fixed number of
    queries: the recipients' units and phones, the units' channels, the inserts, the ids written."""
    from tongban.org.models import Staff

    messages = [(set(user_ids), title, body, link, key) for user_ids, title, body, link, key in messages if user_ids]
    if not messages:
        return []
    all_ids = set().union(*(ids for ids, *_ in messages))
    people = list(Staff.objects.filter(user_id__in=list(all_ids), is_active=True).values_list("user_id", "unit_id", "phone"))
    channels_by_unit: dict[int, list[Channel]] = {}
    for channel in Channel.objects.filter(is_active=True, unit_id__in={unit_id for _, unit_id, _ in people}):
        channels_by_unit.setdefault(channel.unit_id, []).append(channel)
    if not channels_by_unit:
        return []
    rows, keys = [], set()
    for ids, title, body, link, dedupe_key in messages:
        phones_by_unit: dict[int, list[str]] = {}
        for user_id, unit_id, phone in people:
            if user_id in ids:
                phones = phones_by_unit.setdefault(unit_id, [])
                if phone and phone not in phones:
                    phones.append(phone)
        # Every message gets a key, so the rows written can be read back (bulk_create ignoring conflicts sets no ids).
        key = dedupe_key if dedupe_key is not None else f"notify:{uuid.uuid4().hex}"
        keys.add(key)
        rows += [
            ChannelDelivery(channel=channel, title=title[:200], body=body, link=link, dedupe_key=key,
                            phones=phones_by_unit.get(unit_id, []))
            for unit_id in phones_by_unit for channel in channels_by_unit.get(unit_id, [])
            if channel.kind != ChannelKind.SMS or phones_by_unit.get(unit_id)
        ]
    ChannelDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    channels = [channel for unit_channels in channels_by_unit.values() for channel in unit_channels]
    ids = list(ChannelDelivery.objects.filter(channel__in=channels, dedupe_key__in=keys, status=DeliveryStatus.PENDING,
                                              attempts=0).values_list("pk", flat=True))
    if ids:
        enqueue_deliveries(ids)
    return ids


def enqueue_deliveries(ids: list[int]) -> None:
    """Send `ids` on the worker once the transaction commits; a queue that is down leaves them to
    `retry_channel_messages`."""
    from tongban.notifications.tasks import deliver_channel_messages

    enqueue_on_commit(deliver_channel_messages, ids)


def deliver(ids: list[int] | None = None, *, now=None) -> dict:
    """Send the pending deliveries `ids` (or every one that is due) whose next attempt has come. Each is
    claimed first with a conditional update, so two workers never send the same message twice."""
    now = now or timezone.now()
    due = ChannelDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    sent = failed = 0
    for delivery in due.select_related("channel").order_by("next_attempt_at", "pk")[:500]:
        claimed = ChannelDelivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, next_attempt_at=delivery.next_attempt_at,
        ).update(next_attempt_at=now + LEASE)
        if not claimed:
            continue
        if _send_one(delivery, now):
            sent += 1
        else:
            failed += 1
    return {"sent": sent, "failed": failed}


def retry_due(now=None) -> dict:
    """What the retry job does: send every pending delivery whose next attempt has come."""
    result = deliver(None, now=now)
    result["given_up"] = ChannelDelivery.objects.filter(status=DeliveryStatus.FAILED).count()
    return result


def _send_one(delivery: ChannelDelivery, now) -> bool:
    channel = delivery.channel
    attempts = delivery.attempts + 1
    try:
        SENDERS[channel.kind](channel, delivery)
    except Exception as exc:  # a channel's answer, a refused connection, a timeout: all recorded alike
        error = str(exc) if isinstance(exc, ChannelError) else f"{type(exc).__name__}: {exc}"
        gave_up = attempts >= MAX_ATTEMPTS
        ChannelDelivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts, last_error=error[:2000],
            status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
            next_attempt_at=now + FIRST_PAUSE * (2 ** (attempts - 1)),
        )
        logger.warning("channel %s: message %s not delivered (attempt %d): %s", channel.pk, delivery.pk, attempts,
                       error)
        return False
    ChannelDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    return True


# --- the wire -------------------------------------------------------------------------------------------------

def _text(delivery: ChannelDelivery, limit: int | None = None) -> str:
    from tongban.notifications.services import _absolute

    title = shorten(delivery.title, limit or ROBOT_TITLE_LIMIT)
    parts = [f"【通办】{title}"]
    if delivery.body and limit is None:
        parts.append(delivery.body)
    if delivery.link:
        parts.append(f"查看详情：{_absolute(delivery.link)}")
    return "\n".join(parts)


def _post(url: str, payload: dict, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode(), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    timeout = getattr(settings, "CHANNEL_TIMEOUT", 5)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (an administrator's URL)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code}：{exc.read()[:300].decode(errors='replace')}") from exc


def _robot_answer(status: int, content: bytes) -> None:
    try:
        answer = json.loads(content or b"{}")
    except ValueError:
        raise ChannelError(f"HTTP {status}：应答不是 JSON：{content[:200].decode(errors='replace')}")
    if answer.get("errcode", 0) != 0:
        raise ChannelError(f"errcode {answer.get('errcode')}：{answer.get('errmsg', '')}")


def send_wecom(channel: Channel, delivery: ChannelDelivery) -> None:
    payload = {"msgtype": "text", "text": {"content": _text(delivery), "mentioned_mobile_list": delivery.phones}}
    _robot_answer(*_post(channel.url, payload))


def dingtalk_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The webhook with 加签 (timestamp and sign) when the robot has a secret."""
    if not secret:
        return url
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def send_dingtalk(channel: Channel, delivery: ChannelDelivery) -> None:
    payload = {"msgtype": "text", "text": {"content": _text(delivery)}, "at": {"atMobiles": delivery.phones}}
    _robot_answer(*_post(dingtalk_url(channel.url, channel.secret), payload))


def send_sms(channel: Channel, delivery: ChannelDelivery) -> None:
    headers = {"Authorization": f"Bearer {channel.secret}"} if channel.secret else {}
    status, content = _post(channel.url, {"phones": delivery.phones, "content": _text(delivery, SMS_TITLE_LIMIT)}, headers)
    if not 200 <= status < 300:
        raise ChannelError(f"HTTP {status}：{content[:300].decode(errors='replace')}")


SENDERS = {ChannelKind.WECOM: send_wecom, ChannelKind.DINGTALK: send_dingtalk, ChannelKind.SMS: send_sms}
