"""Masking of an applicant's personal data (PIPL): lists, exports and the API show masked values; the case page
shows the full value to handlers and leaders in scope after a logged reveal."""
from __future__ import annotations

from tongban.cases.choices import ApplicantKind, IdType
from tongban.core.masking import mask_id_numbers, mask_phone


def masked_id_number(case) -> str:
    """An organisation's credit code is public (企业信用信息公示); a person's number is masked."""
    return mask_applicant_id(case.applicant_kind, case.id_type, case.id_number)


def mask_applicant_id(applicant_kind: str, id_type: str, id_number: str) -> str:
    """The rule of `masked_id_number` on plain values (rows read with values(), as the exports do)."""
    if applicant_kind == ApplicantKind.ORGANISATION or not id_number:
        return id_number
    if id_type == IdType.RESIDENT_ID:
        return mask_id_numbers(id_number)
    text = id_number
    return text[:2] + "*" * max(len(text) - 4, 0) + text[-2:] if len(text) > 4 else "*" * len(text)


def masked_phone(case) -> str:
    return mask_phone(case.phone)


def reveal(case, *, by) -> dict:
    """The full values, with the reveal recorded (who, when, which case)."""
    from tongban.cases.services.common import event

    event(case, "case.personal_data_revealed", "查看申请人完整证件号码和电话", by=by)
    return {"id_number": case.id_number, "phone": case.phone, "agent_id_number": case.agent_id_number,
            "agent_phone": case.agent_phone}
