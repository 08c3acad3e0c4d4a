"""前台综合受理: who may take what, the case number, the checklist, 一次性告知, 受理 / 容缺受理 / 不予受理."""
from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value

from tongban.cases.choices import (
    MATERIAL_SATISFIED,
    MATERIAL_TO_CORRECT,
    ApplicantKind,
    CaseStatus,
    Channel,
    IdType,
    MaterialState,
    TaskStatus,
)
from tongban.cases import reach
from tongban.cases.clocks import intake_clock
from tongban.cases.error_codes import CaseError, case_error
from tongban.cases.identity import (
    normalise_id_number,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)
from tongban.cases.models import Case, CaseMaterial, CaseNumberSequence, CaseSettings, CaseTask
from tongban.cases.services.common import check, event, lock, save_and_clock, staff_users, tell_users, today
from tongban.catalog.models import Bundle, Delegation, ServiceItem
from tongban.core.text import parse_int
from tongban.org.choices import Role, WindowKind
from tongban.org.models import Window

# --- Who may take what ----------------------------------------------------------------------------


TOWNSHIP_KINDS = ("township", "village")
OUTLET_KIND = "outlet"  # bank / post outlets of the 15-minute circle: only the items authorised to them


def is_township_window(window: Window) -> bool:
    """A window below the county level (township, village, outlet): it takes only what is given to it."""
    return window.unit.kind.code in (*TOWNSHIP_KINDS, OUTLET_KIND)


def is_outlet_window(window: Window) -> bool:
    return window.unit.kind.code == OUTLET_KIND


def takes_every_item(window: Window) -> bool:
    """A comprehensive window of the centre (无差别全科受理): `takeable_items` is the whole catalogue and
    `takeable_bundles` every bundle, so there is nothing to look up."""
    return window.is_active and window.kind == WindowKind.INTAKE and not is_township_window(window)


def why_window_cannot_take(window: Window, *, item: ServiceItem | None = None, bundle: Bundle | None = None) -> str:
    """"" when `window` may take the item or bundle (无差别全科受理 at the centre's comprehensive windows, a
    specialist window its own department's items, a township window the items delegated to it); otherwise
    the reason, in Chinese."""
    if not window.is_active:
        return "窗口已停用"
    if window.kind in (WindowKind.HELP_DESK, WindowKind.DELIVERY):
        return f"{window.get_kind_display()}窗口不收件"
    if window.kind == WindowKind.SPECIALIST and bundle is not None:
        return "一件事须在综合受理窗口收件"
    if takes_every_item(window):
        return ""
    items = [item] if item is not None else [node.item for node in bundle.nodes.select_related("item")]
    allowed = set(takeable_items(window).filter(pk__in=[i.pk for i in items]).values_list("pk", flat=True))
    outside = [i.name for i in items if i.pk not in allowed]
    if not outside:
        return ""
    if window.kind == WindowKind.SPECIALIST:
        return "专业窗口只受理本部门的事项"
    if is_outlet_window(window):
        return f"本网点未获授权代收“{'、'.join(outside)}”"
    return f"“{'、'.join(outside)}”未下放到本乡镇"


def takeable_items(window: Window):
    """The items `window` may take, as one queryset: the one definition behind the intake form's list and
    `why_window_cannot_take`."""
    from django.db.models import Q

    items = ServiceItem.objects.all()
    if not window.is_active or window.kind in (WindowKind.HELP_DESK, WindowKind.DELIVERY):
        return items.none()
    own = Q(implementing_unit__path__startswith=window.unit.path)
    if window.kind == WindowKind.SPECIALIST:
        return items.filter(own)
    if is_outlet_window(window):  # 异地代收: the items authorised to the outlet, decided by their units
        from tongban.cases.models import OutletAuthorisation

        return items.filter(pk__in=OutletAuthorisation.objects.filter(
            outlet=window.unit, is_revoked=False).values("item_id"))
    if not takes_every_item(window):  # a township (or village) window
        delegated = Delegation.objects.filter(township__path__in=_ancestor_paths(window.unit), is_revoked=False)
        return items.filter(own | Q(pk__in=delegated.values("item_id")))
    return items


