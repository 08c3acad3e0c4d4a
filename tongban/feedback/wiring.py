"""Where feedback's records meet the rest of the loop (wired from `FeedbackConfig.ready`, so none of those apps
imports feedback): the open problems on the leader-on-duty sheet and the meeting agenda (`core.problems`), the
assessment's automatic indicators (`assessment.sources`) and the 电子监察月通报's section."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone


def register() -> None:
    from tongban.core import problems as registry
    from tongban.feedback import problems

    for key, label, provider in problems.PROVIDERS:
        registry.register(key, label, provider)
    _register_sources()
    _register_bulletin_section()


def _day(value) -> date:
    return timezone.localdate(value) if hasattr(value, "tzinfo") else value


def _register_sources() -> None:
    from tongban.assessment.sources import Occurrence, source, url_maker
    from tongban.feedback.choices import BAD_LEVELS, CallbackOutcome
    from tongban.feedback.models import CallbackItem, Complaint, Rating
    from tongban.feedback.sampling import month_start

    @source("feedback.bad_review", "差评（申诉成立的不计）")
    def bad_reviews(start: date, end: date) -> Iterable[Occurrence]:
        """差评 rated in the month, charged to the unit that handled the case (one query)."""
        rows = (Rating.objects.counted().filter(level__in=BAD_LEVELS, rated_at__date__range=(start, end))
                .values_list("unit_id", "rated_at", "case__number", "case__title", "pk"))
        url = url_maker("feedback:rating_detail")
        for unit_id, at, number, title, pk in rows:
            yield Occurrence(unit_id, _day(at), f"差评：办件 {number} {title}", url(pk), str(pk))

    @source("feedback.complaint_upheld", "投诉经核实属实")
    def upheld_complaints(start: date, end: date) -> Iterable[Occurrence]:
        """Complaints received in the month and found 属实, charged to the unit they were 交办 to."""
        rows = (Complaint.objects.filter(upheld=True, received_at__date__range=(start, end))
                .annotate(responsible=Coalesce(F("assigned_unit_id"), F("unit_id")))
                .filter(responsible__isnull=False).values_list("responsible", "received_at", "title", "pk"))
        url = url_maker("feedback:complaint_detail")
        for unit_id, at, title, pk in rows:
            yield Occurrence(unit_id, _day(at), f"投诉属实：{title}", url(pk), str(pk))

    @source("feedback.callback_unsatisfied", "回访不满意")
    def unsatisfied_callbacks(start: date, end: date) -> Iterable[Occurrence]:
        """The month's callback sample answered 不满意, charged to the window's unit."""
        rows = (CallbackItem.objects.filter(month=month_start(start), outcome=CallbackOutcome.UNSATISFIED)
                .values_list("unit_id", "called_at", "case__number", "case__title", "pk"))
        url = url_maker("feedback:callback_detail")
        for unit_id, at, number, title, pk in rows:
            yield Occurrence(unit_id, _day(at) if at else start, f"回访不满意：办件 {number} {title}", url(pk), str(pk))


def _register_bulletin_section() -> None:
    from tongban.supervision.bulletin import Section, register_section

    def ratings_and_complaints(month, figures: dict, today: date) -> Section | None:
        """Left out of a month with no rating, complaint or hotline order (nothing to report)."""
        from tongban.feedback.selectors import bulletin_section

        said = bulletin_section(month.first)
        counted = said["figures"]
        if not (counted.total or counted.complaints or counted.hotline):
            return None
        return Section(heading=said["title"], paragraphs=[said["text"]])

    register_section("feedback_ratings", ratings_and_complaints)
