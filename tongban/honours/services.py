"""Writes of 评优: nominate (the office, with a reason, only a current candidate) and decide (a leader, with a
note and a decision number, never beyond the kind's places). Each is atomic and recorded on the honour's
timeline and on the subject's (window or person)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.history.services import record_event
from tongban.honours import rules
from tongban.honours.choices import HonourStatus, Subject
from tongban.honours.models import Honour, HonourKind, HonourSettings, StaffTraits, number_format_error
from tongban.honours.periods import HonourPeriod


@transaction.atomic
def nominate(kind: HonourKind, period: HonourPeriod, *, subject, reason: str, by, today=None) -> Honour:
    """Put one window or person up for `kind` in `period`. The candidate rules are checked again here, on the
    records of now; the figures are kept with the nomination."""
    from tongban.honours.selectors import candidates

    if not rules.can_nominate(by):
        raise PermissionDenied("只有中心的考核办（整改办）或系统管理员可以提名。")
    if not kind.is_active:
        raise ValidationError("该评优项目已停用。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写提名理由。"})
    if HonourPeriod.of(kind.period, period.first) != period:
        raise ValidationError(f"{kind.name}按{kind.get_period_display()}评选，评选期不对。")
    found = candidates(kind, period, by, only=subject.pk, today=today)
    if not found:
        raise ValidationError(f"“{subject}”不在{kind.name}的评选范围内（评选对象或资格条件不符）。")
    candidate = found[0]
    if candidate.honour is not None:
        raise ValidationError(f"“{candidate.name}”本期已提名过{kind.name}（{candidate.honour.get_status_display()}）。")
    if not candidate.eligible:
        raise ValidationError(f"“{candidate.name}”不符合{kind.name}的条件：{'；'.join(candidate.shortfalls)}。")
    window_kind = kind.subject == Subject.WINDOW
    try:
        with transaction.atomic():
            honour = Honour.objects.create(
                kind=kind, period_start=period.first, period_end=period.last,
                window=subject if window_kind else None, staff=None if window_kind else subject,
                unit=candidate.unit, subject_name=candidate.name, reason=reason.strip(),
                figures=candidate.figures(), nominated_by=by)
    except IntegrityError:
        raise ValidationError(f"“{candidate.name}”本期已提名过{kind.name}。") from None
    message = f"提名{period.label}{kind.name}：{candidate.name}。理由：{honour.reason}（{candidate.summary()}）"
    record_event(honour, "honours.nominated", message, by=by)
    record_event(subject, "honours.nominated", message, by=by, related=honour)
    return honour


def _next_number(year: int) -> str:
    """The next decision number of the year, claimed under a row lock (unique across concurrent decisions).
    A wording stored past the admin's check (`HonourSettings.clean`) is refused in words, not a 500."""
    HonourSettings.load()
    settings = HonourSettings.objects.select_for_update().get(pk=1)
    error = number_format_error(settings.number_format)
    if error:
        raise ValidationError(f"评优设置中的决定文号格式有误：{error}。请系统管理员在“系统管理 → 评优设置”中改正后再决定。")
    if settings.last_year != year:
        settings.last_year, settings.last_number = year, 0
    settings.last_number += 1
    settings.save(update_fields=["last_year", "last_number", "updated_at"])
    return settings.number_format.format(year=year, n=settings.last_number)


@transaction.atomic
def decide(honour: Honour, *, award: bool, note: str, by) -> Honour:
    """A leader awards the honour or not, with a note; the decision gets a number. Awards never exceed the
    kind's places for the period."""
    if not rules.can_decide(by):
        raise PermissionDenied("只有中心领导可以决定评优。")
    honour = Honour.objects.select_for_update(of=("self",)).select_related("kind", "window", "staff").get(pk=honour.pk)
    if honour.status != HonourStatus.NOMINATED:
        raise ValidationError(f"该提名已决定（{honour.get_status_display()}，{honour.decision_number}）。")
    if not note.strip():
        raise ValidationError({"decision_note": "请填写决定意见。"})
    if award:
        # Lock the kind so two leaders awarding the last place at once cannot both pass the count.
        kind = HonourKind.objects.select_for_update().get(pk=honour.kind_id)
        given = Honour.objects.filter(kind=kind, period_start=honour.period_start,
                                      status=HonourStatus.AWARDED).count()
        if given >= kind.places:
            raise ValidationError(f"{honour.period_label}{kind.name}名额 {kind.places} 个已满，不能再授予。")
    now = timezone.now()
    honour.status = HonourStatus.AWARDED if award else HonourStatus.REJECTED
    honour.decided_by, honour.decided_at, honour.decision_note = by, now, note.strip()
    honour.decision_number = _next_number(timezone.localdate(now).year)
    try:
        with transaction.atomic():
            honour.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "decision_number",
                                       "updated_at"])
    except IntegrityError:  # the wording was changed back to one that numbered earlier decisions
        raise ValidationError(f"决定文号“{honour.decision_number}”已被以前的决定使用，请系统管理员检查“评优设置”中的"
                              "决定文号格式。") from None
    verb = "授予" if award else "不授予"
    message = (f"{verb}{honour.subject_name}{honour.period_label}{honour.kind.name}（{honour.decision_number}）。"
               f"意见：{honour.decision_note}")
    record_event(honour, f"honours.{'awarded' if award else 'rejected'}", message, by=by)
    record_event(honour.window or honour.staff, f"honours.{'awarded' if award else 'rejected'}", message, by=by,
                 related=honour)
    if award:
        _tell(honour)
    return honour


def _tell(honour: Honour) -> None:
    """The person awarded (or the people at the window) hear of it in their inbox (email after commit)."""
    from tongban.notifications.services import notify
    from tongban.org.models import Staff

    people = [honour.staff] if honour.staff_id else list(Staff.objects.filter(window=honour.window, is_active=True))
    users = [p.user for p in people if p.user_id]
    notify(users, title=f"荣获{honour.period_label}{honour.kind.name}", code="honours.awarded",
           body=f"{honour.subject_name}荣获{honour.period_label}{honour.kind.name}（{honour.decision_number}）。",
           link=honour.get_absolute_url())


@transaction.atomic
def set_traits(staff, *, party_member: bool, female: bool, by) -> StaffTraits:
    """Record a person's eligibility attributes (the office keeps them)."""
    if not rules.can_nominate(by):
        raise PermissionDenied("只有中心的考核办（整改办）或系统管理员可以登记评优资格。")
    traits, _ = StaffTraits.objects.select_for_update().get_or_create(staff=staff)
    if (traits.party_member, traits.female) != (party_member, female):
        traits.party_member, traits.female = party_member, female
        traits.save(update_fields=["party_member", "female", "updated_at"])
        record_event(staff, "honours.traits", f"评优资格：{'中共党员' if party_member else '非党员'}、"
                                              f"{'女性' if female else '男性'}。", by=by)
    return traits
