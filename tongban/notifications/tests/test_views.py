"""The inbox page: own messages only, unread highlighted, read one (htmx) or all, follow a link."""
import pytest

from tongban.notifications import services
from tongban.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_inbox_lists_my_messages_with_unread_ones_highlighted(personas, client_for):
    services.notify([personas.township_admin], title="已读的消息")
    services.mark_all_read(personas.township_admin)
    services.notify([personas.township_admin], title="新的消息", body="请处理")
    services.notify([personas.other_township_admin], title="别人的消息")

    html = client_for(personas.township_admin).get("/inbox/").content.decode()

    assert "新的消息" in html and "已读的消息" in html and "别人的消息" not in html
    unread = Notification.objects.get(title="新的消息")
    read = Notification.objects.get(title="已读的消息")
    assert f'list-group-item list-group-item-primary" id="notification-{unread.pk}"' in html
    assert f'<div class="list-group-item" id="notification-{read.pk}">' in html
    assert 'id="inbox-unread">1<' in html


def test_the_unread_filter_hides_read_messages(personas, client_for):
    services.notify([personas.director], title="已读的消息")
    services.mark_all_read(personas.director)
    services.notify([personas.director], title="新的消息")

    html = client_for(personas.director).get("/inbox/", {"show": "unread"}).content.decode()

    assert "新的消息" in html and "已读的消息" not in html


def test_the_navigation_bar_shows_the_unread_count(personas, client_for):
    services.notify([personas.window_clerk], title="一")
    services.notify([personas.window_clerk], title="二")

    html = client_for(personas.window_clerk).get("/workbench/").content.decode()

    assert '<span class="badge bg-danger" id="unread-count">2</span>' in html


def test_marking_a_message_read_with_htmx_swaps_the_item_and_the_counters(personas, client_for):
    services.notify([personas.window_clerk], title="一")
    services.notify([personas.window_clerk], title="二")
    message = Notification.objects.get(title="一")

    response = client_for(personas.window_clerk).post(f"/inbox/{message.pk}/read/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<div class="list-group-item" id="notification-{message.pk}">' in html
    assert '<span id="inbox-unread" hx-swap-oob="true">1</span>' in html
    assert 'id="unread-count" hx-swap-oob="true" class="badge bg-danger">1<' in html
    message.refresh_from_db()
    assert message.read_at is not None


def test_marking_read_without_htmx_returns_to_the_inbox(personas, client_for):
    services.notify([personas.window_clerk], title="一")
    message = Notification.objects.get()

    response = client_for(personas.window_clerk).post(f"/inbox/{message.pk}/read/")

    assert response.status_code == 302 and response["Location"] == "/inbox/"


def test_someone_elses_message_answers_404(personas, client_for):
    services.notify([personas.other_township_admin], title="别人的消息")
    message = Notification.objects.get()
    client = client_for(personas.director)  # even the director: a message is its recipient's alone

    assert client.post(f"/inbox/{message.pk}/read/").status_code == 404
    assert client.get(f"/inbox/{message.pk}/open/").status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_mark_all_read(personas, client_for):
    services.notify([personas.inspector], title="一")
    services.notify([personas.inspector], title="二")
    services.notify([personas.director], title="别人的")

    response = client_for(personas.inspector).post("/inbox/read-all/", follow=True)

    assert "已将 2 条消息标为已读。" in response.content.decode()
    assert services.unread_count(personas.inspector) == 0
    assert services.unread_count(personas.director) == 1


def test_opening_a_message_marks_it_read_and_follows_its_link(personas, client_for):
    services.notify([personas.director], title="单位变更", link="/org/")
    message = Notification.objects.get()

    response = client_for(personas.director).get(f"/inbox/{message.pk}/open/")

    assert response.status_code == 302 and response["Location"] == "/org/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_a_link_to_another_site_is_not_followed(personas, client_for):
    services.notify([personas.director], title="可疑链接", link="https://evil.example/")
    message = Notification.objects.get()

    response = client_for(personas.director).get(f"/inbox/{message.pk}/open/")

    assert response["Location"] == "/inbox/"


def test_the_inbox_needs_a_login(client):
    assert client.get("/inbox/").status_code == 302
