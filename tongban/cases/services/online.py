"""全程网办 / 掌上办 and the 15-minute service circle (M16): every channel ends in the same case.

- `submit_online`: the public application (no account) — the same applicant rules, merged form and checklist
  as the window's 收件登记, the files through the one upload check; the case arrives as 网上预审 at the
  online intake window (`CaseSettings.online_window`) and the applicant gets the number and a private
  tracking link (a random token; only its SHA-256 is stored, `Case.tracking_key`).
- `correct_online`: the applicant answers the one-time correction notice by uploading what it lists; the case
  is back in 网上预审 and the §32 five days count again (as `intake.correct` at the window).
- `forward`: 异地代收 (an outlet took it, the competent unit's window decides) and 多地联办 (a township and the
  county hand a case to each other): the case moves with its history; each hop is a `case.forwarded` event and
  `CaseSettings.hop_clock_from` says whether the §32 clock counts from the first hop or from the last.

The applicant is identified by the link (or, on the public page, by number + last four): a later provincial
single sign-on only adds who is logged in, never another case model (docs/decisions/0006-online-applicants.md).
"""
from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from tongban.cases.choices import (
    MATERIAL_TO_CORRECT,
    Channel,
    CaseStatus,
    FileSource,
    HopClock,
    MaterialState,
)
from tongban.cases import reach
from tongban.cases.clocks import intake_clock
from tongban.cases.error_codes import CaseError, case_error
from tongban.cases.models import Case, CaseFile, CaseMaterial, CaseSettings, CaseTask, OutletAuthorisation
from tongban.cases.services.common import event, lock, save_and_clock, staff_users, tell_users, today
from tongban.cases.services.intake import (
    _ancestor_paths,
    _budget,
    _tasks,
    checklist_for,
    clean_applicant,
    number_case,
    takes_every_item,
    why_window_cannot_take,
)
from tongban.cases.transitions import TRANSITIONS
from tongban.catalog.models import Bundle, BundleItem, ServiceItem
from tongban.core.uploads import DOCUMENT_TYPES, check_upload, stored_name
from tongban.org.choices import WindowKind
from tongban.org.models import Window

TOKEN_BYTES = 24  # 192 bits: a link nobody guesses
UPLOAD_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".ofd")


# --- What may be applied for online --------------------------------------------------------------------

ONLINE_Q = Q(via_online=True) | Q(via_mobile=True)


def online_items():
    """Items whose catalogue channels say 网上办理 or 掌上办理 (the one definition for page and API)."""
    return ServiceItem.objects.filter(ONLINE_Q)


def online_bundles():
    """Published bundles whose every item may be applied for online."""
    offline = BundleItem.objects.filter(bundle_id=OuterRef("pk")).exclude(item__in=online_items())
    return Bundle.objects.filter(is_published=True).exclude(Exists(offline))


def online_window() -> Window | None:
    """Where online applications are received: the setting, else the centre's first comprehensive window."""
    from tongban.cases.services.intake import TOWNSHIP_KINDS

    chosen = CaseSettings.load().online_window
    if chosen is not None and chosen.is_active:
        return chosen
    return (Window.objects.filter(kind=WindowKind.INTAKE, is_active=True)
            .exclude(unit__kind__code__in=(*TOWNSHIP_KINDS, "outlet")).order_by("code").first())


# --- The private tracking link -------------------------------------------------------------------------

