"""The navigation bar's unread count: one COUNT query."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from tongban.notifications import services
from tongban.notifications.context_processors import unread

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_unread_counts_my_unread_messages_in_one_query(user_factory, django_assert_num_queries):
    alice, bob = user_factory("alice"), user_factory("bob")
    services.notify([alice], title="一")
    services.notify([alice, bob], title="二")
    services.mark_read(alice.notifications.get(title="一"), by=alice)

    with django_assert_num_queries(1):
        assert unread(_request(alice)) == {"unread_count": 1}


def test_anonymous_visitors_get_no_count(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert unread(_request(AnonymousUser())) == {}
