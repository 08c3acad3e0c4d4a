"""企业微信 / 钉钉 group robots and the SMS gateway, each against a real HTTP server on 127.0.0.1 (no mocks):
what goes over the wire, failures recorded and retried by the job, never raised to the caller."""
import base64
import hashlib
import hmac
import socket
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from tongban.notifications import channels, services
from tongban.notifications.choices import DeliveryStatus
from tongban.notifications.models import Channel, ChannelDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def phones(personas):
    from tongban.org.models import Staff

    Staff.objects.filter(user=personas.section_chief).update(phone="13800000001")
    Staff.objects.filter(user=personas.township_admin).update(phone="13800000002")


def notify_chief(personas, django_capture_on_commit_callbacks, **kw):
    """Tell the section chief; run the after-commit work (the worker's send) as the commit would."""
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([personas.section_chief], title=kw.pop("title", "整改措施即将到期"), body="请上传佐证材料。",
                        link="/rectification/measures/7/", **kw)


def test_a_wecom_robot_gets_the_message_mentioning_the_unit_s_people(county, personas, phones, channel_server,
                                                                       django_capture_on_commit_callbacks,
                                                                       huey_immediate):
    Channel.objects.create(unit=county.section, kind="wecom", url=f"{channel_server.url}/cgi-bin/webhook/send?key=K1")

    notify_chief(personas, django_capture_on_commit_callbacks)

    [request] = channel_server.requests
    assert request["url"] == "/cgi-bin/webhook/send?key=K1"
    assert request["json"]["msgtype"] == "text"
    assert request["json"]["text"]["mentioned_mobile_list"] == ["13800000001"]
    assert request["json"]["text"]["content"] == (
        "【通办】整改措施即将到期\n请上传佐证材料。\n查看详情：http://127.0.0.1:8000/rectification/measures/7/")
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 1, "")


def test_a_dingtalk_robot_with_a_secret_gets_a_valid_signature(county, personas, phones, channel_server,
                                                                django_capture_on_commit_callbacks, huey_immediate):
    secret = "SEC0123456789abcdef"
    Channel.objects.create(unit=county.section, kind="dingtalk", url=f"{channel_server.url}/robot/send?access_token=T",
                           secret=secret)

    notify_chief(personas, django_capture_on_commit_callbacks)

    [request] = channel_server.requests
    query = parse_qs(urlsplit(request["url"]).query)
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest())
    assert sign == expected.decode()  # parse_qs has undone the URL encoding of the base64
    assert query["access_token"] == ["T"]
    assert request["json"]["at"] == {"atMobiles": ["13800000001"]}
    assert ChannelDelivery.objects.get().status == DeliveryStatus.SENT


def test_the_sms_gateway_gets_the_phones_a_short_text_and_the_token(county, personas, phones, channel_server,
                                                                     django_capture_on_commit_callbacks,
                                                                     huey_immediate):
    Channel.objects.create(unit=county.section, kind="sms", url=f"{channel_server.url}/sms", secret="TOKEN-abc-123")
    long_title = "申请销号：制定年度工作方案，细化分解为24项具体工作，明确每项工作的责任单位、责任人和完成时限，按月调度"

    notify_chief(personas, django_capture_on_commit_callbacks, title=long_title)

    [request] = channel_server.requests
    assert request["headers"]["Authorization"] == "Bearer TOKEN-abc-123"
    assert request["json"]["phones"] == ["13800000001"]
    first_line = request["json"]["content"].splitlines()[0]
    assert first_line == "【通办】申请销号：制定年度工作方案，细化分解为24项具体工作，明确每项工作的责任单位…"  # not "…责任人和完"
    assert "查看详情：http://127.0.0.1:8000/rectification/measures/7/" in request["json"]["content"]


def test_only_the_channels_of_the_recipients_units_are_used(county, personas, phones, channel_server,
                                                             django_capture_on_commit_callbacks, huey_immediate):
    Channel.objects.create(unit=county.township_a, kind="wecom", url=f"{channel_server.url}/township-a")
    Channel.objects.create(unit=county.section, kind="wecom", url=f"{channel_server.url}/section", is_active=False)

    notify_chief(personas, django_capture_on_commit_callbacks)

    assert channel_server.requests == [] and not ChannelDelivery.objects.exists()


def test_a_failing_channel_is_recorded_and_retried_by_the_job_without_breaking_notify(
        county, personas, phones, channel_server, django_capture_on_commit_callbacks, huey_immediate, user_factory):
    Channel.objects.create(unit=county.section, kind="wecom", url=f"{channel_server.url}/hook")
    channel_server.answers["/hook"] = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})

    notify_chief(personas, django_capture_on_commit_callbacks)  # does not raise

    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error == "errcode 93000：invalid webhook url"
    assert delivery.next_attempt_at > timezone.now() + timedelta(minutes=4)
    assert personas.section_chief.notifications.count() == 1  # the inbox got it all the same

    channel_server.answers["/hook"] = (200, {"errcode": 0, "errmsg": "ok"})
    assert channels.retry_due(now=timezone.now()) == {"sent": 0, "failed": 0, "given_up": 0}  # not due yet
    result = channels.retry_due(now=timezone.now() + timedelta(minutes=6))

    assert result == {"sent": 1, "failed": 0, "given_up": 0}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")
    assert len(channel_server.requests) == 2


