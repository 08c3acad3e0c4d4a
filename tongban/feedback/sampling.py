"""回访 sampling (seed 000 §二(九)): each month, from each window of the county and township halls, a share of
last month's closed cases between 30 % and 50 % (`FeedbackSettings.callback_share_percent`).

Stratified by window (each window is its own stratum, so a quiet township window is sampled like a busy
county one), reproducible (the order is a shuffle seeded with the month and the window's code: the same
data give the same sample), explainable (each sample and each item says how it was drawn), and never the
same applicant twice in a month (an applicant already drawn at another window is skipped and the next case
in the seeded order is taken). Running a month again changes nothing: a window sampled stays as it was.
"""
from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from tongban.cases.choices import CaseStatus
from tongban.cases.identity import normalise_id_number
from tongban.cases.models import Case
from tongban.feedback.error_codes import FeedbackError as E
from tongban.feedback.error_codes import feedback_error
from tongban.feedback.models import CallbackItem, CallbackSample, FeedbackSettings
from tongban.history.services import record_event
from tongban.org.models import Window


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> date:
    first = month_start(day)
    return month_start(date.fromordinal(first.toordinal() - 1))


def next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def applicant_key(id_number: str, phone: str) -> str:
    """The same applicant across cases: the ID number or credit code, else the phone's digits."""
    ident = normalise_id_number(id_number or "") or "tel:" + "".join(ch for ch in phone or "" if ch.isdigit())
    return hashlib.sha256(ident.encode()).hexdigest()


def seed_for(month: date, window_code: str) -> str:
    return f"{month:%Y-%m}/{window_code}"


@dataclass
class Drawn:
    window: Window
    population: int
    wanted: int
    chosen: list[tuple[int, str, int]]  # (case id, applicant key, position in the seeded order)
    skipped: int


def draw(month: date, share: int) -> list[Drawn]:
    """The sample of `month` without writing anything: one set-based read of the month's closed cases."""
    if not 30 <= share <= 50:
        raise feedback_error(E.SHARE_RANGE, share=share)
    rows = (Case.objects.filter(status=CaseStatus.CLOSED, closed_on__gte=month, closed_on__lt=next_month(month))
            .order_by("intake_window_id", "number").values_list("pk", "intake_window_id", "id_number", "phone"))
    by_window: dict[int, list[tuple[int, str]]] = {}
    for pk, window_id, id_number, phone in rows:
        by_window.setdefault(window_id, []).append((pk, applicant_key(id_number, phone)))
    taken = set(CallbackItem.objects.filter(month=month).values_list("applicant_key", flat=True))
    result = []
    for window in Window.objects.filter(pk__in=by_window).select_related("unit").order_by("code"):
        cases = by_window[window.pk]
        order = list(range(len(cases)))
        random.Random(seed_for(month, window.code)).shuffle(order)
        wanted = math.ceil(len(cases) * share / 100)
        chosen, skipped = [], 0
        for position, index in enumerate(order, start=1):
            if len(chosen) >= wanted:
                break
            pk, key = cases[index]
            if key in taken:
                skipped += 1
                continue
            taken.add(key)
            chosen.append((pk, key, position))
        result.append(Drawn(window, len(cases), wanted, chosen, skipped))
    return result


def sample_month(month: date, *, by=None) -> dict:
    """Draw and store `month`'s sample for every window not sampled yet (idempotent)."""
    month = month_start(month)
    share = FeedbackSettings.load().callback_share_percent
    done = set(CallbackSample.objects.filter(month=month).values_list("window_id", flat=True))
    created = items = 0
    with transaction.atomic():
        for drawn in draw(month, share):
            if drawn.window.pk in done:
                continue
            seed = seed_for(month, drawn.window.code)
            note = (f"{drawn.window.name}在 {month:%Y年%m月} 办结 {drawn.population} 件，按 {share}% 应抽 {drawn.wanted} 件"
                    f"（向上取整）；以“{seed}”为随机种子打乱顺序后依次抽取"
                    + (f"，跳过本月已被抽到的申请人 {drawn.skipped} 件" if drawn.skipped else "")
                    + f"，实抽 {len(drawn.chosen)} 件。")
            sample = CallbackSample.objects.create(
                month=month, window=drawn.window, unit=drawn.window.unit, seed=seed, share_percent=share,
                population=drawn.population, chosen=len(drawn.chosen), note=note)
            CallbackItem.objects.bulk_create([
                CallbackItem(sample=sample, case_id=pk, applicant_key=key, month=month, unit=drawn.window.unit,
                             window=drawn.window, reason=f"随机顺序第 {position} 位（种子“{seed}”）")
                for pk, key, position in drawn.chosen])
            record_event(sample, "feedback.callback.sampled", note, by=by)
            created += 1
            items += len(drawn.chosen)
    return {"month": f"{month:%Y-%m}", "samples": created, "items": items}
