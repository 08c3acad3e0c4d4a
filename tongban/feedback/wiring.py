"""Where feedback's records meet the rest of the loop (wired from `FeedbackConfig.ready`, so none of those apps
imports feedback): the open problems on the leader-on-duty sheet and the meeting agenda (`core.problems`), the
assessment's automatic indicators (`assessment.sources`) and the 电子监察月通报's section."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Iterable

from django.db.models import DateField, F, Q, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone


def register() -> None:
    from tongban.core import problems as registry
    from tongban.feedback import problems

    for key, label, provider in problems.PROVIDERS:
        registry.register(key, label, provider)
    _register_sources()
    _register_bulletin_section()


def _moments(start: date, end: date) -> tuple[datetime, datetime]:
    """The month's days as a range of moments (the centre's midnight to midnight), which the index on the
    time serves (`__date__range` would convert every row's time first)."""
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time(0), zone), datetime.combine(end + timedelta(days=1), time(0), zone)


def _register_sources() -> None:
    from tongban.assessment.sources import Rows, record_id, source, text, url_maker
    from tongban.feedback.choices import BAD_LEVELS, CallbackOutcome
    from tongban.feedback.models import CallbackItem, Complaint, Rating
    from tongban.feedback.sampling import month_start

    @source("feedback.bad_review", "差评（申诉成立的不计）")
    def bad_reviews(start: date, end: date) -> Rows:
        """差评 rated in the month, charged to the unit that handled the case (one query)."""
        since, until = _moments(start, end)
        return Rows(Rating.objects.counted().filter(level__in=BAD_LEVELS, rated_at__gte=since, rated_at__lt=until),
                    unit_id="unit_id", occurred_on=TruncDate("rated_at"),
                    label=text("差评：办件 ", F("case__number"), " ", F("case__title")),
                    url=url_maker("feedback:rating_detail").sql("pk"), record_id=record_id())

    @source("feedback.complaint_upheld", "投诉经核实属实")
    def upheld_complaints(start: date, end: date) -> Rows:
        """Complaints received in the month and found 属实, charged to the unit they were 交办 to."""
        since, until = _moments(start, end)
        return Rows(Complaint.objects.filter(upheld=True, received_at__gte=since, received_at__lt=until)
                    .filter(Q(assigned_unit__isnull=False) | Q(unit__isnull=False)),
                    unit_id=Coalesce(F("assigned_unit_id"), F("unit_id")), occurred_on=TruncDate("received_at"),
                    label=text("投诉属实：", F("title")), url=url_maker("feedback:complaint_detail").sql("pk"),
                    record_id=record_id())

    @source("feedback.callback_unsatisfied", "回访不满意")
    def unsatisfied_callbacks(start: date, end: date) -> Rows:
        """The month's callback sample answered 不满意, charged to the window's unit (dated by the call, else the
        month's first day)."""
        return Rows(CallbackItem.objects.filter(month=month_start(start), outcome=CallbackOutcome.UNSATISFIED),
                    unit_id="unit_id", occurred_on=Coalesce(TruncDate("called_at"), Value(start, output_field=DateField())),
                    label=text("回访不满意：办件 ", F("case__number"), " ", F("case__title")),
                    url=url_maker("feedback:callback_detail").sql("pk"), record_id=record_id())


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