def takeable_bundles(window: Window):
    """The bundles `window` may take: every one at a comprehensive window, those whose every item it may take
    at a township window, none at a specialist window."""
    bundles = Bundle.objects.all()
    if window.kind != WindowKind.INTAKE or not window.is_active:
        return bundles.none()
    if not is_township_window(window):
        return bundles
    from tongban.catalog.models import BundleItem

    outside = BundleItem.objects.exclude(item__in=takeable_items(window)).values("bundle_id")
    return bundles.exclude(pk__in=outside)


def _ancestor_paths(unit) -> list[str]:
    parts = [p for p in unit.path.strip("/").split("/") if p]
    return [f"/{'/'.join(parts[:i])}/" for i in range(1, len(parts) + 1)]


def intake_windows_for(user) -> list[Window]:
    """The windows where `user` may receive cases: their own (an intake or specialist window)."""
    staff = getattr(user, "staff", None)
    if staff is None or staff.window_id is None:
        return []
    window = staff.window
    return [window] if window.is_active and window.kind in (WindowKind.INTAKE, WindowKind.SPECIALIST) else []


# --- The case number ------------------------------------------------------------------------------


def claim_number(region_code: str, day: date) -> str:
    """region code + YYYYMMDD + a five-digit sequence: sortable, read aloud at the counter, and unique under
    concurrency — one UPDATE … RETURNING takes the prefix's row and holds it until the intake commits, so no
    two intakes get the same number (never max()+1)."""
    prefix = f"{region_code}{day:%Y%m%d}"
    table, last, key = _sequence_columns()
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {last} = {last} + 1 WHERE {key} = %s RETURNING {last}", [prefix])
            claimed = cursor.fetchone()
        if claimed:
            return f"{prefix}{claimed[0]:05d}"
        _create_sequence(prefix)
    raise RuntimeError("无法分配办件编号")


def number_case(case: Case, region_code: str, day: date) -> Case:
    """Give `case` its number as the last statement before the commit. On PostgreSQL the claim and the case's
    UPDATE are one statement, so the sequence row is held for that statement and the commit only — no round
    trip to Python in between (with twenty clerks at once, the holder waiting for a CPU is what queues them)."""
    if connection.vendor != "postgresql":
        case.number = claim_number(region_code, day)
        case.save(update_fields=["number", "updated_at"])
        return case
    from django.utils import timezone

    prefix = f"{region_code}{day:%Y%m%d}"
    table, last, key = _sequence_columns()
    qn = connection.ops.quote_name
    cases, pk = qn(Case._meta.db_table), qn(Case._meta.pk.column)
    number, updated = qn(Case._meta.get_field("number").column), qn(Case._meta.get_field("updated_at").column)
    now = timezone.now()
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(
                f"""WITH claimed AS (UPDATE {table} SET {last} = {last} + 1 WHERE {key} = %s RETURNING {last})
                    UPDATE {cases} SET {number} = %s || CASE WHEN claimed.{last} < 100000
                                                        THEN lpad(claimed.{last}::text, 5, '0')
                                                        ELSE claimed.{last}::text END,
                                       {updated} = %s
                    FROM claimed WHERE {cases}.{pk} = %s RETURNING {cases}.{number}""",
                [prefix, prefix, now, case.pk])
            claimed = cursor.fetchone()
        if claimed:
            case.number, case.updated_at = claimed[0], now
            return case
        _create_sequence(prefix)
    raise RuntimeError("无法分配办件编号")


def _sequence_columns() -> tuple[str, str, str]:
    qn = connection.ops.quote_name
    return qn(CaseNumberSequence._meta.db_table), qn("last"), qn("prefix")


def _create_sequence(prefix: str) -> None:
    """The first number of a day: the prefix's row, or nothing when another intake created it first."""
    try:
        with transaction.atomic():
            CaseNumberSequence.objects.create(prefix=prefix, last=0)
    except IntegrityError:
        pass  # another intake created the row first: claim from it


# --- Applicant ------------------------------------------------------------------------------------

APPLICANT_FIELDS = ("applicant_kind", "applicant_name", "id_type", "id_number", "phone", "legal_representative",
                    "contact_name", "agent_name", "agent_id_number", "agent_phone")
# The columns' lengths (models.Case): a longer value is refused with a message, never cut or a database error.
APPLICANT_LIMITS = {"applicant_name": 200, "id_number": 40, "phone": 20, "legal_representative": 40,
                    "contact_name": 40, "agent_name": 40, "agent_id_number": 18, "agent_phone": 20}


