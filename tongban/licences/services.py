"""Every write of 电子证照 and 电子印章: issue on approval, revoke, replace, use at intake (免提交), import,
expire and remind (jobs), seal documents. Atomic, each recording its event."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tongban.cases.choices import BEFORE_ACCEPTANCE
from tongban.history.services import record_event
from tongban.jobs.queue import enqueue_on_commit
from tongban.licences.choices import HolderKind, LicenceSource, LicenceStatus
from tongban.licences.error_codes import LicenceError, licence_error
from tongban.licences.models import Licence, LicenceSettings, LicenceUse, SealedDocument, SealRequest

logger = logging.getLogger(__name__)

OPEN_FOR_USE = BEFORE_ACCEPTANCE  # 收件后、受理前: the checklist is still open, so a licence may stand in


def licence_number(task) -> str:
    """The task's own result number when the reviewer typed one, else the case number + task id. A typed number
    another licence already holds (a typing slip, a paper number reused) must not fail the approval it is part
    of: the licence then gets the generated number, and the typed one stays on the task for someone to check."""
    typed = task.result_number.strip()
    if typed and not Licence.objects.filter(number=typed).exists():
        return typed
    return f"DZ{task.case.number}-{task.pk:04d}"


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def issue_for_case(case, *, by=None) -> list[Licence]:
    """When a case is decided 准予许可, each approved task whose item's result is a licence (with a result
    identity in the catalogue) becomes a Licence held by the applicant. Idempotent per task."""
    from tongban.cases.choices import ApplicantKind, TaskStatus
    from tongban.catalog.choices import ResultKind

    settings_row = LicenceSettings.load()
    tasks = list(case.tasks.filter(status=TaskStatus.APPROVED, licence__isnull=True,
                                   item__result_kind=ResultKind.LICENCE, item__result_identity__isnull=False)
                 .select_related("item", "item__result_identity", "unit", "case"))
    issued = []
    day = case.decided_on or timezone.localdate()
    for task in tasks:
        years = settings_row.default_validity_years
        licence = Licence.objects.create(
            number=licence_number(task), kind=task.item.result_identity,
            title=task.item.result_name or task.item.result_identity.name,
            holder_kind=HolderKind.ORGANISATION if case.applicant_kind == ApplicantKind.ORGANISATION else HolderKind.PERSON,
            holder_name=case.applicant_name, holder_id=case.id_number.upper(), unit=task.unit,
            issuer_name=task.unit.name, issued_on=day, valid_from=day,
            valid_until=_add_years(day, years) - timedelta(days=1) if years else None,
            source=LicenceSource.ISSUED, case=case, task=task)
        record_event(licence, "licences.issued", f"办件 {case.number} 准予许可，出具电子证照 {licence.number}",
                     by=by, related=case)
        issued.append(licence)
    return issued


@transaction.atomic
def revoke(licence: Licence, *, by, reason: str) -> Licence:
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    if licence.status in (LicenceStatus.REVOKED, LicenceStatus.REPLACED):
        raise licence_error(LicenceError.ALREADY_REVOKED, number=licence.number, status=licence.get_status_display())
    if not (reason or "").strip():
        raise licence_error(LicenceError.REASON_REQUIRED)
    licence.status, licence.status_reason = LicenceStatus.REVOKED, reason.strip()[:300]
    licence.save(update_fields=["status", "status_reason", "updated_at"])
    record_event(licence, "licences.revoked", f"注销电子证照：{reason.strip()}", by=by)
    return licence


@transaction.atomic
def replace(old: Licence, new: Licence, *, by) -> Licence:
    """A renewal or change issued `new` in place of `old` (换发)."""
    old = Licence.objects.select_for_update().get(pk=old.pk)
    old.status, old.replaced_by, old.status_reason = LicenceStatus.REPLACED, new, f"换发为 {new.number}"
    old.save(update_fields=["status", "replaced_by", "status_reason", "updated_at"])
    record_event(old, "licences.replaced", f"换发为电子证照 {new.number}", by=by, related=new)
    return old


def usable_q(holder_id: str, today: date) -> Q:
    """Licences that may stand in for paper today: the holder's own, valid, within validity."""
    return (Q(holder_id=(holder_id or "").upper()) & Q(status=LicenceStatus.VALID) & Q(valid_from__lte=today)
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=today)))


