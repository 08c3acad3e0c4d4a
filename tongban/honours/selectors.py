"""Reads of 评优. `candidates` is the one definition of who may be nominated and why: the candidates page,
the nomination service (which re-checks its one subject), the API and the Excel export all read it.

Set-based: one query each for the subjects, their score sheets, their ratings (counts, average, 差评), their
差评 records, their upheld complaints, the existing nominations, plus the attendance sheet of the people
concerned per month (`staffing.indicators.month_indicators`, the definition the sheet and the assessment use).

What counts for whom:
- score: the assessment score sheets (assessment.ScoreSheet) of the window's or person's unit, averaged over the
  scored months of the period;
- ratings and upheld complaints: a window's are those of cases received at it (`Case.intake_window`), a person's
  those of cases they received (`Case.received_by`); ratings whose appeal was upheld do not count; a complaint
  tied to no case is charged to a unit by the assessment (it lowers the unit's score), not to a window or person;
- lateness (迟到、早退): the attendance sheet of the person, or of every active person at the window."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone

from tongban.honours.choices import HonourStatus, Requirement, Subject
from tongban.honours.models import Honour, HonourKind
from tongban.honours.periods import HonourPeriod


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Candidate:
    kind: HonourKind
    window: object | None
    staff: object | None
    unit: object
    score: Decimal | None = None
    sheets: list[Link] = field(default_factory=list)
    ratings: int = 0
    average: Decimal | None = None
    bad_reviews: list[Link] = field(default_factory=list)
    complaints: list[Link] = field(default_factory=list)
    lateness: list[Link] = field(default_factory=list)
    shortfalls: list[str] = field(default_factory=list)
    honour: Honour | None = None
    rank: int = 0

    @property
    def subject(self):
        return self.window or self.staff

    @property
    def name(self) -> str:
        if self.window is not None:
            return self.window.name
        return self.staff.name

    @property
    def eligible(self) -> bool:
        return not self.shortfalls

    def figures(self) -> dict:
        """What the nomination keeps of this day's figures (JSON)."""
        return {
            "score": str(self.score) if self.score is not None else None,
            "sheets": [vars(x) for x in self.sheets], "ratings": self.ratings,
            "average": str(self.average) if self.average is not None else None,
            "bad_reviews": [vars(x) for x in self.bad_reviews], "complaints": [vars(x) for x in self.complaints],
            "lateness": [vars(x) for x in self.lateness], "shortfalls": list(self.shortfalls),
        }

    def summary(self) -> str:
        score = f"考核平均 {self.score} 分" if self.score is not None else "本期未考核"
        average = f"平均 {self.average} 分" if self.average is not None else "无评价"
        return (f"{score}；评价 {self.ratings} 条（{average}），差评 {len(self.bad_reviews)} 条；"
                f"属实投诉 {len(self.complaints)} 件；迟到早退 {len(self.lateness)} 次")