def clean_applicant(data: dict) -> dict:
    """Normalised applicant fields. Every problem is found, not just the first: a clerk with the applicant at
    the counter corrects them all in one go. Raises one ValidationError {field: [errors]} whose errors carry
    the stable codes and Chinese messages of `error_codes` (the page shows each next to its field, the API
    lists them all)."""
    applicant = {name: _text(data.get(name)) for name in APPLICANT_FIELDS}
    errors: dict[str, list[ValidationError]] = {}

    def check(field: str, validate, *args, **kwargs) -> None:
        try:
            validate(*args, **kwargs)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.error_list)

    def require(field: str, code: CaseError, **params) -> bool:
        if applicant[field] or field in errors:
            return bool(applicant[field])
        errors.setdefault(field, []).append(case_error(code, **params))
        return False

    for field, limit in APPLICANT_LIMITS.items():
        if len(applicant[field]) > limit:  # refused whole, not checked further (nor echoed in a message)
            errors[field] = [case_error(CaseError.TOO_LONG, limit=limit)]
            applicant[field] = ""

    kind = applicant["applicant_kind"] or ApplicantKind.PERSON
    if kind not in ApplicantKind.values:
        errors["applicant_kind"] = [case_error(CaseError.APPLICANT_KIND)]
        kind = ApplicantKind.PERSON
    applicant["applicant_kind"] = kind
    require("applicant_name", CaseError.NAME_REQUIRED, who="申请人")
    if kind == ApplicantKind.ORGANISATION:
        from tongban.catalog.credit_code import normalise

        applicant["id_type"] = ""
        applicant["id_number"] = normalise(applicant["id_number"])
        if require("id_number", CaseError.CREDIT_CODE_REQUIRED):
            check("id_number", validate_credit_code, applicant["id_number"])
    else:
        applicant["id_type"] = applicant["id_type"] or IdType.RESIDENT_ID
        if applicant["id_type"] not in IdType.values:
            applicant["id_type"] = IdType.OTHER
        applicant["id_number"] = normalise_id_number(applicant["id_number"])
        if require("id_number", CaseError.ID_REQUIRED, who="申请人") and applicant["id_type"] == IdType.RESIDENT_ID:
            check("id_number", validate_resident_id, applicant["id_number"])
    if require("phone", CaseError.PHONE_REQUIRED, who="申请人"):
        check("phone", validate_phone, applicant["phone"])
    if applicant["agent_name"]:
        applicant["agent_id_number"] = normalise_id_number(applicant["agent_id_number"])
        if require("agent_id_number", CaseError.ID_REQUIRED, who="代办人"):
            check("agent_id_number", validate_resident_id, applicant["agent_id_number"])
        if applicant["agent_phone"]:
            check("agent_phone", validate_phone, applicant["agent_phone"])
    else:
        applicant["agent_id_number"] = applicant["agent_phone"] = ""
    if errors:
        raise ValidationError({field: errors[field] for field in APPLICANT_FIELDS if field in errors})
    return applicant