@transaction.atomic
def use_licences(case, choices: dict[int, int | None], *, by) -> list[LicenceUse]:
    """The clerk ticked, for material id → licence id, which of the applicant's licences stands in for the
    material (免提交); `None` withdraws a licence (the material goes back to 缺少). Refused whole when any
    licence is another holder's, not valid, of another kind, or the material does not accept licences.
    The material's state is written by the cases' own service (`cases.services.materials`)."""
    from tongban.cases.choices import CaseStatus
    from tongban.cases.error_codes import CaseError, case_error
    from tongban.cases.models import Case, CaseMaterial
    from tongban.cases.services.materials import cover_by_licences

    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in OPEN_FOR_USE:
        raise licence_error(LicenceError.CASE_CLOSED, status=CaseStatus(case.status).label)
    materials = {m.pk: m for m in CaseMaterial.objects.filter(case=case, pk__in=list(choices)).select_related("identity")}
    wanted = {pk for pk in choices.values() if pk}
    licences = {lic.pk: lic for lic in Licence.objects.select_for_update().filter(pk__in=wanted).select_related("kind")}
    usable = set(Licence.objects.filter(usable_q(case.id_number, timezone.localdate()), pk__in=wanted)
                 .values_list("pk", flat=True))
    covered, withdrawn = [], []
    for material_id, licence_id in choices.items():
        material = materials.get(material_id)
        if material is None:
            raise case_error(CaseError.MATERIAL_UNKNOWN, material=material_id)
        if licence_id is None:
            withdrawn.append(material)
            continue
        licence = licences.get(licence_id)
        if licence is None or licence.holder_id != (case.id_number or "").upper():
            raise licence_error(LicenceError.OTHER_HOLDER, number=getattr(licence, "number", licence_id))
        if not material.is_electronic_licence:
            raise licence_error(LicenceError.NOT_ACCEPTED, material=material.name)
        if licence.kind_id != material.identity_id:
            raise licence_error(LicenceError.WRONG_KIND, number=licence.number, kind=licence.kind.name,
                                material=material.name)
        if licence.pk not in usable:
            status = licence.get_status_display() if licence.status != LicenceStatus.VALID else "不在有效期内"
            raise licence_error(LicenceError.NOT_VALID, number=licence.number, status=status)
        covered.append((material, licence))
    LicenceUse.objects.filter(material_id__in=list(choices)).delete()
    cover_by_licences(case, [(material, licence.number) for material, licence in covered], withdrawn, by=by)
    uses = LicenceUse.objects.bulk_create([LicenceUse(case=case, material=material, licence=licence, used_by=by)
                                           for material, licence in covered])
    for use in uses:
        record_event(use.licence, "licences.used", f"办件 {case.number} 调用，代替材料“{use.material.name}”",
                     by=by, related=case)
    return uses


HOLDER_LOOKED_UP = "licences.holder_looked_up"


def holder_lookup_limit() -> int:
    from django.conf import settings

    return settings.LICENCE_LOOKUPS_PER_HOUR


def record_holder_lookup(holder_id: str, *, by) -> None:
    """A clerk looked up which licences an ID number holds (收件登记): personal data, so recorded like the
    reveal of a case's full ID number — who, when, which number (the number in the event's data, masked in
    its sentence) — on the clerk's own timeline."""
    from tongban.core.masking import mask_id_numbers

    record_event(by, HOLDER_LOOKED_UP, f"收件时查询证件号码 {mask_id_numbers(holder_id)} 的电子证照", by=by,
                 id_number=holder_id.upper())


def expire_due(today: date) -> int:
    """Valid licences past their validity become 已过期 (set-based, idempotent)."""
    return Licence.objects.filter(status=LicenceStatus.VALID, valid_until__lt=today).update(
        status=LicenceStatus.EXPIRED, updated_at=timezone.now())


