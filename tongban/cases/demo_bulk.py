"""The bulk of `tongban demo`'s cases: ~5,000 over the last three months, written set-based.

Going through the services costs ~30 ms an intake (5,000 would take minutes), so the hand-checked core of
`demo.py` goes through them and this module writes the rest with bulk inserts that store what the services
would: a case number from the real sequence row (a block claimed by one UPDATE per day), the catalogue's
checklist (`intake.checklist_for`) and tasks (the intake's own `_tasks` and `_budget`), events with their
codes and BLZT (`transitions.blzt_of`) and the services' messages, suspensions, handovers and 容缺 fields.
The clocks are not computed here: one `clocks.count_suspension_workdays` and one `clocks.refresh_case_clocks`
over all the new cases derive the suspension days and every due and warning date from the one calendar.

Who may take what comes from `intake.takeable_items` / `takeable_bundles` (the rules behind
`why_window_cannot_take`): the centre's comprehensive windows, its project windows and the two sub-centres
take anything, a specialist window its department's items, a township window the items delegated to it.
城关镇 (CG01) and 李集镇 (LJ01) keep only the core's hand-made cases (and no bulk case has a task for them:
their own 养老保险参保登记 is left out), so what their admins see stays hand-checkable
(core/tests/test_api_scopes.py). The demo county has no windows at its bank / post outlets,
so no case is taken there.

The mix (shares of the bulk, `MIX`): 77.5 % closed on time, 2 % closed late, 2 % decided and waiting at the
delivery window, 8 % open on time, 4 % due soon, 4 % overdue, 2 % refused (不予受理), 0.5 % withdrawn;
across them ~10 % went through 补正, ~5 % were accepted under 容缺 (a few missed the deadline), ~2 % had a
特别程序 and ~1 % of the closed ones were refused on review (不予许可).

Idempotent: every bulk case's `case.received` event carries `{"demo": BULK_KEY}`; when one exists the bulk
is not written again, so a re-run adds nothing and never touches a case people have worked on since.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tongban.cases.choices import (
    ApplicantKind,
    CaseStatus,
    Decision,
    HandoverMethod,
    IdType,
    MaterialState,
    TaskStatus,
)
from tongban.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseNumberSequence,
    CaseSettings,
    CaseTask,
    Handover,
    Suspension,
)
from tongban.cases.transitions import BLZT_CLOSED_APPROVED, BLZT_CLOSED_DENIED, BLZT_CLOSED_PENDING, BLZT_RECALLED, blzt_of
from tongban.catalog.choices import Audience, SpecialStepKind

BULK_KEY = "cases-bulk"
SEED = 20261130
MONTHS_DAYS = 91  # "the last three months"

# Shares of the bulk: (outcome, share). The outcomes are described in the module docstring.
MIX = [("closed", 0.775), ("closed_late", 0.02), ("ready", 0.02), ("on_time", 0.08), ("due_soon", 0.04),
       ("overdue", 0.04), ("refused", 0.02), ("withdrawn", 0.005)]
# How an open case on time / due soon is waiting: (status, share).
ON_TIME_STATES = [("reviewing", 0.55), ("received", 0.2), ("correcting", 0.15), ("suspended", 0.1)]
DUE_SOON_STATES = [("reviewing", 0.8), ("received", 0.2)]
CORRECTION_SHARE = 0.085  # of the accepted cases; with the 补正中 and half the refusals: ~10 % of all
PENDING_SHARE = 0.055  # 容缺受理, of the accepted cases whose checklist allows it
SUSPENSION_SHARE = 0.015  # an ended 特别程序, of the closed cases (the 特别程序中 come from ON_TIME_STATES)
DENIED_SHARE = 0.012  # 不予许可 on review, of the closed cases
# Where cases are taken: (window group, share); a group's windows share it equally.
WINDOW_GROUPS = [("centre", 0.48), ("project", 0.04), ("sub_center", 0.06), ("specialist", 0.14), ("township", 0.28)]
HAND_CHECKED_WINDOWS = ("CG01", "LJ01")  # the core's township cases: kept hand-checkable

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = ["建国", "秀英", "志强", "丽娟", "海涛", "晓燕", "国华", "桂兰", "明", "静", "伟", "芳", "磊", "洋", "婷",
         "红霞", "玉兰", "春生", "秋菊", "建军", "文博", "子涵", "雨桐", "浩然", "欣怡", "俊杰", "梓萱", "宇航", "佳怡",
         "振华", "淑珍", "德胜", "金凤", "永强", "凤英", "国庆", "丽华", "晓东", "海燕", "志刚", "雪梅", "长江", "新民"]
PLACES = ["城关", "李集", "王集", "张店", "赵河", "马山", "石桥", "孙庄", "杨营", "黄庄", "柳河", "陈庄", "东关", "西关"]
WORDS = ["鑫源", "福满", "德顺", "宏达", "金穗", "惠民", "瑞丰", "聚德", "恒信", "永盛", "华泰", "顺昌", "嘉禾", "同心"]
TRADES = ["餐饮有限公司", "商贸有限公司", "酒家", "宾馆", "书店", "文化传媒有限公司", "便利店", "农业发展有限公司",
          "建材有限公司", "家政服务有限公司"]
AREA_CODES = ["410523", "410522", "410526", "410527", "410502", "410503"]
PROBLEMS = ["复印件不清晰，请重新提供", "缺少申请人签字", "与原件不一致", "已过有效期", "未加盖公章"]
REFUSALS = ["申请事项不属于本机关职权范围，已告知向有关行政机关申请", "申请人不具备申请资格",
            "补正后材料仍不符合法定形式"]
DENIALS = ["经现场核查，经营场所不符合卫生要求", "申请事项不符合法定条件"]
WITHDRAWALS = ["申请人主动撤回申请", "申请人经营计划变更，申请撤回"]
SUSPENSION_KINDS = [(SpecialStepKind.SITE_CHECK, "需现场核查经营场所"), (SpecialStepKind.EXPERT_REVIEW, "需组织专家评审"),
                    (SpecialStepKind.TESTING, "需委托检测")]
APPROVED = "材料齐全，符合法定条件"


# --- The calendar, in Python only to aim the dates (the stored clocks come from SQL) ------------------


class Workdays:
    """The workdays around today, read once from the calendar: `add(day, n)` is the n-th workday after a
    workday, as `workdays.services.add_workdays` counts (§82: from the day after)."""

    def __init__(self, today: date):
        from tongban.workdays.models import Day
        from tongban.workdays.services import ensure_years

        ensure_years(today.year - 1, today.year + 1)
        self.today = today
        self.days = list(Day.objects.filter(is_workday=True, date__gte=today - timedelta(days=MONTHS_DAYS + 60),
                                            date__lte=today + timedelta(days=120)).order_by("date")
                         .values_list("date", flat=True))
        self.position = {day: index for index, day in enumerate(self.days)}
        self.past = [d for d in self.days if today - timedelta(days=MONTHS_DAYS) <= d <= today]

    def add(self, day: date, n: int) -> date:
        return self.days[self.position[day] + n]

    def between(self, start: date, end: date) -> int:
        return self.position[end] - self.position[start]


def outcome_of(due: date | None, warn: date | None, today: date) -> str:
    """The selectors' overdue / due soon (selectors.overdue_q, due_soon_q), for aiming an open case."""
    if due is None:
        return "on_time"
    if due < today:
        return "overdue"
    return "due_soon" if warn <= today else "on_time"