def token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def case_for_token(token) -> Case | None:
    """The case of a private tracking link, or None (a wrong or malformed token reads like no case)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64 or not token.replace("-", "").replace("_", "").isalnum():
        return None
    return (Case.objects.filter(tracking_key=token_key(token))
            .select_related("handover", "delivery_window__unit", "intake_window__unit").first())


# --- Files ---------------------------------------------------------------------------------------------

def check_files(uploads: dict) -> dict[str, list[ValidationError]]:
    """{material code: [errors]} for the uploaded files that fail the one upload check (type, content, size)."""
    errors = {}
    for code, upload in uploads.items():
        try:
            check_upload(upload, UPLOAD_TYPES)
        except ValidationError as exc:
            errors[code] = exc.error_list
    return errors


def check_total_size(uploads: dict) -> None:
    """The files of one submission together stay under APPLY_UPLOAD_TOTAL_BYTES (each file alone has the upload
    check's own limit)."""
    total = sum(upload.size or 0 for upload in uploads.values())
    if total > settings.APPLY_UPLOAD_TOTAL_BYTES:
        raise case_error(CaseError.UPLOADS_TOO_LARGE, mb=settings.APPLY_UPLOAD_TOTAL_BYTES // (1024 * 1024))


def _store(case: Case, material: CaseMaterial, upload, source: str) -> CaseFile:
    check_upload(upload, UPLOAD_TYPES)
    record = CaseFile(case=case, material=material, original_name=(upload.name or "")[-200:],
                      size=upload.size, source=source)
    record.file.save(stored_name(upload.name), upload, save=False)
    record.save()
    return record


# --- Applying ------------------------------------------------------------------------------------------

@transaction.atomic
def submit_online(*, item: ServiceItem | None = None, bundle: Bundle | None = None, applicant: dict,
                  form_data: dict | None = None, uploads: dict | None = None,
                  channel: str = Channel.ONLINE, received_on: date | None = None) -> tuple[Case, str]:
    """A public application: the numbered case in 网上预审 at the online window, and the tracking token (given
    once, to the applicant). Uploaded materials are 已收取 (electronic copy); the others as at the window
    (缺少, or 电子证照免提交), for the clerk's 网上预审."""
    if (item is None) == (bundle is None):
        raise case_error(CaseError.ITEM_OR_BUNDLE)
    if channel not in (Channel.ONLINE, Channel.MOBILE):
        raise ValueError(channel)
    allowed = online_items().filter(pk=item.pk) if item else online_bundles().filter(pk=bundle.pk)
    if not allowed.exists():
        raise case_error(CaseError.NOT_ONLINE, what=(item or bundle).name)
    window = online_window()
    if window is None:
        raise case_error(CaseError.NO_ONLINE_WINDOW)
    fields = clean_applicant(applicant)
    uploads = uploads or {}
    check_total_size(uploads)
    day = received_on or today()
    policy = CaseSettings.load()
    delivery = (Window.objects.filter(unit=window.unit, kind=WindowKind.DELIVERY, is_active=True).order_by("code").first()
                or window)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    checklist = checklist_for(item, bundle)
    unknown = set(uploads) - {m["identity"].code for m in checklist if not m["produced"]}
    if unknown:
        raise case_error(CaseError.MATERIAL_UNKNOWN, material=sorted(unknown)[0])
    case = Case.objects.create(
        number=f"_{uuid.uuid4().hex[:29]}", item=item, bundle=bundle, title=(item or bundle).name,
        intake_window=window, intake_unit=window.unit, delivery_window=delivery, received_by=None,
        status=CaseStatus.PRECHECK, channel=channel, tracking_key=token_key(token),
        received_on=day, budget_workdays=_budget(item, bundle), form_data=form_data or {}, **fields,
        **intake_clock(day, policy),
    )
    rows = []
    for order, m in enumerate(checklist):
        code = m["identity"].code
        state = (MaterialState.PRODUCED if m["produced"] else MaterialState.RECEIVED if code in uploads else
                 MaterialState.ELECTRONIC if m["is_electronic_licence"] else MaterialState.MISSING)
        rows.append(CaseMaterial(case=case, identity=m["identity"], name=m["name"], is_required=m["is_required"],
                                 may_be_pending=m["may_be_pending"], is_electronic_licence=m["is_electronic_licence"],
                                 originals=m["originals"], copies=m["copies"], sort_order=order, state=state,
                                 received_copies=1 if code in uploads else 0))
    CaseMaterial.objects.bulk_create(rows)
    by_code = {m.identity.code: m for m in rows}
    for code, upload in uploads.items():
        _store(case, by_code[code], upload, FileSource.APPLICANT)
    tasks = _tasks(item, bundle, window.unit)
    CaseTask.objects.bulk_create([CaseTask(case=case, clock_workdays=task["budget_workdays"], **task) for task in tasks])
    reach.add_new(case.pk, [case.intake_unit_id, *(task["unit_id"] for task in tasks)])
    label = Channel(channel).label
    event(case, "case.submitted_online", f"{label}申请：{case.title}（上传材料 {len(uploads)} 份）",
          channel=channel, window=window.pk)
    number_case(case, policy.region_code, day)
    tell_users(staff_users(window=window.pk), title=f"网上预审：{case.number}",
               body=f"{label}申请“{case.title}”待预审。", case=case, code="cases.online_submitted")
    return case, token


@transaction.atomic
def correct_online(case: Case, *, uploads: dict) -> Case:
    """The applicant's answer to the one-time correction notice: a file for every material it listed; the
    case is back in 网上预审 and the §32 five days count again. Refused whole when one file is missing or bad."""
    case = lock(case)
    transition = TRANSITIONS["correct_online"]
    if case.status not in transition.sources or case.channel not in (Channel.ONLINE, Channel.MOBILE):
        raise case_error(CaseError.BAD_TRANSITION, status=CaseStatus(case.status).label, action=transition.label)
    listed = list(case.materials.filter(state__in=MATERIAL_TO_CORRECT).select_related("identity"))
    missing = [m.name for m in listed if m.identity.code not in uploads]
    if missing:
        raise case_error(CaseError.FILES_MISSING, names="、".join(missing))
    check_total_size(uploads)
    for material in listed:
        _store(case, material, uploads[material.identity.code], FileSource.APPLICANT)
        material.state, material.problem, material.received_copies = MaterialState.RECEIVED, "", 1
        material.save(update_fields=["state", "problem", "received_copies"])
    case.status, case.clock_start = CaseStatus.PRECHECK, today()
    event(case, "case.corrected_online", f"申请人网上补正：{'、'.join(m.name for m in listed)}",
          materials=[m.identity.code for m in listed])
    tell_users(staff_users(window=case.intake_window_id), title=f"网上补正：{case.number}",
               body="申请人已按一次性告知上传补正材料，请预审。", case=case, code="cases.online_corrected")
    return save_and_clock(case, ["status", "clock_start"])


# --- 异地代收、多地联办 -------------------------------------------------------------------------------------

def authorised_items(outlet):
    """The items an outlet may take (its authorisations not revoked)."""
    return ServiceItem.objects.filter(pk__in=OutletAuthorisation.objects.filter(
        outlet=outlet, is_revoked=False).values("item_id"))


@transaction.atomic
def authorise_outlet(outlet, item: ServiceItem, *, by=None, on: date | None = None) -> OutletAuthorisation:
    """Authorise (again) `outlet` to take `item` (15 分钟政务服务圈)."""
    from tongban.history.services import record_event as record

    if outlet.kind.code != "outlet":
        raise case_error(CaseError.NOT_AN_OUTLET, unit=outlet.name)
    row, _ = OutletAuthorisation.objects.update_or_create(
        outlet=outlet, item=item, defaults={"authorised_on": on or today(), "is_revoked": False, "revoked_on": None})
    record(row, "cases.outlet_authorised", f"授权{outlet.name}代收“{item.name}”", by=by)
    return row


@transaction.atomic
def revoke_outlet(row: OutletAuthorisation, *, by=None, on: date | None = None) -> OutletAuthorisation:
    from tongban.history.services import record_event as record

    row.is_revoked, row.revoked_on = True, on or today()
    row.save(update_fields=["is_revoked", "revoked_on"])
    record(row, "cases.outlet_revoked", f"撤销{row.outlet.name}代收“{row.item.name}”", by=by)
    return row


def forward_targets(case: Case):
    """The windows the case may be forwarded to: active intake windows (not its own) that may take it — the rule
    of `why_window_cannot_take`, worked out set-based (three queries whatever the number of windows): a centre
    window takes everything; a township or village window the items of its own units and those delegated to it
    or to a township above it."""
    from tongban.catalog.models import Delegation

    windows = list(Window.objects.filter(kind=WindowKind.INTAKE, is_active=True).exclude(pk=case.intake_window_id)
                   .exclude(unit__kind__code="outlet").select_related("unit", "unit__kind")
                   .order_by("unit__path", "code"))
    if case.item_id is not None:
        item_ids = [case.item_id]
    else:
        item_ids = list(case.bundle.nodes.values_list("item_id", flat=True))
    own_paths = dict(ServiceItem.objects.filter(pk__in=item_ids).values_list("pk", "implementing_unit__path"))
    delegated: dict[int, set[str]] = {}
    for item_id, path in Delegation.objects.filter(item_id__in=item_ids, is_revoked=False).values_list(
            "item_id", "township__path"):
        delegated.setdefault(item_id, set()).add(path)

    def takes(window) -> bool:
        if takes_every_item(window):
            return True
        ancestors = set(_ancestor_paths(window.unit))
        return all((own_paths.get(i) or "").startswith(window.unit.path) or delegated.get(i, set()) & ancestors
                   for i in item_ids)

    return [w for w in windows if takes(w)]


@transaction.atomic
def forward(case: Case, *, by, to_window: Window) -> Case:
    """转送: the case moves to `to_window` with its history (异地代收 from an outlet, 多地联办 between a township
    and the county). The first hop is kept (it still sees the case); the tasks' reviewing units follow the new
    intake unit (a township decides what is delegated to it); the clock per `hop_clock_from`."""
    from tongban.cases.services.common import check

    case = lock(case)
    check("forward", case, by)
    if to_window.pk == case.intake_window_id or to_window.kind != WindowKind.INTAKE or not to_window.is_active:
        raise case_error(CaseError.FORWARD_TARGET, window=to_window.name)
    why = why_window_cannot_take(to_window, item=case.item, bundle=case.bundle)
    if why:
        raise case_error(CaseError.WINDOW_CANNOT_TAKE, window=to_window.name, what=case.title, why=why)
    source = case.intake_window
    if case.first_window_id is None:
        case.first_window, case.first_unit = source, case.intake_unit
    case.intake_window, case.intake_unit = to_window, to_window.unit
    case.delivery_window = (Window.objects.filter(unit=to_window.unit, kind=WindowKind.DELIVERY, is_active=True)
                            .order_by("code").first() or to_window)
    fields = ["first_window", "first_unit", "intake_window", "intake_unit", "delivery_window"]
    policy = CaseSettings.load()
    if policy.hop_clock_from == HopClock.LAST and case.clock_start is not None:
        case.clock_start = today()
        fields.append("clock_start")
    units = {t["item"].pk: t["unit_id"] for t in _tasks(case.item, case.bundle, to_window.unit)}
    for task in case.tasks.all():
        if units.get(task.item_id) and task.unit_id != units[task.item_id]:
            task.unit_id = units[task.item_id]
            task.save(update_fields=["unit", "updated_at"])
    event(case, "case.forwarded", f"由{source.unit.name}（{source.name}）转送至{to_window.unit.name}（{to_window.name}）",
          by=by, from_window=source.pk, to_window=to_window.pk, from_unit=source.unit_id, to_unit=to_window.unit_id)
    tell_users(staff_users(window=to_window.pk), title=f"转送件：{case.number}",
               body=f"{source.unit.name}转送“{case.title}”，请受理。", case=case, code="cases.forwarded")
    case = save_and_clock(case, fields)
    reach.sync([case.pk])  # the new intake unit and the tasks' units in, the units left behind out
    return case
