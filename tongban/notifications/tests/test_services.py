"""notify / mark_read / mark_all_read / weekly digests / purge, with email to a real SMTP server."""
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.notifications import services
from tongban.notifications.models import EmailDigest, Notification

pytestmark = pytest.mark.django_db


def test_notify_puts_one_message_in_each_recipients_inbox(user_factory):
    alice, bob = user_factory("alice"), user_factory("bob")

    created = services.notify([alice, bob, alice], title="整改任务即将到期", body="还有 3 个工作日", link="/x/", code="t.due")

    assert created == 2
    assert set(Notification.objects.values_list("recipient__username", "title", "code")) == {
        ("alice", "整改任务即将到期", "t.due"), ("bob", "整改任务即将到期", "t.due")}


def test_notify_accepts_user_ids_and_skips_deactivated_users(user_factory):
    alice, gone = user_factory("alice"), user_factory("gone", is_active=False)

    assert services.notify([alice.pk, gone.pk], title="通知") == 1
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["alice"]


def test_notify_with_a_dedupe_key_notifies_each_recipient_once(user_factory, django_capture_on_commit_callbacks):
    alice, bob = user_factory("alice", "alice@example.cn"), user_factory("bob", "bob@example.cn")

    with django_capture_on_commit_callbacks(execute=True):
        first = services.notify([alice], title="提醒", dedupe_key="measure:7:2026-11-23")
    with django_capture_on_commit_callbacks(execute=True):
        second = services.notify([alice, bob], title="提醒", dedupe_key="measure:7:2026-11-23")

    assert (first, second) == (1, 1)  # the second call reached only bob
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.cn", "bob@example.cn"]


def test_the_same_dedupe_key_may_reach_different_people_and_no_key_never_dedupes(user_factory):
    alice = user_factory("alice")
    services.notify([alice], title="一")
    services.notify([alice], title="一")

    assert Notification.objects.filter(recipient=alice, dedupe_key__isnull=True).count() == 2


def test_email_goes_to_the_staff_address_when_the_login_has_none(county, user_factory, django_capture_on_commit_callbacks):
    from tongban.org import services as org

    staff = org.create_staff(staff_no="s1", name="吴科员", unit=county.center, username="wu", email="wu@county.gov.cn")
    get_user_model().objects.filter(pk=staff.user_id).update(email="")
    nobody = user_factory("nobody")

    with django_capture_on_commit_callbacks(execute=True):
        services.notify([staff.user_id, nobody], title="材料待补正")

    assert [m.to for m in mail.outbox] == [["wu@county.gov.cn"]]
    assert Notification.objects.count() == 2  # the inbox gets it whether or not there is an address


def test_no_email_is_sent_when_email_is_off_or_the_transaction_rolls_back(user_factory, django_capture_on_commit_callbacks):
    alice = user_factory("alice", "alice@example.cn")

    with django_capture_on_commit_callbacks(execute=True):
        services.notify([alice], title="只进收件箱", email=False)
        with pytest.raises(RuntimeError), transaction.atomic():
            services.notify([alice], title="回滚了")
            raise RuntimeError("之后的步骤失败")

    assert mail.outbox == []
    assert list(Notification.objects.values_list("title", flat=True)) == ["只进收件箱"]


def test_email_reaches_a_real_smtp_server_with_the_chinese_subject(smtp_server, user_factory, django_capture_on_commit_callbacks):
    alice = user_factory("alice", "alice@example.cn")

    with django_capture_on_commit_callbacks(execute=True):
        services.notify([alice], title="整改任务“优化窗口布局”将于3日后到期", body="请及时上传佐证材料。",
                        link="/rectification/measures/7/")

    [message] = smtp_server.messages
    assert smtp_server.subjects == ["【通办】整改任务“优化窗口布局”将于3日后到期"]
    assert message["To"] == "alice@example.cn"
    body = message.get_content()
    assert "请及时上传佐证材料。" in body
    assert "http://127.0.0.1:8000/rectification/measures/7/" in body


