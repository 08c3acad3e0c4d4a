"""Complaint numbers claimed under concurrency: eight complaints filed at the same moment (the public form, the
12345 interface) get eight different numbers, none refused."""
from __future__ import annotations

import pytest

from tongban.feedback import services
from tongban.feedback.models import Complaint
from tongban.feedback.tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_complaints_filed_at_once_get_eight_numbers():
    results, errors = at_once(lambda i: services.submit_complaint(
        title=f"排队太久 {i}", content="取号后等了两个小时", anonymous=True).number)
    assert errors == []
    assert len(set(results)) == 8 == Complaint.objects.values("number").distinct().count()


def test_eight_hotline_orders_delivered_at_once_get_eight_numbers():
    results, errors = at_once(lambda i: services.receive_hotline_order(
        order_number=f"GD-{i}", title="窗口推诿", content="说不归他们管")[0].number)
    assert errors == []
    assert len(set(results)) == 8 and all(number.startswith("RX") for number in results)