def test_a_channel_that_is_down_is_given_up_after_the_last_attempt(county, personas, phones,
                                                                    django_capture_on_commit_callbacks,
                                                                    huey_immediate):
    with socket.socket() as probe:  # a port nobody listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    Channel.objects.create(unit=county.section, kind="sms", url=f"http://127.0.0.1:{port}/sms", secret="x")

    notify_chief(personas, django_capture_on_commit_callbacks)
    later = timezone.now()
    for _ in range(channels.MAX_ATTEMPTS):
        later += timedelta(hours=3)
        channels.retry_due(now=later)

    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, channels.MAX_ATTEMPTS)
    assert "Connection refused" in delivery.last_error or "URLError" in delivery.last_error


def test_the_same_dedupe_key_posts_once_per_channel(county, personas, phones, channel_server,
                                                     django_capture_on_commit_callbacks, huey_immediate):
    Channel.objects.create(unit=county.section, kind="wecom", url=f"{channel_server.url}/hook")

    notify_chief(personas, django_capture_on_commit_callbacks, dedupe_key="weekly:2026-11-23:sec")
    notify_chief(personas, django_capture_on_commit_callbacks, dedupe_key="weekly:2026-11-23:sec")

    assert len(channel_server.requests) == 1


def test_a_unit_manager_configures_a_channel_and_never_sees_the_secrets_again(county, personas, client_for):
    client = client_for(personas.township_admin)

    response = client.post("/inbox/channels/", {
        "unit": county.township_a.pk, "kind": "dingtalk", "name": "城关镇工作群",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789",
        "secret": "SECabcdefghijklmnop", "is_active": "on",
    })
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert (channel.unit, channel.secret) == (county.township_a, "SECabcdefghijklmnop")

    page = client.get("/inbox/channels/").content.decode()
    edit = client.get(f"/inbox/channels/{channel.pk}/").content.decode()
    for html in (page, edit):
        assert "SECabcdefghijklmnop" not in html and "abcdef0123456789" not in html
    assert "••••mnop" in page and "access_token=••••6789" in page

    client.post(f"/inbox/channels/{channel.pk}/", {"unit": county.township_a.pk, "kind": "dingtalk",
                                                    "name": "城关镇值班群", "url": "", "secret": "", "is_active": "on"})
    channel.refresh_from_db()
    assert (channel.name, channel.secret) == ("城关镇值班群", "SECabcdefghijklmnop")  # blank keeps the secret
    assert channel.url.endswith("access_token=abcdef0123456789")


def test_no_one_configures_another_unit_s_channels(county, personas, client_for):
    channel = Channel.objects.create(unit=county.township_b, kind="wecom", url="https://example.invalid/h?key=K")
    client = client_for(personas.township_admin)

    refused = client.post("/inbox/channels/", {"unit": county.township_b.pk, "kind": "wecom",
                                               "url": "https://example.invalid/x", "is_active": "on"})
    hidden = client.get(f"/inbox/channels/{channel.pk}/")

    assert refused.status_code == 200 and Channel.objects.count() == 1  # the form says why; nothing written
    assert hidden.status_code == 404
    assert client_for(personas.window_clerk).post(
        "/inbox/channels/", {"unit": county.center.pk, "kind": "wecom", "url": "https://example.invalid/y"}
    ).status_code in (200, 403) and Channel.objects.count() == 1


def test_a_queue_that_is_down_leaves_the_message_to_the_retry_and_notify_still_succeeds(
        county, personas, phones, channel_server, django_capture_on_commit_callbacks, monkeypatch, caplog):
    """The queue (Redis) is unreachable when notify() commits: nothing is raised to the caller, the error is
    logged, the delivery stays pending, and the five-minute retry sends it (jobs.queue.enqueue_on_commit)."""
    from huey.contrib.djhuey import HUEY

    def refuse(task):
        raise ConnectionError("Connection refused.")

    Channel.objects.create(unit=county.section, kind="wecom", url=f"{channel_server.url}/hook")
    monkeypatch.setattr(HUEY, "enqueue", refuse)

    with caplog.at_level("ERROR", logger="tongban.jobs"):
        notify_chief(personas, django_capture_on_commit_callbacks)

    assert any("deliver_channel_messages" in r.getMessage() for r in caplog.records if r.name == "tongban.jobs")
    assert channel_server.requests == []
    assert ChannelDelivery.objects.get().status == DeliveryStatus.PENDING
    channels.retry_due()
    assert len(channel_server.requests) == 1 and ChannelDelivery.objects.get().status == DeliveryStatus.SENT
