"""`tongban feedback sample | hotline | figures`."""
from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tongban.feedback.models import CallbackItem, Complaint

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("feedback", *args, stdout=out)
    return out.getvalue()


def test_sample_draws_a_month_once(make_case):
    for day in (3, 4, 5):
        make_case(closed_on=date(2026, 10, day))
    assert "新增 1 个窗口、1 件" in _run("sample", "--month", "2026-10")
    assert "新增 0 个窗口、0 件" in _run("sample", "--month", "2026-10")
    assert CallbackItem.objects.count() == 1
    with pytest.raises(CommandError):
        _run("sample", "--month", "十月")


def test_hotline_imports_a_file_all_or_nothing(tmp_path, db):
    good = tmp_path / "orders.csv"
    good.write_text("工单号,标题,诉求内容\nG-1,t,c\nG-2,t,c\n", encoding="utf-8")
    assert "新增 2 件，已有 0 件" in _run("hotline", str(good))
    assert "新增 0 件，已有 2 件" in _run("hotline", str(good))
    bad = tmp_path / "bad.csv"
    bad.write_text("工单号,标题,诉求内容\nG-3,t,c\n,t,c\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 3 行"):
        _run("hotline", str(bad))
    assert Complaint.objects.count() == 2


def test_figures_prints_the_months_sentence(db):
    assert "2026年10月" in _run("figures", "--month", "2026-10")
    assert '"total": 0' in _run("figures", "--month", "2026-10", "--json")
