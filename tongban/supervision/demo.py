"""Demo supervision for `tongban demo`: today's scan over the demo's cases (clocks, cards) and the 督办单 the
cards raise — the same services as the daily job, minus opening rectification measures (the demo ledger stays
the seeds'). Repeatable: a day scanned twice changes nothing."""
from __future__ import annotations

from django.utils import timezone


def build_demo(county) -> str:
    from tongban.supervision import clocks, services
    from tongban.supervision.models import Card, Urge

    today = timezone.localdate()
    result = clocks.scan(today)
    if "skipped" not in result:
        services.raise_urges(today)
    return f"时钟 {result['scanned']} 个，亮牌 {Card.objects.count()} 张，督办单 {Urge.objects.count()} 张"