def _text(value) -> str:
    """A field as typed; anything that is not text (a number, a list from a hostile body) counts as empty, and
    NUL characters (which PostgreSQL cannot store) are dropped."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


# --- Receiving ------------------------------------------------------------------------------------


def checklist_for(item: ServiceItem | None, bundle: Bundle | None) -> list[dict]:
    """The materials the case asks for: the item's, or the bundle's merged list (一套材料), where what
    another item of the bundle produces is not asked of the applicant."""
    from tongban.catalog.bundles import bundle_guide
    from tongban.catalog.models import MaterialIdentity

    if item is not None:
        return [{"identity": m.identity, "name": m.identity.name, "is_required": m.is_required,
                 "may_be_pending": m.may_be_pending, "is_electronic_licence": m.is_electronic_licence,
                 "originals": m.originals, "copies": m.copies, "produced": False}
                for m in item.materials.select_related("identity").order_by("sort_order", "pk")]
    guide = bundle_guide(bundle)
    identities = MaterialIdentity.objects.in_bulk([m.code for m in guide.materials], field_name="code")
    return [{"identity": identities[m.code], "name": m.name, "is_required": m.is_required,
             "may_be_pending": m.may_be_pending, "is_electronic_licence": m.is_electronic_licence,
             "originals": m.originals, "copies": m.copies, "produced": m.produced_in_bundle}
            for m in guide.materials]


def _tasks(item, bundle, intake_unit) -> list[dict]:
    """One task per item with its stage (the bundle graph's level) and reviewing department: the township
    itself for an item delegated to the township that received the case, else the implementing unit."""
    from tongban.catalog.bundles import bundle_guide

    if item is not None:
        nodes = [(item, 1)]
    else:
        guide = bundle_guide(bundle)
        items = ServiceItem.objects.in_bulk([n.item_id for n in guide.nodes])
        nodes = [(items[n.item_id], n.stage) for n in guide.nodes]
    # Items are delegated to township centres only (catalog.services.delegate_item): elsewhere, nothing to read.
    delegated = (set(Delegation.objects.filter(township=intake_unit, is_revoked=False).values_list("item_id", flat=True))
                 if intake_unit.kind.code in TOWNSHIP_KINDS else set())
    return [{"item": i, "stage": stage, "unit_id": intake_unit.pk if i.pk in delegated else i.implementing_unit_id,
             "budget_workdays": i.promised_days or i.statutory_days} for i, stage in nodes]


def _budget(item, bundle) -> int:
    from tongban.catalog.bundles import bundle_figures

    if item is not None:
        return item.promised_days or item.statutory_days
    return bundle_figures(bundle).days_critical_path


def apply_materials(case: Case, states: dict | None) -> None:
    """Set the checklist from the window's form: {material code: state or {state, received_originals,
    received_copies, problem}}; a code not on the list is refused."""
    if not states:
        return
    rows = {m.identity.code: m for m in case.materials.select_related("identity")}
    for material in _set_states(rows, states):
        material.save(update_fields=["state", "problem", "received_originals", "received_copies"])


def _set_states(rows: dict[str, CaseMaterial], states: dict) -> list[CaseMaterial]:
    """`apply_materials` on the rows in hand ({code: material}, saved or not yet): the materials changed."""
    changed = []
    for code, value in states.items():
        material = rows.get(code)
        if material is None:
            raise case_error(CaseError.MATERIAL_UNKNOWN, material=code)
        value = value if isinstance(value, dict) else {"state": value}
        state = value.get("state") or material.state
        if state not in MaterialState.values:
            raise case_error(CaseError.MATERIAL_STATE, name=material.name, state=state)
        if state == MaterialState.PENDING and not material.may_be_pending:
            raise case_error(CaseError.NOT_PENDABLE, name=material.name)
        material.state = state
        material.problem = (value.get("problem") or "").strip()[:300]
        if state == MaterialState.RECEIVED:
            material.received_originals = _count(value.get("received_originals"), material.originals)
            material.received_copies = _count(value.get("received_copies"), material.copies)
        changed.append(material)
    return changed


def _count(value, default: int) -> int:
    number = parse_int(value)
    return default if number is None else max(0, min(number, 99))


def _checklist_rows(item: ServiceItem | None, bundle: Bundle | None) -> list[dict]:
    """`checklist_for` as the intake writes it: the identity's id and code instead of its model (an item's
    list is one read of plain values, no model built per material)."""
    if item is None:
        return [{**m, "identity_id": m["identity"].pk, "code": m["identity"].code} for m in checklist_for(None, bundle)]
    return list(item.materials.order_by("sort_order", "pk").values(
        "identity_id", "is_required", "may_be_pending", "is_electronic_licence", "originals", "copies",
        code=F("identity__code"), name=F("identity__name"), produced=Value(False)))


def _intake_frame(window: Window, day: date) -> tuple[str, int | None, dict]:
    """What an intake at `window` on `day` reads besides the catalogue, in one statement: the region code
    (the number's prefix) and the clock settings (`CaseSettings`), the unit's delivery window (None: the
    intake window delivers too), and the §32 clock over the calendar (`clocks.intake_clock`, the same
    joins). Falls back to the separate reads when the settings row or the calendar's year is missing."""
    from tongban.workdays.clocks import due_date_joins
    from tongban.workdays.models import Day

    qn = connection.ops.quote_name
    settings_table, windows, calendar = (qn(CaseSettings._meta.db_table), qn(Window._meta.db_table),
                                         qn(Day._meta.db_table))
    intake_days, warn_days = qn("intake_workdays"), qn("warn_workdays")
    warn = f"CASE WHEN cs.{intake_days} > cs.{warn_days} THEN cs.{intake_days} - cs.{warn_days} ELSE 0 END"
    columns, joins = due_date_joins("s", [f"cs.{intake_days}", warn])
    sql = f"""SELECT cs.{qn("region_code")}, cs.{intake_days}, {warn},
                     (SELECT w.{qn("id")} FROM {windows} w WHERE w.{qn("unit_id")} = %s AND w.{qn("kind")} = %s
                         AND w.{qn("is_active")} ORDER BY w.{qn("code")} LIMIT 1),
                     {", ".join(columns)}
              FROM {settings_table} cs LEFT JOIN {calendar} s ON s.{qn("date")} = %s {joins}
              WHERE cs.{qn("id")} = 1"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [window.unit_id, WindowKind.DELIVERY, day])
        row = cursor.fetchone()
    if row is None or row[4] is None or row[5] is None:  # no settings row yet, or the calendar lacks the year
        policy = CaseSettings.load()
        delivery = (Window.objects.filter(unit=window.unit_id, kind=WindowKind.DELIVERY, is_active=True)
                    .order_by("code").values_list("pk", flat=True).first())
        return policy.region_code, delivery, intake_clock(day, policy)
    region_code, workdays, warn_workdays, delivery, due, warn_date = row
    to_date = (lambda v: v if isinstance(v, date) else date.fromisoformat(v))
    return region_code, delivery, {"clock_start": day, "suspended_workdays": 0, "clock_workdays": workdays,
                                   "warn_workdays": warn_workdays, "due_date": to_date(due),
                                   "warn_date": to_date(warn_date)}


@transaction.atomic
def receive_case(*, by, window: Window, item: ServiceItem | None = None, bundle: Bundle | None = None,
                 applicant: dict, materials: dict | None = None, form_data: dict | None = None,
                 received_on: date | None = None, licences: dict[str, int] | None = None) -> Case:
    """收件登记 at `window` by its clerk: a numbered case with its checklist and tasks; the §32 clock starts.
    `licences` {material code: licence id}: the applicant's electronic licences the clerk ticked instead of paper
    (免提交), checked and recorded by the licences app (`signals.intake_licences_chosen`) in this transaction."""
    if (item is None) == (bundle is None):
        raise case_error(CaseError.ITEM_OR_BUNDLE)
    staff = getattr(by, "staff", None) if by is not None else None
    if not (getattr(by, "is_superuser", False) or (staff is not None and staff.window_id == window.pk)):
        raise case_error(CaseError.NOT_AT_WINDOW)
    why = why_window_cannot_take(window, item=item, bundle=bundle)
    if why:
        raise case_error(CaseError.WINDOW_CANNOT_TAKE, window=window.name, what=(item or bundle).name, why=why)
    fields = clean_applicant(applicant)
    day = received_on or today()
    region_code, delivery_id, clock = _intake_frame(window, day)
    codes = {}  # material code → its row: the window's form names materials by code
    checklist = []
    for order, m in enumerate(_checklist_rows(item, bundle)):
        material = CaseMaterial(identity_id=m["identity_id"], name=m["name"], is_required=m["is_required"],
                                may_be_pending=m["may_be_pending"], is_electronic_licence=m["is_electronic_licence"],
                                originals=m["originals"], copies=m["copies"], sort_order=order,
                                state=(MaterialState.PRODUCED if m["produced"] else
                                       MaterialState.ELECTRONIC if m["is_electronic_licence"] else MaterialState.MISSING))
        checklist.append(material)
        codes[m["code"]] = material
    if materials:  # the window's form, applied before the rows are written: one INSERT, no UPDATE per material
        _set_states(codes, materials)
    # Every row is written with its final values (the clock with the case's INSERT, a task's clock inputs with
    # its own): no UPDATE and no re-read afterwards.
    case = Case.objects.create(
        number=f"_{uuid.uuid4().hex[:29]}", item=item, bundle=bundle, title=(item or bundle).name,
        intake_window=window, intake_unit=window.unit, delivery_window_id=delivery_id or window.pk, received_by=by,
        channel=Channel.OUTLET if is_outlet_window(window) else Channel.WINDOW,
        received_on=day, budget_workdays=_budget(item, bundle), form_data=form_data or {}, **fields, **clock,
    )
    for material in checklist:
        material.case = case
    CaseMaterial.objects.bulk_create(checklist)
    tasks = _tasks(item, bundle, window.unit)
    CaseTask.objects.bulk_create([CaseTask(case=case, clock_workdays=task["budget_workdays"], **task) for task in tasks])
    reach.add_new(case.pk, [case.intake_unit_id, *(task["unit_id"] for task in tasks)])
    event(case, "case.received", f"{window.name}收件：{case.title}", by=by, window=window.pk)
    # The number is claimed last: the sequence row stays locked only from here to the commit, so concurrent
    # intakes queue for that, not for the whole intake.
    case = number_case(case, region_code, day)
    if licences:  # after the number, which the licences' events name; only intakes with ticked licences wait for it
        _use_licences(case, codes, licences, by=by)
    return case


def _use_licences(case: Case, by_code: dict[str, CaseMaterial], licences: dict[str, int], *, by) -> None:
    from tongban.cases.signals import intake_licences_chosen

    unknown = [code for code in licences if code not in by_code]
    if unknown:
        raise case_error(CaseError.MATERIAL_UNKNOWN, material=unknown[0])
    answered = intake_licences_chosen.send(sender=Case, case=case, by=by,
                                           choices={by_code[code].pk: pk for code, pk in licences.items()})
    if not answered:  # nobody records the licences: the intake must not claim them silently
        raise case_error(CaseError.MATERIAL_STATE, name="、".join(by_code[c].name for c in licences),
                         state=MaterialState.ELECTRONIC.label)


# --- 一次性告知, 受理, 容缺受理, 不予受理 --------------------------------------------------------------------


def to_correct(case: Case) -> list[CaseMaterial]:
    return list(case.materials.filter(state__in=MATERIAL_TO_CORRECT))


@transaction.atomic
def notify_correction(case: Case, *, by, materials: dict | None = None) -> Case:
    """一次性告知: one notice listing every missing or defective material (§32); the §32 clock stops."""
    case = lock(case)
    check("notify_correction", case, by)
    apply_materials(case, materials)
    listed = to_correct(case)
    if not listed:
        raise case_error(CaseError.NOTHING_TO_CORRECT)
    case.status, case.correction_notified_on, case.clock_start = CaseStatus.CORRECTING, today(), None
    names = "；".join(f"{m.name}（{m.problem}）" if m.problem else m.name for m in listed)
    event(case, "case.correction_notified", f"一次性告知补正：{names}", by=by,
          materials=[m.identity.code for m in listed])
    return save_and_clock(case, ["status", "correction_notified_on", "clock_start"])


@transaction.atomic
def correct(case: Case, *, by, materials: dict | None = None) -> Case:
    """The applicant brought what the notice listed: back to 待受理, the five days counting again."""
    case = lock(case)
    check("correct", case, by)
    apply_materials(case, materials)
    case.status, case.clock_start = CaseStatus.RECEIVED, today()
    event(case, "case.corrected", "申请人已补正材料", by=by)
    return save_and_clock(case, ["status", "clock_start"])


def _unsatisfied(case: Case) -> list[CaseMaterial]:
    return [m for m in case.materials.all() if m.is_required and m.state not in MATERIAL_SATISFIED]


def _start_review(case: Case, day: date, *, by) -> None:
    """Acceptance: the clock counts from the day after `day` (§82); stage 1 opens."""
    case.status, case.accepted_on, case.clock_start = CaseStatus.REVIEWING, day, day
    from tongban.cases.services.review import open_stage

    open_stage(case, 1, day, by=by)


@transaction.atomic
def accept(case: Case, *, by, materials: dict | None = None) -> Case:
    case = lock(case)
    check("accept", case, by)
    apply_materials(case, materials)
    missing = _unsatisfied(case)
    if missing:
        raise case_error(CaseError.MATERIALS_INCOMPLETE, count=len(missing), names="、".join(m.name for m in missing))
    _start_review(case, today(), by=by)
    event(case, "case.accepted", "受理", by=by)
    return save_and_clock(case, ["status", "accepted_on", "clock_start"])


@transaction.atomic
def accept_pending(case: Case, *, by, pending: list[str], promise_signed: bool, pending_due: date | None = None,
                   materials: dict | None = None) -> Case:
    """容缺受理: the materials in `pending` (only those flagged may_be_pending) come later, on the applicant's
    written promise, by `pending_due` (default: the setting's working days after acceptance, never past the
    case's due date)."""
    case = lock(case)
    check("accept_pending", case, by)
    if not promise_signed:
        raise case_error(CaseError.PENDING_PROMISE)
    apply_materials(case, materials)
    apply_materials(case, {code: MaterialState.PENDING for code in pending or []})
    if not case.materials.filter(state=MaterialState.PENDING).exists():
        raise case_error(CaseError.NOTHING_PENDING)
    missing = [m for m in _unsatisfied(case) if m.state != MaterialState.PENDING]
    if missing:
        raise case_error(CaseError.MATERIALS_INCOMPLETE, count=len(missing), names="、".join(m.name for m in missing))
    day = today()
    _start_review(case, day, by=by)
    case.accepted_with_pending = True
    save_and_clock(case, ["status", "accepted_on", "clock_start", "accepted_with_pending"])
    from tongban.workdays.services import add_workdays

    latest = case.due_date or day
    default = min(add_workdays(day, CaseSettings.load().pending_workdays).date, latest)
    due = pending_due or default
    if due <= day or due > latest:
        raise case_error(CaseError.PENDING_DUE, latest=latest.isoformat())
    case.pending_due_date = due
    names = "、".join(case.materials.filter(state=MaterialState.PENDING).values_list("name", flat=True))
    event(case, "case.accepted_pending", f"容缺受理：{names}，承诺 {due.isoformat()} 前补齐", by=by,
          pending_due=due.isoformat())
    case.save(update_fields=["pending_due_date", "updated_at"])
    return case


@transaction.atomic
def refuse(case: Case, *, by, reason: str) -> Case:
    case = lock(case)
    check("refuse", case, by, reason=reason)
    case.status, case.refusal_reason, case.clock_start, case.closed_on = CaseStatus.REFUSED, reason.strip(), None, today()
    case.tasks.update(status=TaskStatus.CANCELLED)
    event(case, "case.refused", f"不予受理：{reason.strip()}", by=by)
    return save_and_clock(case, ["status", "refusal_reason", "clock_start", "closed_on"])


@transaction.atomic
def supply_pending(case: Case, *, by, codes: list[str] | None = None) -> Case:
    """容缺材料补齐: the listed (default: all) pending materials were brought."""
    case = lock(case)
    check("supply_pending", case, by)
    pending = case.materials.filter(state=MaterialState.PENDING)
    if codes:
        pending = pending.filter(identity__code__in=codes)
    names = list(pending.values_list("name", flat=True))
    if not names:
        raise case_error(CaseError.NOTHING_PENDING)
    pending.update(state=MaterialState.RECEIVED, supplied_on=today())
    left = case.materials.filter(state=MaterialState.PENDING).exists()
    if not left:
        case.pending_overdue = False
    event(case, "case.pending_supplied", f"容缺材料已补齐：{'、'.join(names)}", by=by)
    case.save(update_fields=["pending_overdue", "updated_at"])
    return case


@transaction.atomic
def deem_accepted(case: Case, *, on: date) -> Case:
    """§32: no notice within the five working days — accepted from the day of receipt (system)."""
    case = lock(case)
    check("deem_accepted", case, None)
    _start_review(case, case.received_on, by=None)
    case.deemed_accepted = True
    event(case, "case.deemed_accepted", f"收件后 5 个工作日内未一次性告知，依法自收件之日（{case.received_on.isoformat()}）起视为受理",
          recorded_on=on.isoformat())
    tell_users(staff_users(window=case.intake_window_id), title=f"办件已视为受理：{case.number}",
               body="收件后 5 个工作日内未受理也未一次性告知，依行政许可法第三十二条视为受理。", case=case,
               code="cases.deemed_accepted")
    return save_and_clock(case, ["status", "accepted_on", "clock_start", "deemed_accepted"])


def leaders_of(case: Case) -> list[int]:
    return staff_users(role__in=[Role.CENTER_LEADER])
