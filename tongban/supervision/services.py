"""Every write of supervision after the scan (clocks.py): 督办单 raised by cards, their escalation when
unanswered, the department's reply, and the one rectification measure per unit and month.

Each step is set-based and claimed by a unique row (a card's one 督办单, an (urge, level) escalation, a
(unit, month) measure opening), so the daily job may run a day again without doing anything twice; the
messages carry dedupe keys."""
from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from tongban.core.text import shorten
from tongban.history.services import record_event
from tongban.org.choices import Role
from tongban.supervision.choices import COUNTED_CARD_KINDS, Audience, CardColor, MeasureTrigger, UrgeStatus
from tongban.supervision.clocks import _lit, _q
from tongban.supervision.error_codes import SupervisionError, supervision_error
from tongban.supervision.models import (
    Card,
    EscalationStep,
    MeasureOpening,
    SupervisionSettings,
    Urge,
    UrgeEscalation,
)
from tongban.workdays.models import Day

SHOWN_PER_MESSAGE = 20


def workday_after(day: date, n: int) -> date:
    """The n-th workday after `day` from the calendar table (provisional years counted Monday to Friday)."""
    from tongban.workdays.services import add_workdays

    return add_workdays(day, n).date


def _workday_before(day: date, n: int) -> date:
    """The first day whose workday index is idx(day) - n: a date before it is more than n workdays ago."""
    from tongban.workdays.services import ensure_years

    ensure_years(day.year - 1, day.year)
    index = Day.objects.get(date=day).workday_index - n
    found = Day.objects.filter(is_workday=True, workday_index=index).values_list("date", flat=True).first()
    return found or date.min


# --- 督办单 ------------------------------------------------------------------------------------------------

