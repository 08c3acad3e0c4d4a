"""The demo: seed 000's inspection and seed 003's plan in the demo county, built twice = built once."""
from __future__ import annotations

import pytest
from django.utils import timezone

from tongban.rectification.demo import SEED_000_TITLE, build_demo_rectification
from tongban.rectification.models import Accountability, Inspection, Measure, PlanTask, Revisit
from tongban.rectification.selectors import finding_counts, measure_buckets

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from tongban.org.demo import build_demo_county

    build_demo_county()
    return build_demo_rectification()


def test_the_demo_carries_seed_000_with_mixed_states(demo):
    inspection = Inspection.objects.get(title=SEED_000_TITLE)
    assert finding_counts(inspection.findings.all()) == {"problem": 9, "suggestion": 4, "total": 13}
    buckets = measure_buckets(Measure.objects.filter(finding__inspection=inspection), timezone.localdate())
    assert buckets.verified and buckets.ongoing and buckets.open and buckets.pending_signoff and buckets.overdue
    assert buckets.verified + buckets.ongoing + buckets.open == buckets.total == demo["整改措施"]
    seed_000 = Revisit.objects.filter(measure__finding__inspection=inspection)
    assert seed_000.filter(satisfied=False).count() == 1  # (the signals' round has its own, test_signals.py)
    reopened = Measure.objects.get(finding__inspection=inspection, reopened_count=1)
    assert reopened.status == "in_progress" and reopened.deadline > timezone.localdate()
    assert Accountability.objects.get().get_action_kind_display() == "约谈"
    assert inspection.rectification_group.members.filter(role="leader").get().staff.name == "刘建国"


def test_the_demo_carries_seed_003s_four_tasks(demo):
    tasks = PlanTask.objects.order_by("number")
    assert [t.title for t in tasks] == ["推出一批“一件事”主题服务", "推动更多事项掌上办", "推进“一窗受理、一网通办”",
                                        "搭建项目审批绿色通道"]
    assert [leader.name for leader in tasks[1].leaders.all()] == ["张国华"]
    assert tasks[0].units.count() == 6


def test_building_the_demo_twice_changes_nothing(demo):
    counts = (Inspection.objects.count(), Measure.objects.count(), Revisit.objects.count())
    assert build_demo_rectification() == {"已存在": 1}
    assert (Inspection.objects.count(), Measure.objects.count(), Revisit.objects.count()) == counts
