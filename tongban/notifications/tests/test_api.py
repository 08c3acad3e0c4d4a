"""/api/v1/notifications/: my messages only, with a mark-read action."""
import pytest

from tongban.notifications import services
from tongban.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_api_lists_only_my_messages(personas, api_for):
    services.notify([personas.township_admin], title="我的", link="/org/", code="t.mine")
    services.notify([personas.director], title="领导的")

    data = api_for(personas.township_admin).get("/api/v1/notifications/").json()

    assert data["count"] == 1
    row = data["results"][0]
    assert (row["title"], row["link"], row["code"], row["is_read"], row["read_at"]) == ("我的", "/org/", "t.mine", False, None)


def test_unread_filter(personas, api_for):
    services.notify([personas.director], title="一")
    services.mark_all_read(personas.director)
    services.notify([personas.director], title="二")
    api = api_for(personas.director)

    assert [r["title"] for r in api.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]] == ["二"]
    assert [r["title"] for r in api.get("/api/v1/notifications/", {"unread": "false"}).json()["results"]] == ["一"]


def test_mark_read_action(personas, api_for):
    services.notify([personas.director], title="一")
    message = Notification.objects.get()

    response = api_for(personas.director).post(f"/api/v1/notifications/{message.pk}/read/")

    assert response.status_code == 200
    assert response.json()["is_read"] is True
    message.refresh_from_db()
    assert message.read_at is not None


def test_someone_elses_message_answers_404_by_api(personas, api_for):
    services.notify([personas.other_township_admin], title="别人的")
    message = Notification.objects.get()
    api = api_for(personas.township_admin)

    assert api.get(f"/api/v1/notifications/{message.pk}/").status_code == 404
    response = api.post(f"/api/v1/notifications/{message.pk}/read/")
    assert response.status_code == 404
    assert "无权" in response.json()["detail"]
    message.refresh_from_db()
    assert message.read_at is None


def test_read_all_action(personas, api_for):
    services.notify([personas.inspector], title="一")
    services.notify([personas.inspector], title="二")

    response = api_for(personas.inspector).post("/api/v1/notifications/read-all/")

    assert response.json() == {"marked": 2}
    assert services.unread_count(personas.inspector) == 0


def test_messages_cannot_be_written_through_the_api(personas, api_for):
    response = api_for(personas.admin).post("/api/v1/notifications/", {"title": "伪造"})
    assert response.status_code == 405


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
