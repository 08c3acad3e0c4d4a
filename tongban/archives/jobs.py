"""电子档案's daily job: every case closed since is packed (idempotent: a packed case is never packed again)."""
from __future__ import annotations

from datetime import date

from tongban.archives import services
from tongban.jobs.registry import job
from tongban.jobs.results import register_labels

register_labels({"packed": "归档信息包", "failed": "未能打包的办件"})


@job("archives.pack_closed", frequency="daily", title="电子档案归档（办结办件打包）")
def pack_closed(run, for_date: date) -> dict:
    from tongban.archives.models import ArchiveSettings

    failed: list[str] = []
    packed = services.pack_closed_cases(limit=ArchiveSettings.load().daily_pack_limit, failed=failed)
    return {"packed": packed, **({"failed": failed} if failed else {})}