def remind_expiring(today: date) -> dict:
    """Tell the issuing unit's staff, and the staff handling the holder's open cases (a renewal in progress),
    of every valid licence expiring within `expiry_reminder_days`; once per validity (`reminded_for`)."""
    from tongban.cases.choices import CaseStatus
    from tongban.cases.models import Case
    from tongban.notifications.services import notify
    from tongban.org.models import Staff

    days = LicenceSettings.load().expiry_reminder_days
    due = list(Licence.objects.filter(status=LicenceStatus.VALID, valid_until__gte=today,
                                      valid_until__lte=today + timedelta(days=days))
               .exclude(reminded_for=F("valid_until")).select_related("unit"))
    if not due:
        return {"licences_reminded": 0}
    staff = {}
    for unit_id, user_id in Staff.objects.filter(is_active=True, user__isnull=False,
                                                 unit_id__in={lic.unit_id for lic in due}).values_list("unit_id", "user_id"):
        staff.setdefault(unit_id, []).append(user_id)
    open_cases = {}
    for case_id, number, holder, window in (Case.objects.filter(id_number__in={lic.holder_id for lic in due})
                                            .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.REFUSED,
                                                                 CaseStatus.WITHDRAWN])
                                            .values_list("pk", "number", "id_number", "intake_window_id")):
        open_cases.setdefault(holder.upper(), []).append((case_id, number, window))
    window_staff = {}
    windows = {w for cases in open_cases.values() for _, _, w in cases}
    for window_id, user_id in Staff.objects.filter(is_active=True, user__isnull=False,
                                                   window_id__in=windows).values_list("window_id", "user_id"):
        window_staff.setdefault(window_id, []).append(user_id)
    for licence in due:
        body = f"{licence.title}（{licence.number}，持证主体 {licence.holder_name}）将于 {licence.valid_until} 到期，请提醒办理延续。"
        transaction.on_commit(lambda lic=licence, b=body: notify(
            staff.get(lic.unit_id, []), title=f"电子证照即将到期：{lic.number}", body=b, link=lic.get_absolute_url(),
            code="licences.expiring", dedupe_key=f"licences.expiring.{lic.pk}.{lic.valid_until}"))
        for case_id, number, window in open_cases.get(licence.holder_id, []):
            transaction.on_commit(lambda lic=licence, c=case_id, n=number, w=window: notify(
                window_staff.get(w, []), title=f"办件 {n}：申请人的电子证照即将到期",
                body=f"{lic.title}（{lic.number}）将于 {lic.valid_until} 到期，可在本件中一并办理延续。",
                link=f"/cases/{n}/", code="licences.expiring_case", dedupe_key=f"licences.expiring.{lic.pk}.case.{c}"))
        record_event(licence, "licences.expiry_reminded", f"有效期 {licence.valid_until} 到期提醒已发送")
    Licence.objects.filter(pk__in=[lic.pk for lic in due]).update(reminded_for=F("valid_until"))
    return {"licences_reminded": len(due)}


# --- 电子印章 ---------------------------------------------------------------------------------------------

def seal(pdf: bytes, *, kind: str, title: str, verify_url: str, case=None, licence=None, by=None) -> SealedDocument:
    """Seal `pdf` with the configured provider and keep it."""
    from tongban.licences import sealing

    signed = sealing.provider().sign(pdf, reason=title, verify_url=verify_url)
    verification = sealing.provider().verify(signed)
    with transaction.atomic():
        document = SealedDocument(case=case, licence=licence, kind=kind, title=title[:200], sha256=sealing.sha256(signed),
                                  signer=verification.signer[:200], sealed_by=by)
        document.file.save(f"{kind}.pdf", ContentFile(signed), save=False)
        document.save()
        record_event(licence or case, "licences.sealed", f"生成签章文书：{title}", by=by)
        # Sealed by hand or by the worker: the decision's request for this document is fulfilled either way.
        SealRequest.objects.filter(key=SealRequest.key_for(kind, case=case, licence=licence), sealed_at__isnull=True
                                   ).update(sealed_at=timezone.now(), document=document, next_attempt_at=None,
                                            leased_until=None, problem="", updated_at=timezone.now())
    return document


