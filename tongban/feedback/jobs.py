"""The daily default rating and the monthly 回访 sample; both idempotent for their period, so
`tongban jobs run feedback.callback_sample --date …` may be repeated safely."""
from __future__ import annotations

from datetime import date

from tongban.feedback import sampling, services
from tongban.jobs.registry import job
from tongban.jobs.results import register_labels

register_labels({"defaulted": "默认评价件数", "samples": "抽样窗口数", "items": "抽取回访件数", "month": "月份"})


@job("feedback.default_ratings", frequency="daily", title="未评价办件的默认评价")
def default_ratings(run, for_date: date) -> dict:
    return {"defaulted": services.apply_default_ratings(for_date)}


@job("feedback.callback_sample", frequency="monthly", title="上月办结件回访抽样")
def callback_sample(run, for_date: date) -> dict:
    return sampling.sample_month(sampling.previous_month(for_date))