# --- One case, simulated as the services would record it -------------------------------------------


@dataclass
class Template:
    """What an intake at one unit of one item or bundle stores: title, budget, checklist, tasks."""

    item: object
    bundle: object
    title: str
    budget: int
    materials: list[dict]
    tasks: list[dict]
    organisation: bool
    pendable: list[int]  # indexes of materials that may be pending


@dataclass
class Planned:
    index: int
    window: object
    template: Template
    received_by: object
    fields: dict = field(default_factory=dict)
    materials: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    suspensions: list[dict] = field(default_factory=list)
    handover: dict | None = None
    events: list[tuple] = field(default_factory=list)

    def event(self, day: date, code: str, message: str, *, by=None, task: int | None = None, blzt: int | None = None,
              **data) -> None:
        self.events.append((day, code, blzt if blzt is not None else blzt_of(code), message[:500], by, task, data))


class Simulator:
    """Builds the planned rows of one case per call, from the outcome drawn from MIX."""

    def __init__(self, county, days: Workdays, rng: random.Random):
        from tongban.cases.services.intake import takeable_bundles, takeable_items
        from tongban.catalog.models import Bundle

        self.days, self.rng, self.today = days, rng, days.today
        self.policy = CaseSettings.load()
        users = county.users
        self.admin = users.get("admin")
        self.user_at_window = {u.staff.window_id: u for u in users.values()
                               if getattr(u, "staff", None) is not None and u.staff.window_id}
        self.reviewer_of = {u.staff.unit_id: u for u in users.values()
                            if getattr(u, "staff", None) is not None and not u.staff.window_id
                            and u.staff.unit.kind.code == "department"}
        self.enterprise_items = set()
        for bundle in Bundle.objects.filter(audience=Audience.ENTERPRISE).prefetch_related("nodes"):
            self.enterprise_items |= {node.item_id for node in bundle.nodes.all()}
        self.templates: dict[tuple, Template] = {}
        self.checklists: dict[tuple, list] = {}
        self.groups: dict[str, list] = {}
        kept = [w.unit.path for w in self._windows(hand_checked=True)]
        for window in self._windows():
            offers = [("item", i) for i in takeable_items(window).select_related("implementing_unit")]
            offers += [("bundle", b) for b in takeable_bundles(window)]
            offers = [(kind, what) for kind, what in offers  # nothing for the hand-checked townships to review
                      if not any(t["unit"].path.startswith(path) for path in kept
                                 for t in self.template(window, kind, what).tasks)]
            if offers:
                self.groups.setdefault(self._group(window), []).append((window, offers))

    def _windows(self, *, hand_checked: bool = False):
        from tongban.org.choices import WindowKind
        from tongban.org.models import Window

        windows = Window.objects.filter(is_active=True, kind__in=[WindowKind.INTAKE, WindowKind.SPECIALIST])
        windows = windows.filter(code__in=HAND_CHECKED_WINDOWS) if hand_checked else windows.exclude(
            code__in=HAND_CHECKED_WINDOWS)
        return windows.select_related("unit__kind").order_by("code")

    @staticmethod
    def _group(window) -> str:
        from tongban.cases.services.intake import is_township_window

        if window.kind == "specialist":
            return "specialist"
        if is_township_window(window):
            return "township"
        return {"center": "centre", "sub_center": "sub_center"}.get(window.unit.kind.code, "project")

    def template(self, window, kind: str, what) -> Template:
        from tongban.cases.services.intake import _budget, _tasks, checklist_for

        key = (window.unit_id, kind, what.pk)
        if key not in self.templates:
            item, bundle = (what, None) if kind == "item" else (None, what)
            if (kind, what.pk) not in self.checklists:  # the same at every window
                self.checklists[kind, what.pk] = checklist_for(item, bundle)
            materials = self.checklists[kind, what.pk]
            organisation = (bundle.audience == Audience.ENTERPRISE) if bundle else what.pk in self.enterprise_items
            self.templates[key] = Template(
                item=item, bundle=bundle, title=what.name, budget=_budget(item, bundle), materials=materials,
                tasks=[{**t, "unit": self._unit(t["unit_id"])} for t in _tasks(item, bundle, window.unit)],
                organisation=organisation,
                pendable=[i for i, m in enumerate(materials) if m["may_be_pending"] and not m["produced"]])
        return self.templates[key]

    def _unit(self, pk: int):
        """The reviewing department of a task (the intake's `_tasks` names it by id), read once per unit."""
        from tongban.org.models import Unit

        if not hasattr(self, "units"):
            self.units = Unit.objects.in_bulk()
        return self.units[pk]

    # -- drawing ---------------------------------------------------------------------------------------

    def draw(self, weights):
        return self.rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]

    def place(self, *, pendable: bool = False, single: bool = False, min_budget: int = 0):
        """A window and what it takes (weighted by WINDOW_GROUPS), meeting the conditions."""
        for _ in range(200):
            group = self.groups.get(self.draw(WINDOW_GROUPS))
            if not group:
                continue
            window, offers = self.rng.choice(group)
            items = [o for o in offers if o[0] == "item"]
            bundles = [o for o in offers if o[0] == "bundle"]
            kind, what = self.rng.choice(bundles if bundles and not single and self.rng.random() < 0.2 else items)
            template = self.template(window, kind, what)
            if (pendable and not template.pendable) or template.budget < min_budget:
                continue
            return window, template
        raise RuntimeError("演示目录中没有符合条件的事项")

    # -- one case --------------------------------------------------------------------------------------

    def plan(self, index: int) -> Planned:
        """One case of an outcome drawn from MIX; drawn again (same outcome) until every day is past."""
        outcome = self.draw(MIX)
        state = {"on_time": lambda: self.draw(ON_TIME_STATES), "due_soon": lambda: self.draw(DUE_SOON_STATES),
                 "overdue": lambda: "reviewing"}.get(outcome, lambda: outcome)()
        for attempt in range(100):
            case = self._attempt(index, outcome, state, attempt)
            if case is not None and max(e[0] for e in case.events) <= self.today:
                return case
        raise RuntimeError(f"演示办件无法排期：{outcome}")

    def _attempt(self, index: int, outcome: str, state: str, attempt: int) -> Planned | None:
        accepted_path = state in ("closed", "closed_late", "ready", "reviewing", "suspended") or (
            outcome == "withdrawn" and self.rng.random() < 0.5)
        pending = accepted_path and outcome != "withdrawn" and self.rng.random() < PENDING_SHARE
        denied = state == "closed" and self.rng.random() < DENIED_SHARE
        single = denied or state in ("closed_late", "suspended")
        window, template = self.place(pendable=pending, single=single,
                                      min_budget=3 if outcome == "on_time" and state != "received" else 0)
        case = Planned(index=index, window=window, template=template,
                       received_by=self.user_at_window.get(window.pk, self.admin))
        case.fields = {"status": CaseStatus.RECEIVED, "accepted_on": None, "correction_notified_on": None,
                       "accepted_with_pending": False, "pending_due_date": None, "pending_overdue": False,
                       "decision": "", "decision_reason": "", "decided_on": None, "closed_on": None,
                       "refusal_reason": "", "withdrawal_reason": "", "clock_start": None, **self.applicant(case)}
        case.materials = [{**m, "state": (MaterialState.PRODUCED if m["produced"] else MaterialState.ELECTRONIC
                                          if m["is_electronic_licence"] else MaterialState.MISSING),
                           "received_originals": 0, "received_copies": 0, "problem": "", "supplied_on": None}
                          for m in template.materials]
        case.tasks = [{**t, "status": TaskStatus.WAITING, "opened_on": None, "decided_on": None, "decided_by": None,
                       "reason": ""} for t in template.tasks]
        if outcome == "refused":
            self._refused(case)
        elif not accepted_path:
            self._before_acceptance(case, outcome, state)
        else:
            accepted = self._acceptance_day(case, outcome, state, attempt)
            if accepted is None:
                return None
            self._accepted(case, accepted, outcome, state, pending=pending, denied=denied)
        return case

    def _receive(self, case: Planned, day: date) -> None:
        case.fields.update(received_on=day, clock_start=day)
        case.event(day, "case.received", f"{case.window.name}收件：{case.template.title}", by=case.received_by,
                   window=case.window.pk, demo=BULK_KEY)

    def _bring_all(self, case: Planned) -> None:
        for m in case.materials:
            if m["state"] in (MaterialState.PRODUCED, MaterialState.ELECTRONIC):
                continue
            m.update(state=MaterialState.RECEIVED, received_originals=m["originals"], received_copies=m["copies"],
                     problem="")

    def _notify(self, case: Planned, day: date) -> None:
        """一次性告知: most materials brought, one or two to correct (or missing)."""
        self._bring_all(case)
        candidates = [m for m in case.materials if m["state"] == MaterialState.RECEIVED and m["is_required"]] or \
            [m for m in case.materials if m["state"] != MaterialState.PRODUCED]  # a notice always lists something
        for m in self.rng.sample(candidates, min(len(candidates), self.rng.choice([1, 1, 2]))):
            if self.rng.random() < 0.7:
                m.update(state=MaterialState.DEFECTIVE, problem=self.rng.choice(PROBLEMS))
            else:
                m.update(state=MaterialState.MISSING, received_originals=0, received_copies=0)
        listed = [m for m in case.materials if m["state"] in (MaterialState.MISSING, MaterialState.DEFECTIVE)]
        names = "；".join(f"{m['name']}（{m['problem']}）" if m["problem"] else m["name"] for m in listed)
        case.fields.update(status=CaseStatus.CORRECTING, correction_notified_on=day, clock_start=None)
        case.event(day, "case.correction_notified", f"一次性告知补正：{names}", by=case.received_by,
                   materials=[m["identity"].code for m in listed])

    def _correct(self, case: Planned, day: date) -> None:
        self._bring_all(case)
        case.fields.update(status=CaseStatus.RECEIVED, clock_start=day)
        case.event(day, "case.corrected", "申请人已补正材料", by=case.received_by)

    def _cancel_open_tasks(self, case: Planned) -> None:
        for t in case.tasks:
            if t["status"] not in (TaskStatus.APPROVED, TaskStatus.DENIED, TaskStatus.CANCELLED):
                t["status"] = TaskStatus.CANCELLED

    def _refused(self, case: Planned) -> None:
        day = self.rng.choice(self.days.past[:-3])
        self._receive(case, day)
        if self.rng.random() < 0.5:
            self._notify(case, day)
            day = self.days.add(day, self.rng.randint(1, 3))
        reason = self.rng.choice(REFUSALS)
        case.fields.update(status=CaseStatus.REFUSED, refusal_reason=reason, clock_start=None, closed_on=day)
        self._cancel_open_tasks(case)
        case.event(day, "case.refused", f"不予受理：{reason}", by=case.received_by)

    def _before_acceptance(self, case: Planned, outcome: str, state: str) -> None:
        """待受理 / 补正中 today, or withdrawn before acceptance."""
        past = self.days.past
        if outcome == "withdrawn":
            day = self.rng.choice(past[:-3])
            self._receive(case, day)
            self._bring_all(case)
            day = self.days.add(day, self.rng.randint(0, 2))
            self._withdraw(case, day, blzt=2)
            return
        if state == "correcting":
            day = self.rng.choice(past[-5:])
            self._receive(case, day)
            self._notify(case, day)
            return
        # 待受理: aimed at on time (received in the last three workdays) or due soon (§32: working day 4–5).
        choices = [d for d in past[-7:] if outcome_of(self.days.add(d, self.policy.intake_workdays),
                                                       self.days.add(d, self.policy.intake_workdays - self.policy.warn_workdays),
                                                       self.today) == outcome]
        day = self.rng.choice(choices or past[-1:])
        self._receive(case, day)
        self._bring_all(case)

    def _withdraw(self, case: Planned, day: date, *, blzt: int) -> None:
        reason = self.rng.choice(WITHDRAWALS)
        for s in case.suspensions:
            s["ended_on"] = s["ended_on"] or day
        self._cancel_open_tasks(case)
        case.fields.update(status=CaseStatus.WITHDRAWN, withdrawal_reason=reason, closed_on=day)
        case.event(day, "case.withdrawn", f"申请人撤回：{reason}", by=case.received_by, blzt=blzt)

    def _acceptance_day(self, case: Planned, outcome: str, state: str, attempt: int) -> date | None:
        """The day of acceptance, aimed so the stored clock lands in the outcome (None: not with this item)."""
        past, budget = self.days.past, case.template.budget
        if outcome in ("on_time", "due_soon", "overdue"):
            def lands(day):
                due = self.days.add(day, budget)
                warn = self.days.add(day, max(budget - self.policy.warn_workdays, 0))
                return outcome_of(due, warn, self.today) == outcome
            earliest = 8 if outcome == "overdue" else 4
            choices = [d for d in past[earliest:] if lands(d) and (state != "suspended" or d < past[-1])]
            return self.rng.choice(choices) if choices else None
        if outcome == "ready":
            return self.rng.choice(past[-12 - attempt:-2])
        return self.rng.choice(past[4:max(5, len(past) - 6 - attempt * 2)])

    def _accepted(self, case: Planned, accepted: date, outcome: str, state: str, *, pending: bool,
                  denied: bool) -> None:
        days = self.days
        corrected = self.rng.random() < CORRECTION_SHARE
        received = days.add(accepted, -self.rng.randint(1, 3)) if corrected else (
            days.add(accepted, -1) if self.rng.random() < 0.15 else accepted)
        self._receive(case, received)
        if corrected:
            self._notify(case, received)
            self._correct(case, accepted)
        self._bring_all(case)
        case.fields.update(status=CaseStatus.REVIEWING, accepted_on=accepted, clock_start=accepted)
        due = days.add(accepted, case.template.budget)
        if pending:
            material = case.materials[self.rng.choice(case.template.pendable)]
            material.update(state=MaterialState.PENDING, received_originals=0, received_copies=0)
            pending_due = min(days.add(accepted, self.policy.pending_workdays), due)
            case.fields.update(accepted_with_pending=True, pending_due_date=pending_due)
            case.event(accepted, "case.accepted_pending", f"容缺受理：{material['name']}，承诺 {pending_due.isoformat()} 前补齐",
                       by=case.received_by, pending_due=pending_due.isoformat())
        else:
            case.event(accepted, "case.accepted", "受理", by=case.received_by)
        if outcome == "withdrawn":
            self._open_stage(case, 1, accepted)
            self._withdraw(case, days.add(accepted, self.rng.randint(0, 2)), blzt=BLZT_RECALLED)
            return
        if state in ("reviewing", "suspended"):
            self._open_stage(case, 1, accepted)
            if state == "suspended":
                task = next(i for i, t in enumerate(case.tasks) if t["status"] == TaskStatus.REVIEWING)
                self._suspend(case, task, self.rng.choice([d for d in days.past if d > accepted]))
            self._pending_so_far(case, days.today)
            return
        self._review(case, accepted, due, late=outcome == "closed_late", denied=denied,
                     suspended=state == "closed" and self.rng.random() < SUSPENSION_SHARE)
        decided = case.fields["decided_on"]
        if state == "ready":
            self._pending_so_far(case, days.today)
            return
        delivered = days.add(decided, self.rng.randint(0, 2))
        if delivered > days.today:
            delivered = decided
        self._pending_so_far(case, delivered, before_delivery=True)
        self._deliver(case, delivered)

    def _open_stage(self, case: Planned, stage: int, day: date) -> list[int]:
        opened = [i for i, t in enumerate(case.tasks) if t["stage"] == stage and t["status"] == TaskStatus.WAITING]
        for i in opened:
            case.tasks[i].update(status=TaskStatus.REVIEWING, opened_on=day)
        if stage > 1 and opened:
            names = "、".join(case.tasks[i]["item"].name for i in opened)
            case.event(day, "case.stage_opened", f"进入第 {stage} 阶段：{names}", by=self._reviewer(case, opened[0]),
                       stage=stage)
        return opened

    def _reviewer(self, case: Planned, task: int):
        return self.reviewer_of.get(case.tasks[task]["unit"].pk, self.admin)

    def _suspend(self, case: Planned, task: int, day: date, *, ended: date | None = None) -> None:
        kind, reason = self.rng.choice(SUSPENSION_KINDS)
        t = case.tasks[task]
        by = self._reviewer(case, task)
        case.suspensions.append({"task": task, "kind": kind, "reason": reason, "started_on": day, "ended_on": ended,
                                 "started_by": by, "ended_by": by if ended else None})
        case.fields["status"] = CaseStatus.SUSPENDED
        case.event(day, "case.suspended", f"{t['unit'].name}启动特别程序（{SpecialStepKind(kind).label}）：{reason}",
                   by=by, task=task, kind=kind)
        if ended:
            case.fields["status"] = CaseStatus.REVIEWING
            total = sum(self.days.between(s["started_on"], s["ended_on"]) for s in case.suspensions if s["ended_on"])
            case.event(ended, "case.resumed", f"特别程序结束，计时恢复；共挂起 {total} 个工作日", by=by)

    def _review(self, case: Planned, accepted: date, due: date, *, late: bool, denied: bool, suspended: bool) -> None:
        """Stage by stage, every department decides within its limit (or, late, after the case's due date)."""
        days, day, resumed = self.days, accepted, None
        stages = sorted({t["stage"] for t in case.tasks})
        for stage in stages:
            opened = self._open_stage(case, stage, day)
            decided_days = []
            for i in opened:
                t = case.tasks[i]
                decision_day = days.add(day, self.rng.randint(0, min(2, t["budget_workdays"])))
                if late:
                    decision_day = days.add(due, self.rng.randint(1, 3))
                if suspended and i == opened[0]:
                    start = days.add(day, self.rng.randint(0, 1))
                    resumed = days.add(start, self.rng.randint(2, 6))
                    self._suspend(case, i, start, ended=resumed)
                    decision_day = days.add(resumed, self.rng.randint(0, 1))
                if resumed:  # no department decides while the case is suspended
                    decision_day = max(decision_day, resumed)
                if denied:
                    reason = self.rng.choice(DENIALS)
                    t.update(status=TaskStatus.DENIED, decided_on=decision_day, decided_by=self._reviewer(case, i),
                             reason=reason)
                    self._cancel_open_tasks(case)
                    case.event(decision_day, "case.task_denied", f"{t['unit'].name}不予许可：{t['item'].name}（{reason}）",
                               by=t["decided_by"], task=i)
                    self._decide(case, Decision.DENIED, reason, decision_day, by=t["decided_by"])
                    return
                t.update(status=TaskStatus.APPROVED, decided_on=decision_day, decided_by=self._reviewer(case, i),
                         reason=APPROVED)
                case.event(decision_day, "case.task_approved", f"{t['unit'].name}准予：{t['item'].name}（{APPROVED}）",
                           by=t["decided_by"], task=i)
                decided_days.append(decision_day)
            day = max(decided_days)
        self._decide(case, Decision.APPROVED, "各部门审查准予", day, by=self._reviewer(case, len(case.tasks) - 1))

    def _decide(self, case: Planned, decision: str, reason: str, day: date, *, by) -> None:
        case.fields.update(status=CaseStatus.READY, decision=decision, decision_reason=reason, decided_on=day)
        case.event(day, "case.decided", f"审批决定：{Decision(decision).label}（{reason}）", by=by, decision=decision)

    def _pending_so_far(self, case: Planned, until: date, *, before_delivery: bool = False) -> None:
        """容缺 after acceptance: supplied by `until` (always before a delivery), else still pending, or missed
        (the daily job flagged it the day after the deadline)."""
        pending = [m for m in case.materials if m["state"] == MaterialState.PENDING]
        if not pending:
            return
        accepted, due = case.fields["accepted_on"], case.fields["pending_due_date"]
        if not before_delivery and due < self.today and self.rng.random() < 0.6:
            case.fields["pending_overdue"] = True
            case.event(due + timedelta(days=1), "case.pending_overdue", f"容缺材料逾期未补齐（期限 {due.isoformat()}）")
            return
        window = [d for d in self.days.days if accepted < d <= min(due, until)]
        if not window or (not before_delivery and due >= self.today and self.rng.random() < 0.5):
            if before_delivery:
                window = [until]
            else:
                return
        day = self.rng.choice(window)
        for m in pending:
            m.update(state=MaterialState.RECEIVED, supplied_on=day)
        case.event(day, "case.pending_supplied", f"容缺材料已补齐：{'、'.join(m['name'] for m in pending)}",
                   by=case.received_by)

    def _deliver(self, case: Planned, day: date) -> None:
        method = self.draw([(HandoverMethod.PAPER, 0.7), (HandoverMethod.ELECTRONIC, 0.2), (HandoverMethod.POST, 0.1)])
        denied = case.fields["decision"] == Decision.DENIED
        if denied:
            method = HandoverMethod.PAPER
        numbers = {"licence_number": "", "electronic_licence_number": "", "tracking_number": ""}
        if not denied:
            serial = f"{case.fields['received_on']:%Y%m%d}{case.index:05d}"
            numbers[{HandoverMethod.PAPER: "licence_number", HandoverMethod.ELECTRONIC: "electronic_licence_number",
                     HandoverMethod.POST: "tracking_number"}[method]] = {
                HandoverMethod.PAPER: f"XK{serial}", HandoverMethod.ELECTRONIC: f"DZ4105{serial}",
                HandoverMethod.POST: f"YZ{serial}"}[method]
        case.handover = {"method": method, "recipient": case.fields["applicant_name"][:40] if method == HandoverMethod.PAPER
                         else "", "delivered_on": day, "delivered_by": self.admin, **numbers}
        case.fields.update(status=CaseStatus.CLOSED, closed_on=day)
        blzt = BLZT_CLOSED_DENIED if denied else BLZT_CLOSED_PENDING if case.fields["accepted_with_pending"] else \
            BLZT_CLOSED_APPROVED
        case.event(day, "case.delivered", f"出件办结（{HandoverMethod(method).label}）", by=self.admin, blzt=blzt,
                   method=method)

    # -- the applicant -------------------------------------------------------------------------------------

    def applicant(self, case: Planned) -> dict:
        rng = self.rng
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"
        if case.template.organisation and rng.random() < 0.8:
            from tongban.catalog.credit_code import check_character

            first17 = f"92{rng.choice(AREA_CODES)}MA{case.index:07d}"
            return {"applicant_kind": ApplicantKind.ORGANISATION, "applicant_name": rng.choice(PLACES) +
                    rng.choice(WORDS) + rng.choice(TRADES), "id_type": "", "id_number": first17 + check_character(first17),
                    "phone": phone, "legal_representative": person}
        return {"applicant_kind": ApplicantKind.PERSON, "applicant_name": person, "id_type": IdType.RESIDENT_ID,
                "id_number": resident_id(rng), "phone": phone, "legal_representative": ""}


