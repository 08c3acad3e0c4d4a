"""Demo terminals: one per township 便民服务中心, most reporting, two silent (open faults), one that failed
for a day last month and came back (so the monthly bulletin has a fault to report). Idempotent."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from tongban.terminals import services
from tongban.terminals.models import Terminal, TerminalFault

SILENT = ("tw-zhaohe", "tw-liuhe")  # 赵河镇, 柳河乡: their terminals stopped reporting
RECOVERED = "tw-wangji"  # 王集乡: down for a day last month


def build_demo(county) -> str:
    townships = [u for u in county.units.values() if u.kind.code == "township"]
    if not townships or Terminal.objects.exists():
        return f"终端 {Terminal.objects.count()} 台"
    now = timezone.now()
    for unit in sorted(townships, key=lambda u: u.sort_order):
        terminal = Terminal.objects.create(unit=unit, code=f"T-{unit.code}", name=f"{unit.short_name or unit.name}电子监察终端")
        Terminal.objects.filter(pk=terminal.pk).update(created_at=now - timedelta(days=90))
        terminal.refresh_from_db()
        if unit.code in SILENT:
            services.record_heartbeat(terminal, at=now - timedelta(hours=30 if unit.code == SILENT[0] else 75),
                                      version="2.3.1")
        else:
            services.record_heartbeat(terminal, at=now - timedelta(minutes=5), version="2.4.0")
        if unit.code == RECOVERED:
            last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=10)
            silent_since = timezone.make_aware(datetime.combine(last_month, time(17, 40)))
            TerminalFault.objects.create(terminal=terminal, silent_since=silent_since,
                                         started_at=silent_since + timedelta(hours=24),
                                         ended_at=silent_since + timedelta(hours=40))
    result = services.detect_faults(now)
    return f"终端 {len(townships)} 台，故障 {result['faults_open']} 处"
