"""领导坐班 and the centre's coordination meetings (000 §二(一), §二(四), §二(九); ROADMAP M4, M19).

    DutyRota ──< Decision >── Meeting          a decision of the leader on duty or of a meeting;
                    │                          one that needs lasting work opens a rectification Measure
                    └── measure (rectification.Measure, source = the decision)
    DutyRota ──< Referral                      a problem the centre found, sent to the dispatching
                                               unit's leader, and the answer that comes back

Visibility: a rota day belongs to the leader's unit, a referral to the unit it is sent to, a meeting to
its organising unit and to every unit attending it (so a township admin sees the meetings of its township).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tongban.core.models import TimeStampedModel, VersionedModel
from tongban.meetings.choices import (
    ATTENDANCE_COLORS,
    MEETING_STATUS_COLORS,
    REFERRAL_STATUS_COLORS,
    Attendance,
    MeetingKind,
    MeetingStatus,
    ReferralStatus,
)
from tongban.org.models import Staff, Unit
from tongban.org.scopes import ScopedQuerySet, scope_for, scope_q


class DutyRota(TimeStampedModel):
    """One leader's turn sitting in the hall on one day (领导坐班), and whether they came."""

    leader = models.ForeignKey(Staff, verbose_name="坐班领导", on_delete=models.PROTECT, related_name="duty_days")
    unit = models.ForeignKey(Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="duty_days",
                             help_text="坐班领导的单位（进驻部门的领导即其部门），统计按此单位")
    duty_date = models.DateField("坐班日期")
    attendance = models.CharField("到岗情况", max_length=20, choices=Attendance.choices, default=Attendance.SCHEDULED)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["-duty_date", "leader__name"]
        constraints = [models.UniqueConstraint(fields=["leader", "duty_date"], name="meetings_one_duty_a_day")]
        indexes = [models.Index(fields=["duty_date", "unit"], name="meetings_duty_date_unit")]
        verbose_name = "领导坐班"
        verbose_name_plural = "领导坐班"

    def __str__(self) -> str:
        return f"{self.leader.name} {self.duty_date:%Y-%m-%d} 坐班"

    def get_absolute_url(self) -> str:
        return reverse("meetings:duty_detail", args=[self.pk])

    @property
    def attendance_color(self) -> str:
        return ATTENDANCE_COLORS.get(self.attendance, "secondary")


class MeetingQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The organising unit in scope, or one of the attending units, or the user is one of the attendees (they
        are told of it and find it on their 工作台)."""
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        invited = Meeting.attendees.through.objects.filter(staff__user_id=user.pk or 0).values("meeting_id")
        if scope.is_empty:
            return self.filter(pk__in=invited)
        attending = Meeting.units.through.objects.filter(
            unit_id__in=Unit.objects.filter(scope_q(Unit, scope)).values("pk")).values("meeting_id")
        return self.filter(scope_q(self.model, scope) | Q(pk__in=attending) | Q(pk__in=invited))


class Meeting(VersionedModel):
    """One of the centre's regular coordination meetings, its attendees and, once held, its minutes."""

    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices, default=MeetingKind.RECTIFICATION)
    title = models.CharField("会议名称", max_length=120)
    organiser = models.ForeignKey(Unit, verbose_name="召集单位", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("会议日期")
    place = models.CharField("地点", max_length=100, blank=True)
    chair = models.ForeignKey(Staff, verbose_name="主持人", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="chaired_meetings")
    units = models.ManyToManyField(Unit, verbose_name="参会单位", blank=True, related_name="meetings")
    attendees = models.ManyToManyField(Staff, verbose_name="参会人员", blank=True, related_name="meetings")
    status = models.CharField("状态", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    minutes = models.TextField("会议纪要", blank=True, help_text="会议主要内容；议定事项逐条列入下方，每条成为一项整改措施")
    issued_on = models.DateField("纪要印发日期", null=True, blank=True)

    objects = MeetingQuerySet.as_manager()
    scope_unit_field = "organiser"

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["kind", "held_on"], name="meetings_meeting_kind_date")]
        verbose_name = "协调会议"
        verbose_name_plural = "协调会议"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def status_color(self) -> str:
        return MEETING_STATUS_COLORS.get(self.status, "secondary")


class DecisionQuerySet(ScopedQuerySet):
    pass


class Decision(TimeStampedModel):
    """What a leader on duty decided about a problem, or what a meeting agreed (议定事项): who does what by
    when. One needing lasting work has its measure in the rectification loop, whose source is this decision."""

    duty = models.ForeignKey(DutyRota, verbose_name="坐班", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="decisions")
    meeting = models.ForeignKey(Meeting, verbose_name="会议", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="decisions")
    number = models.PositiveSmallIntegerField("序号", default=1)
    problem_source = models.CharField("问题来源", max_length=40, blank=True)
    problem_title = models.CharField("问题", max_length=200, blank=True)
    problem_url = models.CharField("问题链接", max_length=200, blank=True)
    text = models.TextField("决定事项")
    unit = models.ForeignKey(Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Staff, verbose_name="责任人", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    deadline = models.DateField("完成时限", null=True, blank=True)
    measure = models.OneToOneField("rectification.Measure", verbose_name="整改措施", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="decision")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = DecisionQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["number", "pk"]
        constraints = [models.CheckConstraint(
            condition=Q(duty__isnull=True, meeting__isnull=False) | Q(duty__isnull=False, meeting__isnull=True),
            name="meetings_decision_one_origin")]
        verbose_name = "决定事项"
        verbose_name_plural = "决定事项"

    def __str__(self) -> str:
        return self.text[:40]

    def get_absolute_url(self) -> str:
        origin = self.meeting.get_absolute_url() if self.meeting_id else self.duty.get_absolute_url()
        return f"{origin}#decision-{self.pk}"


class Referral(TimeStampedModel):
    """A problem the centre found, sent to the leader of the unit that dispatched the staff concerned, and
    their answer (中心发现问题与派出单位领导互通机制)."""

    duty = models.ForeignKey(DutyRota, verbose_name="坐班", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="referrals")
    unit = models.ForeignKey(Unit, verbose_name="派出单位", on_delete=models.PROTECT, related_name="referrals")
    leader = models.ForeignKey(Staff, verbose_name="派出单位领导", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="referrals")
    title = models.CharField("问题", max_length=200)
    description = models.TextField("问题描述", blank=True)
    reply_due = models.DateField("答复期限")
    status = models.CharField("状态", max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.WAITING)
    answer = models.TextField("答复", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发送人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["status", "reply_due", "pk"]
        indexes = [models.Index(fields=["unit", "status"], name="meetings_referral_unit")]
        verbose_name = "问题互通单"
        verbose_name_plural = "问题互通单"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:referral_detail", args=[self.pk])

    @property
    def status_color(self) -> str:
        return REFERRAL_STATUS_COLORS.get(self.status, "secondary")