def seal_licence(licence: Licence, *, by=None, site_url: str = "", pdf: bytes | None = None) -> SealedDocument:
    """The licence as .docx (公文 look) → PDF (LibreOffice) → sealed, with the QR code of its verification page.
    `pdf`: the licence already converted (the demo converts its documents in one LibreOffice run)."""
    from django.conf import settings

    from tongban.licences.documents import licence_docx
    from tongban.licences.sealing import docx_to_pdf

    pdf = pdf or docx_to_pdf(licence_docx(licence))
    url = (site_url or settings.SITE_URL).rstrip("/") + licence.get_verify_url()
    document = seal(pdf, kind="licence", title=f"{licence.title}（{licence.number}）", verify_url=url,
                    licence=licence, case=licence.case, by=by)
    licence.document.save(f"{licence.number}.pdf", ContentFile(document.file.open("rb").read()), save=False)
    document.file.close()
    licence.save(update_fields=["document", "updated_at"])
    return document


def seal_notice(case, kind: str, *, by=None, pdf: bytes | None = None) -> SealedDocument:
    """A case's notice (受理通知书, 行政许可决定书 …) from `cases.notices` as sealed PDF."""
    from django.conf import settings

    from tongban.cases import notices
    from tongban.licences.sealing import docx_to_pdf

    spec = notices.NOTICES[kind]
    url = settings.SITE_URL.rstrip("/") + "/licences/verify/"
    return seal(pdf or docx_to_pdf(notices.render(case, kind)), kind=kind, title=f"{spec.title}（{case.number}）",
                verify_url=url, case=case, by=by)


# --- 签章队列：决定后自动签章 ------------------------------------------------------------------------------

SEAL_LEASE = timedelta(minutes=10)   # a claimed request is not claimed again for this long (a worker died mid-seal)
SEAL_BATCH = 20                      # documents converted in one LibreOffice run
SEALED_NOTICES = ("decision",)       # the notices sealed on every decision besides its licences


def seal_retry_delay(attempts: int) -> timedelta:
    """5, 10, 20 … minutes after each failure, at most 6 hours: a missing certificate is not retried every minute."""
    return min(timedelta(minutes=5) * 2 ** max(attempts - 1, 0), timedelta(hours=6))


def request_seals(case, licences: list[Licence]) -> list[int]:
    """On a decision (inside its transaction): ask for the case's licences and its 行政许可决定书 to be sealed.
    Only rows are written here; the worker seals after the commit (`seal_pending`), and the retry task takes up
    whatever the queue lost. Idempotent by document (`key`)."""
    now = timezone.now()
    wanted = [SealRequest(key=SealRequest.key_for("licence", licence=lic), kind="licence", case=case, licence=lic,
                          next_attempt_at=now) for lic in licences]
    wanted += [SealRequest(key=SealRequest.key_for(kind, case=case), kind=kind, case=case, next_attempt_at=now)
               for kind in SEALED_NOTICES]
    SealRequest.objects.bulk_create(wanted, ignore_conflicts=True)
    ids = list(SealRequest.objects.filter(key__in=[r.key for r in wanted], sealed_at__isnull=True)
               .values_list("pk", flat=True))
    if ids:
        from tongban.licences.tasks import seal_requests_task

        enqueue_on_commit(seal_requests_task, ids)  # a queue that is down: retry_seal_requests seals them later
    return ids


def _claim_seals(ids: list[int] | None, now: datetime, limit: int) -> list[SealRequest]:
    due = SealRequest.objects.filter(sealed_at__isnull=True, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    claimed = []
    for request in due.select_related("case", "licence").order_by("next_attempt_at", "pk")[:limit]:
        if SealRequest.objects.filter(pk=request.pk, sealed_at__isnull=True, next_attempt_at=request.next_attempt_at
                                      ).update(next_attempt_at=now + SEAL_LEASE, leased_until=now + SEAL_LEASE):
            claimed.append(request)
    return claimed


def _seal_failed(request: SealRequest, problem: str, now: datetime) -> None:
    attempts = request.attempts + 1
    SealRequest.objects.filter(pk=request.pk, sealed_at__isnull=True).update(
        attempts=attempts, problem=problem[:300], next_attempt_at=now + seal_retry_delay(attempts), leased_until=None,
        updated_at=now)


def _already_sealed(request: SealRequest) -> SealedDocument | None:
    """A document sealed by hand before the worker came to it (the request is then fulfilled as is)."""
    found = SealedDocument.objects.filter(kind=request.kind)
    found = found.filter(licence=request.licence) if request.kind == "licence" else found.filter(case=request.case)
    return found.order_by("-pk").first()


def _close_sealed(request: SealRequest, document: SealedDocument, now: datetime) -> None:
    SealRequest.objects.filter(pk=request.pk, sealed_at__isnull=True).update(
        sealed_at=now, document=document, next_attempt_at=None, leased_until=None, problem="", updated_at=now)


def seal_waiting_now(now: datetime | None = None) -> dict:
    """`tongban licences seal-pending`: every waiting request nobody holds is due now (a retry's wait is cut
    short) and sealed at the real time. A request the worker has claimed (its lease still running: it is
    converting the document) is left to the worker, never claimed a second time."""
    now = now or timezone.now()
    free = SealRequest.objects.filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now), sealed_at__isnull=True)
    ids = list(free.values_list("pk", flat=True))
    free.filter(pk__in=ids, next_attempt_at__gt=now).update(next_attempt_at=now)
    return seal_pending(ids, now=now)