def resident_id(rng: random.Random) -> str:
    """A well-formed 居民身份证号码 (GB 11643: area, birth date, sequence, check character) of nobody real."""
    from tongban.cases.identity import id_check_character

    born = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{rng.randint(1, 999):03d}"
    return first17 + id_check_character(first17)


# --- Writing it -----------------------------------------------------------------------------------------


def bulk_cases():
    """The bulk's cases (those whose 收件 event carries the demo key)."""
    return Case.objects.filter(pk__in=CaseEvent.objects.filter(code="case.received", data__demo=BULK_KEY)
                               .values("case_id"))


def build_bulk(county, count: int, *, today: date | None = None, seed: int = SEED) -> int:
    """Write `count` cases set-based (nothing when the bulk is there already); returns how many."""
    if count <= 0 or county.users.get("admin") is None or bulk_cases().exists():
        return 0
    days = Workdays(today or timezone.localdate())
    rng = random.Random(seed)
    simulator = Simulator(county, days, rng)
    planned = []
    for index in range(count):
        planned.append(simulator.plan(index))
    with transaction.atomic():
        _write(planned)
    return len(planned)


def _write(planned: list[Planned]) -> None:
    from tongban.cases.clocks import count_suspension_workdays, refresh_case_clocks

    region = CaseSettings.load().region_code
    numbers = _claim_numbers(region, [p.fields["received_on"] for p in planned])
    delivery = _delivery_windows(planned)
    cases = Case.objects.bulk_create([
        Case(number=numbers[i], item=p.template.item, bundle=p.template.bundle, title=p.template.title,
             intake_window=p.window, intake_unit=p.window.unit, delivery_window=delivery[p.window.pk],
             received_by=p.received_by, budget_workdays=p.template.budget, **p.fields)
        for i, p in enumerate(planned)], batch_size=500)
    _insert(CaseMaterial, ["case", "identity", "name", "is_required", "may_be_pending", "is_electronic_licence",
                           "originals", "copies", "sort_order", "state", "received_originals", "received_copies",
                           "problem", "supplied_on"],
            [(case.pk, m["identity"].pk, m["name"], m["is_required"], m["may_be_pending"], m["is_electronic_licence"],
              m["originals"], m["copies"], order, m["state"], m["received_originals"], m["received_copies"],
              m["problem"], m["supplied_on"])
             for case, p in zip(cases, planned) for order, m in enumerate(p.materials)])
    task_rows = [[CaseTask(case=case, item=t["item"], unit=t["unit"], stage=t["stage"], status=t["status"],
                           opened_on=t["opened_on"], budget_workdays=t["budget_workdays"], decided_on=t["decided_on"],
                           decided_by=t["decided_by"], reason=t["reason"]) for t in p.tasks]
                 for case, p in zip(cases, planned)]
    CaseTask.objects.bulk_create([t for rows in task_rows for t in rows], batch_size=1000)
    if cases:
        from tongban.cases import reach

        reach.fill(min(c.pk for c in cases), max(c.pk for c in cases))
    Suspension.objects.bulk_create([
        Suspension(case=case, task=tasks[s["task"]], kind=s["kind"], reason=s["reason"], started_on=s["started_on"],
                   ended_on=s["ended_on"], started_by=s["started_by"], ended_by=s["ended_by"])
        for case, p, tasks in zip(cases, planned, task_rows) for s in p.suspensions])
    Handover.objects.bulk_create([Handover(case=case, **p.handover) for case, p in zip(cases, planned) if p.handover],
                                 batch_size=1000)
    _insert(CaseEvent, ["case", "task", "code", "blzt", "message", "actor", "data", "at"],
            [(case.pk, tasks[task].pk if task is not None else None, code, blzt, message, by.pk if by else None,
              data, _at(day, order))
             for case, p, tasks in zip(cases, planned, task_rows)
             for order, (day, code, blzt, message, by, task, data) in enumerate(p.events)])
    # The new rows by their key range (a plain index scan; a case another session added in between would only
    # have its clock recomputed to what it already is).
    new = Case.objects.filter(pk__gte=min(c.pk for c in cases), pk__lte=max(c.pk for c in cases))
    _analyze()
    count_suspension_workdays(Suspension.objects.filter(case__in=new))
    refresh_case_clocks(new)


