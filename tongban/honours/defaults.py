"""The three honours of 000 §二(七), seeded by migration 0002 and again by `ensure_kinds()` (transactional tests
flush what migrations loaded). A centre changes them or adds its own in 系统管理 → 评优项目; a kind already there
is never overwritten."""
from __future__ import annotations

from decimal import Decimal

BASIS = "000 §二(七)：常态化开展“党员示范岗”“服务标兵”“巾帼英雄岗”的评选活动"

KINDS = [
    # code, name, period, places, subject, requires, sort
    ("party-model", "党员示范岗", "quarterly", 3, "staff", "party_member", 10),
    ("service-star", "服务标兵", "monthly", 3, "staff", "", 20),
    ("women-pioneer", "巾帼英雄岗", "quarterly", 2, "staff", "female", 30),
]


def kind_rows():
    for code, name, period, places, subject, requires, sort in KINDS:
        yield code, {"name": name, "period": period, "places": places, "subject": subject, "requires": requires,
                     "sort_order": sort, "min_score": Decimal("90"), "no_bad_review": True,
                     "no_upheld_complaint": True, "no_lateness": True, "basis": BASIS}


def ensure_kinds(model=None) -> dict:
    if model is None:
        from tongban.honours.models import HonourKind as model
    return {code: model.objects.get_or_create(code=code, defaults=values)[0] for code, values in kind_rows()}