def raise_urges(day: date) -> int:
    """One 督办单 per card without one, to the card's unit, answerable within `urge_reply_workdays` working
    days (one INSERT … SELECT); then one message per department for the day."""
    policy = SupervisionSettings.load()
    reply_due = workday_after(day, policy.urge_reply_workdays)
    urges, cards = _q(Urge._meta.db_table), _q(Card._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {urges} (card_id, case_id, unit_id, issued_on, reply_due, level, status, reply, notified,
                                 created_at, updated_at)
            SELECT k.id, k.case_id, k.unit_id, {_lit(day)}, {_lit(reply_due)}, 0, {_lit(UrgeStatus.WAITING)}, '',
                   FALSE, %s, %s
            FROM {cards} k
            WHERE k.issued_on <= {_lit(day)} AND NOT EXISTS (SELECT 1 FROM {urges} u WHERE u.card_id = k.id)""",
                       [now, now])
        raised = max(cursor.rowcount, 0)
    _tell_departments(day)
    return raised


def _tell_departments(day: date) -> None:
    """Each department with new 督办单 hears once (inbox + email), listing the cases."""
    from tongban.notifications.services import Message, notify_many

    fresh = list(Urge.objects.filter(notified=False).select_related("case", "card").order_by("unit_id", "reply_due", "pk"))
    if not fresh:
        return
    by_unit: dict[int, list[Urge]] = {}
    for urge in fresh:
        by_unit.setdefault(urge.unit_id, []).append(urge)
    people = _unit_users(by_unit, Audience.DEPARTMENT)
    messages = []
    for unit_id, urges in by_unit.items():
        lines = [f"{u.card.get_color_display()}｜{u.case.number} {shorten(u.case.title, 30)}｜请于 {u.reply_due:%Y-%m-%d} 前答复"
                 for u in urges[:SHOWN_PER_MESSAGE]]
        if len(urges) > SHOWN_PER_MESSAGE:
            lines.append(f"另有 {len(urges) - SHOWN_PER_MESSAGE} 件")
        messages.append(Message(people.get(unit_id, []), title=f"电子监察督办单 {len(urges)} 件：请按期答复",
                                body="\n".join(lines), link="/supervision/orders/", code="supervision.urge",
                                dedupe_key=f"supervision.urge:{day.isoformat()}:{unit_id}"))
    with transaction.atomic():
        notify_many(messages)
        Urge.objects.filter(pk__in=[u.pk for u in fresh]).update(notified=True)


def _unit_users(units, audience: str) -> dict[int, list[int]]:
    """{unit id: active login ids} of who `audience` names for each unit; a unit without any leader falls
    back on the centre's leaders, so a red notice always reaches someone."""
    from tongban.org.models import Staff

    unit_ids = list(units)
    active = Staff.objects.filter(is_active=True, user__isnull=False, user__is_active=True)
    found: dict[int, set[int]] = {pk: set() for pk in unit_ids}
    if audience == Audience.DEPARTMENT:
        rows = active.filter(unit_id__in=unit_ids).values_list("unit_id", "user_id")
    elif audience == Audience.DEPARTMENT_HEAD:
        rows = active.filter(Q(is_leader=True) | Q(role__in=[Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN]),
                             unit_id__in=unit_ids).values_list("unit_id", "user_id")
    else:
        rows = list(active.filter(is_leader=True, unit_id__in=unit_ids).values_list("unit_id", "user_id"))
        rows += list(active.filter(units_in_charge__in=unit_ids).values_list("units_in_charge", "user_id"))
    for unit_id, user_id in rows:
        found.setdefault(unit_id, set()).add(user_id)
    if audience != Audience.DEPARTMENT:
        fallback = set(active.filter(role=Role.CENTER_LEADER).values_list("user_id", flat=True))
        for unit_id in unit_ids:
            if not found[unit_id]:
                found[unit_id] = fallback
    return {unit_id: sorted(users) for unit_id, users in found.items()}


def escalate(day: date) -> int:
    """督办升级: a 督办单 unanswered past its deadline by a step's `after_workdays` climbs to that step —
    one level a day at most, each (urge, level) claimed once by its unique row — and gets the step's new
    deadline; then each step's audience hears once per unit. Returns how many urges climbed."""
    steps = list(EscalationStep.objects.order_by("-level"))
    urges, escalations = _q(Urge._meta.db_table), _q(UrgeEscalation._meta.db_table)
    climbed = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for step in steps:  # highest first, so an urge promoted today is not promoted again today
            cutoff = _workday_before(day, step.after_workdays)
            new_due = workday_after(day, step.reply_workdays)
            cursor.execute(f"""
                INSERT INTO {escalations} (urge_id, step_id, level, {_q('on')}, reply_due, notified)
                SELECT u.id, {int(step.pk)}, {int(step.level)}, {_lit(day)}, {_lit(new_due)}, FALSE FROM {urges} u
                WHERE u.status = {_lit(UrgeStatus.WAITING)} AND u.level = {int(step.level) - 1}
                  AND u.reply_due < {_lit(cutoff)}
                  AND NOT EXISTS (SELECT 1 FROM {escalations} e WHERE e.urge_id = u.id AND e.level = {int(step.level)})""")
            climbed += max(cursor.rowcount, 0)
        cursor.execute(f"""
            UPDATE {urges} SET level = e.level, reply_due = e.reply_due
            FROM {escalations} e
            WHERE e.urge_id = {urges}.id AND e.{_q('on')} = {_lit(day)} AND e.level > {urges}.level""")
    _tell_escalations(day)
    return climbed


def _tell_escalations(day: date) -> None:
    from tongban.notifications.services import Message, notify_many

    fresh = list(UrgeEscalation.objects.filter(notified=False).select_related("urge__case", "urge__unit", "step")
                 .order_by("level", "urge__unit_id", "pk"))
    if not fresh:
        return
    groups: dict[tuple[int, int], list[UrgeEscalation]] = {}
    for row in fresh:
        groups.setdefault((row.level, row.urge.unit_id), []).append(row)
    messages = []
    for (level, unit_id), rows in groups.items():
        step = rows[0].step
        people = _unit_users([unit_id], step.audience)[unit_id]
        lines = [f"{r.urge.case.number} {shorten(r.urge.case.title, 30)}｜请于 {r.reply_due:%Y-%m-%d} 前答复"
                 for r in rows[:SHOWN_PER_MESSAGE]]
        unit = rows[0].urge.unit
        messages.append(Message(people, title=f"电子监察{step.name}：{unit.name} {len(rows)} 件督办单逾期未答复",
                                body="\n".join(lines), link="/supervision/orders/", code=f"supervision.escalation.{level}",
                                dedupe_key=f"supervision.escalation:{level}:{day.isoformat()}:{unit_id}"))
    with transaction.atomic():
        notify_many(messages)
        UrgeEscalation.objects.filter(pk__in=[r.pk for r in fresh]).update(notified=True)
        for row in fresh:
            record_event(row.urge, "supervision.urge.escalated",
                         f"逾期未答复，升级为“{row.step.name}”，新的答复期限 {row.reply_due:%Y-%m-%d}")


def can_reply(user, urge: Urge) -> bool:
    """The responsible department answers: its own staff, a head over it, or an administrator."""
    if getattr(user, "is_superuser", False):
        return True
    staff = getattr(user, "staff", None)
    if staff is None or not staff.is_active:
        return False
    if staff.unit_id == urge.unit_id:
        return True
    if staff.role in (Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN, Role.SYSTEM_ADMIN):
        return Urge.objects.visible_to(user).filter(pk=urge.pk).exists()
    return False


@transaction.atomic
def reply_to_urge(urge: Urge, *, text: str, by, on: date | None = None) -> Urge:
    """The department's answer to a 督办单: what it did or will do; stops the escalation."""
    text = (text or "").strip()
    if not can_reply(by, urge):
        raise supervision_error(SupervisionError.NOT_RESPONSIBLE, unit=urge.unit.name)
    if not text:
        raise supervision_error(SupervisionError.REPLY_REQUIRED)
    current = Urge.objects.select_for_update().get(pk=urge.pk)
    if current.status != UrgeStatus.WAITING:
        raise supervision_error(SupervisionError.ALREADY_REPLIED, on=current.replied_on)
    current.status = UrgeStatus.REPLIED
    current.reply = text[:2000]
    current.replied_on = on or timezone.localdate()
    current.replied_by = by
    current.save(update_fields=["status", "reply", "replied_on", "replied_by", "updated_at"])
    record_event(current, "supervision.urge.replied", f"答复督办：{shorten(text, 80)}", by=by)
    inspectors = list(get_user_model().objects.filter(
        is_active=True, staff__is_active=True, staff__role__in=[Role.INSPECTOR, Role.CENTER_LEADER])
        .values_list("pk", flat=True))

    def send():
        from tongban.notifications.services import notify

        notify(inspectors, title=f"督办单已答复：{current.case.number}", body=shorten(text, 200),
               link=current.get_absolute_url(), code="supervision.urge_replied",
               dedupe_key=f"supervision.urge_replied:{current.pk}")

    transaction.on_commit(send)
    return current


# --- 整改措施：每个单位每月一项 ---------------------------------------------------------------------------

def open_measures(day: date) -> int:
    """A red card (or, by the setting, any overdue clock) opens ONE measure per unit and month in the
    rectification loop (source 超期办件), claimed by the unique (unit, month) row. Returns how many opened."""
    from tongban.org.models import Unit
    from tongban.rectification import services as rectification
    from tongban.rectification.choices import DeadlineKind, SourceKind

    policy = SupervisionSettings.load()
    if policy.measure_trigger == MeasureTrigger.OFF:
        return 0
    month = day.replace(day=1)
    cards = Card.objects.filter(month=month, issued_on__lte=day, kind__in=COUNTED_CARD_KINDS)
    if policy.measure_trigger == MeasureTrigger.RED_CARD:
        cards = cards.filter(color=CardColor.RED)
    else:
        cards = cards.filter(due_date__lt=day)
    counts = {row["unit_id"]: row for row in cards.exclude(
        unit_id__in=MeasureOpening.objects.filter(month=month).values("unit_id"))
        .values("unit_id").annotate(n=Count("pk"), red=Count("pk", filter=Q(color=CardColor.RED)),
                                    cases=Count("case_id", distinct=True))}
    opened = 0
    deadline = workday_after(day, policy.measure_deadline_workdays)
    for unit in Unit.objects.filter(pk__in=counts).order_by("path"):
        row = counts[unit.pk]
        try:
            with transaction.atomic():
                claim = MeasureOpening.objects.create(unit=unit, month=month, opened_on=day)
                first = cards.filter(unit=unit).order_by("issued_on", "pk").select_related("case").first()
                text = (f"{month:%Y年%m月}超期办件整改：截至{day:%m月%d日}，电子监察亮牌 {row['n']} 张"
                        f"（其中红牌 {row['red']} 张），涉及办件 {row['cases']} 件。请查明超期原因，逐件说明，"
                        f"提出防止再次超期的措施。")
                measure = rectification.create_measure(
                    text=text, lead_unit=unit, source_kind=SourceKind.OVERDUE_CASE, source=first.case if first else None,
                    deadline_kind=DeadlineKind.DATE, deadline=deadline)
                claim.measure = measure
                claim.save(update_fields=["measure"])
                opened += 1
        except IntegrityError:  # another run claimed this unit and month first
            continue
    return opened


def daily(day: date, *, full: bool | None = None, resync: bool = False) -> dict:
    """The daily job: scan, then 督办, escalation and measures — each idempotent for the day."""
    from tongban.supervision.clocks import scan

    result = scan(day, full=full, resync=resync)
    if "skipped" in result:
        return result
    return {**result, "urges": raise_urges(day), "escalated": escalate(day), "measures": open_measures(day)}