def _two(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def subjects(kind: HonourKind, user=None):
    """The windows or people a kind may go to, in the viewer's scope (all when `user` is None)."""
    from tongban.org.models import Staff, Window

    if kind.subject == Subject.WINDOW:
        qs = Window.objects.filter(is_active=True).select_related("unit")
        order = ["unit__path", "code"]
    else:
        qs = Staff.objects.filter(is_active=True).select_related("unit", "window")
        order = ["unit__path", "staff_no"]
        if kind.window_staff_only:
            qs = qs.filter(window__isnull=False)
        if kind.requires == Requirement.PARTY_MEMBER:
            qs = qs.filter(honour_traits__party_member=True)
        elif kind.requires == Requirement.FEMALE:
            qs = qs.filter(honour_traits__female=True)
    if user is not None:
        qs = qs.visible_to(user)
    return qs.order_by(*order)


def candidates(kind: HonourKind, period: HonourPeriod, user=None, *, only=None, today: date | None = None
               ) -> list[Candidate]:
    """Every subject of `kind` in the viewer's scope with the period's figures, ranked: eligible first, then
    by score, average rating and number of ratings. `only` (a window or staff id) narrows to one subject."""
    from tongban.assessment.models import ScoreSheet
    from tongban.feedback.choices import BAD_LEVELS
    from tongban.feedback.models import Complaint, Rating

    qs = subjects(kind, user)
    if only is not None:
        qs = qs.filter(pk=only)
    found = [Candidate(kind, s, None, s.unit) if kind.subject == Subject.WINDOW else Candidate(kind, None, s, s.unit)
             for s in qs]
    if not found:
        return []
    today = today or timezone.localdate()
    window_kind = kind.subject == Subject.WINDOW
    by_id = {c.subject.pk: c for c in found}
    span = (period.first, period.last)

    # Assessment: the unit's score sheets of the period's months.
    per_unit: dict[int, list] = defaultdict(list)
    for sheet in (ScoreSheet.objects.filter(assessment__month__in=period.months,
                                            unit_id__in={c.unit.pk for c in found})
                  .values("pk", "unit_id", "total", "assessment__month").order_by("assessment__month")):
        per_unit[sheet["unit_id"]].append(sheet)
    for c in found:
        sheets = per_unit.get(c.unit.pk, [])
        if sheets:
            c.score = _two(sum(s["total"] for s in sheets) / len(sheets))
            c.sheets = [Link(f"{s['assessment__month']:%Y年%m月} {s['total'].normalize():f} 分",
                             reverse("assessment:sheet", args=[s["pk"]])) for s in sheets]

    # Ratings and complaints: of cases received at the window / by the person.
    if window_kind:
        rating_key, complaint_key = "window_id", "case__intake_window_id"
        keys = {c.window.pk: c.window.pk for c in found}
    else:
        rating_key, complaint_key = "case__received_by_id", "case__received_by_id"
        keys = {c.staff.user_id: c.staff.pk for c in found if c.staff.user_id}
    if keys:
        ratings = Rating.objects.counted().filter(rated_at__date__range=span, **{f"{rating_key}__in": list(keys)})
        for row in ratings.values(rating_key).annotate(n=Count("pk"), avg=Avg("level")).order_by():
            c = by_id[keys[row[rating_key]]]
            c.ratings, c.average = row["n"], _two(row["avg"])
        for row in (ratings.filter(level__in=BAD_LEVELS).values(rating_key, "pk", "case__number")
                    .order_by("rated_at", "pk")):
            by_id[keys[row[rating_key]]].bad_reviews.append(
                Link(f"差评：办件 {row['case__number']}", reverse("feedback:rating_detail", args=[row["pk"]])))
        for row in (Complaint.objects.filter(upheld=True, received_at__date__range=span,
                                             **{f"{complaint_key}__in": list(keys)})
                    .values(complaint_key, "pk", "title").order_by("received_at", "pk")):
            by_id[keys[row[complaint_key]]].complaints.append(
                Link(f"投诉属实：{row['title']}", reverse("feedback:complaint_detail", args=[row["pk"]])))

    _lateness(found, period, today, window_kind)

    existing = Honour.objects.filter(kind=kind, period_start=period.first,
                                     **{f"{'window' if window_kind else 'staff'}_id__in": list(by_id)})
    for honour in existing:
        by_id[honour.window_id or honour.staff_id].honour = honour

    for c in found:
        c.shortfalls = shortfalls(kind, c)
    found.sort(key=lambda c: (not c.eligible, -(c.score if c.score is not None else Decimal("-1e6")),
                              -(c.average or 0), -c.ratings, c.name))
    for rank, c in enumerate(found, start=1):
        c.rank = rank
    return found


def _lateness(found: list[Candidate], period: HonourPeriod, today: date, window_kind: bool) -> None:
    """迟到、早退 per person from the attendance sheet, month by month; a window's are its people's."""
    from tongban.org.models import Staff
    from tongban.staffing.indicators import month_indicators

    if window_kind:
        people = Staff.objects.filter(is_active=True, window_id__in=[c.window.pk for c in found])
        owner = dict(people.values_list("pk", "window_id"))
    else:
        people = Staff.objects.filter(pk__in=[c.staff.pk for c in found])
        owner = {c.staff.pk: c.staff.pk for c in found}
    if not owner:
        return
    by_id = {c.subject.pk: c for c in found}
    for month in period.months:
        if month > today:
            break
        _, by_staff = month_indicators(month.year, month.month, staff_qs=people, today=today)
        for staff_id, counts in by_staff.items():
            if staff_id in owner:
                by_id[owner[staff_id]].lateness += [Link(d.label, d.url) for d in counts.lateness]


def shortfalls(kind: HonourKind, c: Candidate) -> list[str]:
    """Why a subject is not a candidate under the kind's rules (empty: it is)."""
    out = []
    if kind.min_score is not None:
        if c.score is None:
            out.append("本期没有效能考核得分")
        elif c.score < kind.min_score:
            out.append(f"考核平均 {c.score} 分，低于 {kind.min_score.normalize():f} 分")
    if c.ratings < kind.min_ratings:
        out.append(f"评价 {c.ratings} 条，少于 {kind.min_ratings} 条")
    if kind.no_bad_review and c.bad_reviews:
        out.append(f"差评 {len(c.bad_reviews)} 条")
    if kind.no_upheld_complaint and c.complaints:
        out.append(f"属实投诉 {len(c.complaints)} 件")
    if kind.no_lateness and c.lateness:
        out.append(f"迟到早退 {len(c.lateness)} 次")
    return out


def honours(user):
    """The nominations and decisions in the viewer's scope (the list page, the API, the export)."""
    return (Honour.objects.visible_to(user)
            .select_related("kind", "unit", "window", "staff", "nominated_by__staff", "decided_by__staff"))


def awarded(**filters):
    return (Honour.objects.filter(status=HonourStatus.AWARDED, **filters).select_related("kind", "unit", "window", "staff__window")
            .order_by("-period_start", "kind__sort_order", "subject_name"))


def awarded_at_point(point):
    """The honours a service point's hall shows: those of windows and people of units under the point, except
    units under another service point nested in it (a township's honours are on the township's page:
    `org.sites.under_point_q`)."""
    from tongban.org.sites import under_point_q

    return awarded().filter(under_point_q(point))


def awarded_at_window(window):
    """A window's honours: the window's own, and those of the people now at it."""
    return awarded().filter(Q(window=window) | Q(staff__window=window))
