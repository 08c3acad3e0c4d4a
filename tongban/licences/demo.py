"""Demo: the seal certificate (self-signed, if none is configured), a licence for every approved demo case whose
item's result is a licence (set-based: the bulk cases were written without the services), a returning
applicant whose new case uses the licence instead of paper, and two sealed documents that verify. Idempotent."""
from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction

def ensure_demo_certificate() -> bool:
    """Without a configured certificate, make the demo's self-signed one (`sealing.configured_certificate`
    falls back to it while TONGBAN_SEAL_CERT is unset)."""
    from tongban.licences import sealing

    if sealing.is_configured():
        return False
    sealing.make_self_signed(sealing.demo_cert_path(), sealing.DEMO_PASSPHRASE, f"{settings.SEAL_NAME}（演示证书）")
    return True


def issue_for_decided_cases() -> int:
    """Set-based: one read of the approved tasks without a licence, one INSERT."""
    from tongban.cases.choices import ApplicantKind, Decision, TaskStatus
    from tongban.cases.models import CaseTask
    from tongban.catalog.choices import ResultKind
    from tongban.licences.choices import HolderKind, LicenceSource
    from tongban.licences.models import Licence, LicenceSettings
    from tongban.licences.services import _add_years

    years = LicenceSettings.load().default_validity_years
    rows = (CaseTask.objects.filter(status=TaskStatus.APPROVED, case__decision=Decision.APPROVED, licence__isnull=True,
                                    item__result_kind=ResultKind.LICENCE, item__result_identity__isnull=False)
            .values_list("pk", "result_number", "unit_id", "unit__name", "item__result_identity_id", "item__result_name",
                         "item__result_identity__name", "case_id", "case__number", "case__applicant_kind",
                         "case__applicant_name", "case__id_number", "case__decided_on"))
    taken = set(Licence.objects.values_list("number", flat=True))
    licences = []
    for (task_id, result_number, unit_id, unit_name, kind_id, result_name, kind_name, case_id, number, applicant_kind,
         applicant_name, id_number, decided_on) in rows:
        licence_number = result_number or f"DZ{number}-{task_id:04d}"
        if licence_number in taken or not decided_on or not id_number:
            continue
        taken.add(licence_number)
        licences.append(Licence(
            number=licence_number, kind_id=kind_id, title=result_name or kind_name,
            holder_kind=HolderKind.ORGANISATION if applicant_kind == ApplicantKind.ORGANISATION else HolderKind.PERSON,
            holder_name=applicant_name, holder_id=id_number.upper(), unit_id=unit_id, issuer_name=unit_name,
            issued_on=decided_on, valid_from=decided_on,
            valid_until=_add_years(decided_on, years) - timedelta(days=1) if years else None,
            source=LicenceSource.ISSUED, case_id=case_id, task_id=task_id))
    Licence.objects.bulk_create(licences, batch_size=1000)
    return len(licences)


def returning_applicant(county) -> str:
    """An organisation holding a 营业执照 from an earlier demo case comes back for an item that accepts it: its
    new case is received at A01 and the licence stands in for the paper. Once (keyed by the event)."""
    from tongban.cases.models import Case, CaseEvent
    from tongban.cases.services import intake
    from tongban.catalog.models import ItemMaterial
    from tongban.licences.models import Licence

    if CaseEvent.objects.filter(code="case.licences_used", data__demo="licences").exists():
        return "已有"
    clerk = county.users.get("chuangkou")
    if clerk is None or getattr(clerk, "staff", None) is None or clerk.staff.window_id is None:
        return "缺少窗口人员"
    licence = (Licence.objects.filter(status="valid", holder_kind="organisation", kind__code="business_licence")
               .order_by("pk").first())
    accepting = (ItemMaterial.objects.filter(identity__code="business_licence", is_electronic_licence=True)
                 .select_related("item").order_by("item__implementation_code").first())
    if licence is None or accepting is None:
        return "演示数据中没有可复用的营业执照"
    item = accepting.item
    source = Case.objects.filter(id_number=licence.holder_id).order_by("pk").first()
    applicant = {"applicant_kind": "organisation", "applicant_name": licence.holder_name, "id_number": licence.holder_id,
                 "phone": source.phone if source else "13800001234",
                 "legal_representative": (source.legal_representative if source else "") or "王经理"}
    states = {m.identity.code: "received" for m in item.materials.all()}
    states["business_licence"] = "missing"
    with transaction.atomic():  # as at the counter: the licence ticked on 收件登记 itself
        case = intake.receive_case(by=clerk, window=clerk.staff.window, item=item, applicant=applicant, materials=states,
                                   licences={"business_licence": licence.pk})
        event = case.events.filter(code="case.licences_used").latest("pk")
        CaseEvent.objects.filter(pk=event.pk).update(data={**event.data, "demo": "licences"})
    return f"回头客办件 {case.number} 调用 {licence.number}"


def sealed_documents() -> str:
    """Seal one licence (its PDF with the QR code) and one case's 行政许可决定书, once; LibreOffice is needed."""
    import shutil

    from tongban.licences import services
    from tongban.licences.models import Licence, SealedDocument

    if SealedDocument.objects.exists():
        return "已有"
    if shutil.which("soffice") is None:
        return "未安装 LibreOffice，未生成签章 PDF"
    licence = Licence.objects.filter(status="valid", case__isnull=False).order_by("pk").first()
    if licence is None:
        return "没有证照"
    from tongban.cases import notices
    from tongban.licences.documents import licence_docx
    from tongban.licences.sealing import docx_to_pdfs

    licence_pdf, decision_pdf = docx_to_pdfs([licence_docx(licence), notices.render(licence.case, "decision")])
    services.seal_licence(licence, pdf=licence_pdf)
    services.seal_notice(licence.case, "decision", pdf=decision_pdf)
    return f"已为 {licence.number} 及其决定书生成签章 PDF"


def build_demo(county) -> str:
    started = time.monotonic()
    made_cert = ensure_demo_certificate()
    issued = issue_for_decided_cases()
    returning = returning_applicant(county)
    sealed = sealed_documents()
    from tongban.licences.sealing import demo_cert_path

    cert = "（已生成演示自签名证书：" + str(demo_cert_path()) + "）" if made_cert else ""
    return (f"新增电子证照 {issued:,} 张；{returning}；签章文书：{sealed}{cert}（{time.monotonic() - started:.1f} 秒）")