def seal_pending(ids: list[int] | None = None, *, now: datetime | None = None, limit: int = 40) -> dict:
    """The worker's part: seal the due requests `ids` (or every due one), each claimed first with a conditional
    update so two workers never seal the same document twice. A failure is recorded on the request (its
    Chinese reason, shown as 待签章 on the licence) and tried again later; the decision is never touched.
    At most `limit` a run (two LibreOffice runs, well inside the claim's lease); the periodic task takes the rest."""
    from django.core.exceptions import ValidationError

    from tongban.cases import notices
    from tongban.licences import sealing
    from tongban.licences.documents import licence_docx

    now = now or timezone.now()
    claimed = _claim_seals(ids, now, limit)
    sealed = failed = 0
    if not claimed:
        return {"sealed": 0, "seal_failed": 0}
    try:
        sealing.provider()
    except ValidationError as exc:  # no certificate, wrong passphrase: nothing can be sealed now
        for request in claimed:
            _seal_failed(request, exc.messages[0], now)
        return {"sealed": 0, "seal_failed": len(claimed)}
    todo = []
    for request in claimed:
        done = _already_sealed(request)
        if done is not None:
            _close_sealed(request, done, now)
            sealed += 1
            continue
        try:
            docx = licence_docx(request.licence) if request.kind == "licence" else notices.render(request.case, request.kind)
        except Exception:
            logger.exception("could not render %s for sealing", request.key)
            _seal_failed(request, "文书生成失败（详见系统日志）", now)
            failed += 1
            continue
        todo.append((request, docx))
    for start in range(0, len(todo), SEAL_BATCH):
        batch = todo[start:start + SEAL_BATCH]
        try:
            pdfs = sealing.docx_to_pdfs([docx for _, docx in batch])
        except ValidationError as exc:
            for request, _ in batch:
                _seal_failed(request, exc.messages[0], now)
            failed += len(batch)
            continue
        for (request, _), pdf in zip(batch, pdfs):
            try:
                with transaction.atomic():
                    # Looked at again under the request's row lock: a seal by hand during the conversion
                    # (it closes the request in its own transaction) is not sealed a second time.
                    waiting = SealRequest.objects.select_for_update().filter(pk=request.pk, sealed_at__isnull=True)
                    if not waiting.exists():
                        sealed += 1
                        continue
                    done = _already_sealed(request)
                    if done is not None:
                        _close_sealed(request, done, now)
                    elif request.kind == "licence":
                        seal_licence(request.licence, pdf=pdf)
                    else:
                        seal_notice(request.case, request.kind, pdf=pdf)
            except Exception as exc:  # one document's failure leaves the others sealed
                logger.exception("could not seal %s", request.key)
                _seal_failed(request, exc.messages[0] if isinstance(exc, ValidationError) else "签章失败（详见系统日志）", now)
                failed += 1
            else:
                sealed += 1
    return {"sealed": sealed, "seal_failed": failed}


# --- 导入 ------------------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    rows: list = field(default_factory=list)

    def summary(self) -> str:
        prefix = "检查通过（未写入）：" if self.dry_run else "导入完成："
        return f"{prefix}新增 {self.created} 张，更新 {self.updated} 张，未变 {self.unchanged} 张。"