def test_a_mail_server_that_is_down_does_not_break_the_caller(settings, user_factory, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens on 9
    alice = user_factory("alice", "alice@example.cn")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify([alice], title="照常入箱") == 1

    assert Notification.objects.filter(recipient=alice).exists()


def test_mark_read_is_for_the_recipient_only_and_keeps_the_first_read_time(user_factory):
    alice, bob = user_factory("alice"), user_factory("bob")
    services.notify([alice], title="一")
    message = Notification.objects.get()

    with pytest.raises(ValidationError) as refused:
        services.mark_read(message, by=bob)
    assert refused.value.code == "not_permitted"

    first = services.mark_read(message, by=alice).read_at
    assert first is not None
    assert services.mark_read(message, by=alice).read_at == first


def test_mark_all_read_marks_only_my_unread_messages(user_factory):
    alice, bob = user_factory("alice"), user_factory("bob")
    for title in ("一", "二", "三"):
        services.notify([alice, bob], title=title)
    services.mark_read(Notification.objects.filter(recipient=alice).first(), by=alice)

    assert services.mark_all_read(alice) == 2
    assert services.unread_count(alice) == 0
    assert services.unread_count(bob) == 3


def _age(user, title: str, *, created_days_ago: int, read_days_ago: int | None = None) -> None:
    now = timezone.now()
    services.notify([user], title=title, email=False)
    Notification.objects.filter(recipient=user, title=title).update(
        created_at=now - timedelta(days=created_days_ago),
        read_at=None if read_days_ago is None else now - timedelta(days=read_days_ago),
    )


def test_weekly_digest_mails_each_user_with_unread_messages_once_per_week(user_factory, smtp_server):
    alice, bob, carol = user_factory("alice", "alice@example.cn"), user_factory("bob", "bob@example.cn"), user_factory("carol")
    _age(alice, "材料待补正", created_days_ago=2)
    _age(alice, "回访任务", created_days_ago=1)
    _age(bob, "已读旧消息", created_days_ago=3, read_days_ago=1)
    _age(carol, "无邮箱的人", created_days_ago=1)
    week = date(2026, 11, 23)

    first = services.send_weekly_digests(week)
    again = services.send_weekly_digests(week)

    assert first == {"sent": 1, "without_email": 1, "already_sent": 0}
    assert again == {"sent": 0, "without_email": 1, "already_sent": 1}
    [message] = smtp_server.messages
    assert message["To"] == "alice@example.cn"
    assert smtp_server.subjects == ["【通办】每周消息摘要：您有 2 条未读消息"]
    body = message.get_content()
    assert body.index("回访任务") < body.index("材料待补正")  # newest first
    assert EmailDigest.objects.get().message_count == 2


def test_weekly_digest_lists_the_latest_twenty_and_counts_the_rest(user_factory):
    alice = user_factory("alice", "alice@example.cn")
    for n in range(25):
        _age(alice, f"消息{n:02d}", created_days_ago=30 - n)

    services.send_weekly_digests(date(2026, 11, 23))

    body = mail.outbox[0].body
    assert "消息24" in body and "消息05" in body and "消息04" not in body
    assert "另有 5 条未列出" in body


def test_a_digest_that_failed_to_send_is_sent_by_the_next_run(settings, user_factory, smtp_server):
    alice = user_factory("alice", "alice@example.cn")
    _age(alice, "待办", created_days_ago=1)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = 9, 2

    with pytest.raises(OSError):
        services.send_weekly_digests(date(2026, 11, 23))
    assert not EmailDigest.objects.exists()

    settings.EMAIL_PORT = port
    assert services.send_weekly_digests(date(2026, 11, 23))["sent"] == 1
    assert len(smtp_server.messages) == 1


def test_purge_deletes_messages_read_before_the_cutoff_only(user_factory):
    alice = user_factory("alice")
    _age(alice, "很久以前读过", created_days_ago=400, read_days_ago=200)
    _age(alice, "最近读过", created_days_ago=400, read_days_ago=10)
    _age(alice, "很久以前未读", created_days_ago=400)
    EmailDigest.objects.create(recipient=alice, period_key=date(2025, 1, 6), message_count=1)
    EmailDigest.objects.create(recipient=alice, period_key=timezone.localdate(), message_count=1)

    result = services.purge_read(services.retention_cutoff(timezone.localdate()))

    assert (result["deleted"], result["digests_deleted"]) == (1, 1)
    assert set(Notification.objects.values_list("title", flat=True)) == {"最近读过", "很久以前未读"}