def _claim_numbers(region: str, days: list[date]) -> list[str]:
    """Numbers from the real sequence rows: per day, one UPDATE claims the whole block (never max()+1)."""
    wanted: dict[date, int] = {}
    for day in days:
        wanted[day] = wanted.get(day, 0) + 1
    prefixes = {day: f"{region}{day:%Y%m%d}" for day in wanted}
    CaseNumberSequence.objects.bulk_create([CaseNumberSequence(prefix=p, last=0) for p in prefixes.values()],
                                           ignore_conflicts=True)
    next_number = {}
    for day, n in wanted.items():
        sequence = CaseNumberSequence.objects.filter(prefix=prefixes[day])
        sequence.update(last=F("last") + n)
        next_number[day] = sequence.values_list("last", flat=True).get() - n + 1
    numbers = []
    for day in days:
        numbers.append(f"{prefixes[day]}{next_number[day]:05d}")
        next_number[day] += 1
    return numbers


def _delivery_windows(planned: list[Planned]) -> dict:
    """As the intake stores it, per intake window: its unit's first active delivery window, else itself."""
    from tongban.org.choices import WindowKind
    from tongban.org.models import Window

    delivery = {}
    for window in {p.window.pk: p.window for p in planned}.values():
        delivery[window.pk] = Window.objects.filter(unit=window.unit_id, kind=WindowKind.DELIVERY,
                                                    is_active=True).order_by("code").first() or window
    return delivery


def _at(day: date, order: int) -> datetime:
    """An event's time on its day, in office hours, in the order the case went."""
    return timezone.make_aware(datetime.combine(day, time(9, 0)) + timedelta(minutes=7 * order))


def _insert(model, names: list[str], rows: list[tuple]) -> None:
    """One INSERT statement run over all `rows` (executemany): the two biggest tables, ~45,000 rows, without
    building a model instance and preparing each value through the ORM (which took most of the demo's time).
    The values are plain Python values; JSON, dates and date-times are prepared by their fields, and an event keeps
    its back-dated `at` (auto_now_add would overwrite it)."""
    from django.db import connection

    fields = [model._meta.get_field(name) for name in names]
    prepared = [i for i, f in enumerate(fields) if f.get_internal_type() in ("JSONField", "DateTimeField", "DateField")]
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    if prepared:
        rows = [tuple(fields[i].get_db_prep_save(v, connection) if i in prepared else v for i, v in enumerate(row))
                for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start:start + 5000])


def _analyze() -> None:
    """PostgreSQL plans the clock refresh from its statistics: on tables that were empty a moment ago (a new
    database, a test database) it would plan nested scans over thousands of rows and take minutes. ANALYZE the
    tables just filled (allowed inside the transaction); autovacuum would do it later anyway."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case, cases_casetask, cases_suspension, cases_casematerial")
