"""The notices a clerk prints (行政许可法 §32, §38, §45): .docx templates filled with docxtpl.

Each notice has a default template in `cases/notice_templates/<kind>.docx`, laid out as a 公文 (GB/T 9704,
built by `build_default_templates()` with `documents.gongwen`); a centre replaces one by putting its own
`<kind>.docx` into `MEDIA_ROOT/cases/notice_templates/` (edited in Word or WPS, the same `{{ … }}` fields).
Every notice carries the case number and the tracking link (the public 办件进度查询 page, `tracking.py`).

Fields: number, title, applicant, received_on, accepted_on, due_date, budget, centre, issued_on, tracking_link,
materials (name, problem), pending (name), pending_due, reason, suspension (kind, reason, started_on),
tasks (item, unit, decision, reason, result_number), decision, extension (item, unit, workdays, reason,
approved_on, due_before, due_after: the latest approved §42 extension).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from django.conf import settings

from tongban.cases.choices import MATERIAL_TO_CORRECT, CaseStatus, MaterialState

DEFAULTS = Path(__file__).resolve().parent / "notice_templates"


@dataclass(frozen=True)
class Notice:
    kind: str
    title: str
    applies: Callable  # (case) -> bool: the notice exists for this case


NOTICES = {n.kind: n for n in [
    Notice("acceptance", "受理通知书", lambda c: c.accepted_on is not None),
    Notice("correction", "一次性告知书", lambda c: c.correction_notified_on is not None),
    Notice("refusal", "不予受理决定书", lambda c: c.status == CaseStatus.REFUSED),
    Notice("pending_promise", "容缺受理承诺书", lambda c: c.accepted_with_pending),
    Notice("special_procedure", "特别程序告知书", lambda c: c.suspensions.exists()),
    Notice("decision", "行政许可决定书", lambda c: bool(c.decision)),
    Notice("extension", "延长审批期限告知书", lambda c: c.extended_workdays > 0),
]}


# 电子签名 (app archives) registers itself here, so that cases does not import it: `signed_copy(case, kind)`
# answers the exact .docx the applicant signed (served instead of a fresh render), `links(case, user)` the
# extra links of the case page's 文书 card (sign, signed copies, the receipt, the archive package).
_SIGNING: dict[str, Callable | None] = {"signed_copy": None, "links": None}


def register_signing(*, signed_copy: Callable, links: Callable) -> None:
    _SIGNING.update(signed_copy=signed_copy, links=links)


def signed_copy(case, kind: str) -> bytes | None:
    provider = _SIGNING["signed_copy"]
    return provider(case, kind) if provider else None


def extra_links(case, user) -> list:
    provider = _SIGNING["links"]
    return provider(case, user) if provider else []


def cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "____年__月__日"


def available(case) -> list[Notice]:
    return [notice for notice in NOTICES.values() if notice.applies(case)]


def template_path(kind: str) -> Path:
    custom = Path(settings.MEDIA_ROOT) / "cases" / "notice_templates" / f"{kind}.docx"
    return custom if custom.exists() else DEFAULTS / f"{kind}.docx"


def context(case) -> dict:
    from django.utils import timezone

    from tongban.cases.tracking import tracking_link

    suspension = case.suspensions.order_by("-started_on", "-pk").first()
    extension = case.extensions.filter(status="approved").select_related("task__item", "task__unit").order_by("-pk").first()
    materials = case.materials.filter(state__in=MATERIAL_TO_CORRECT) if case.status == CaseStatus.CORRECTING else \
        case.materials.filter(problem__gt="") | case.materials.filter(state__in=MATERIAL_TO_CORRECT)
    return {
        "number": case.number, "title": case.title, "applicant": case.applicant_name,
        "received_on": cn_date(case.received_on), "accepted_on": cn_date(case.accepted_on),
        "due_date": cn_date(case.due_date), "budget": case.budget_workdays,
        "centre": settings.CENTRE_NAME or case.intake_unit.name, "issued_on": cn_date(timezone.localdate()),
        "tracking_link": tracking_link(case),
        "materials": [{"name": m.name, "problem": f"（{m.problem}）" if m.problem else ""} for m in materials.distinct()],
        "pending": [{"name": m.name} for m in case.materials.filter(state=MaterialState.PENDING)]
        or [{"name": m.name} for m in case.materials.filter(supplied_on__isnull=False)],
        "pending_due": cn_date(case.pending_due_date),
        "reason": case.refusal_reason or case.decision_reason,
        "suspension": {"kind": suspension.get_kind_display(), "reason": suspension.reason,
                       "started_on": cn_date(suspension.started_on)} if suspension else {},
        "tasks": [{"item": t.item.name, "unit": t.unit.name, "decision": t.get_status_display(), "reason": t.reason,
                   "result_number": t.result_number} for t in case.tasks.select_related("item", "unit")],
        "decision": case.get_decision_display(),
        "approved": case.decision == "approved",
        "extension": {"item": extension.task.item.name, "unit": extension.task.unit.name,
                      "workdays": extension.workdays, "reason": extension.reason,
                      "approved_on": cn_date(extension.decided_on), "due_before": cn_date(extension.due_before),
                      "due_after": cn_date(extension.due_after)} if extension else {},
    }


# What other apps add to every printed notice (feedback: the QR code to rate the case), registered from their
# AppConfig.ready() so this app does not depend on them: finisher(case, kind, document) edits the rendered
# python-docx document in place.
_FINISHERS: dict[str, Callable] = {}


def register_finisher(key: str, finisher: Callable) -> None:
    _FINISHERS[key] = finisher


def render(case, kind: str) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(template_path(kind)))
    template.render(context(case), autoescape=True)
    for key in sorted(_FINISHERS):
        _FINISHERS[key](case, kind, template.docx)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


# --- The default templates (run `tongban shell -c "from tongban.cases.notices import build_default_templates;
# build_default_templates()"` after changing the wording here) ----------------------------------------------

HEAD = "编号：{{ number }}"
BODIES = {
    "acceptance": [
        "{{ applicant }}：",
        "你（单位）于{{ received_on }}提出的{{ title }}申请，申请材料齐全、符合法定形式。根据《中华人民共和国行政许可法》"
        "第三十二条第一款第（五）项的规定，本机关决定予以受理。",
        "本机关将自受理之日起{{ budget }}个工作日内（依法不计算在内的时间除外）作出决定，预计于{{ due_date }}前办结。",
    ],
    "correction": [
        "{{ applicant }}：",
        "你（单位）于{{ received_on }}提出的{{ title }}申请，经审查，申请材料不齐全或者不符合法定形式。根据《中华人民共和国"
        "行政许可法》第三十二条第一款第（四）项的规定，现一次性告知需要补正的全部内容如下：",
        "{%p for m in materials %}",
        "{{ loop.index }}．{{ m.name }}{{ m.problem }}",
        "{%p endfor %}",
        "请补正上述材料后一并提交。补正材料齐全后，本机关将依法受理。",
    ],
    "refusal": [
        "{{ applicant }}：",
        "你（单位）于{{ received_on }}提出的{{ title }}申请，经审查，决定不予受理。理由：{{ reason }}。",
        "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内依法提起行政诉讼。",
    ],
    "pending_promise": [
        "本人（单位）{{ applicant }}申请办理{{ title }}，以下材料暂未提交，申请容缺受理：",
        "{%p for m in pending %}",
        "{{ loop.index }}．{{ m.name }}",
        "{%p endfor %}",
        "本人（单位）承诺于{{ pending_due }}前补齐上述材料，并对所提交材料的真实性负责；逾期未补齐的，同意按规定暂不领取办理结果。",
        "申请人（签字、盖章）：                日期：",
    ],
    "special_procedure": [
        "{{ applicant }}：",
        "你（单位）提出的{{ title }}申请，在审查过程中需要进行{{ suspension.kind }}（{{ suspension.reason }}）。根据"
        "《中华人民共和国行政许可法》第四十五条的规定，自{{ suspension.started_on }}起所需时间不计算在审批期限内，特此告知。",
    ],
    "decision": [
        "{{ applicant }}：",
        "你（单位）于{{ received_on }}提出的{{ title }}申请，本机关已于{{ accepted_on }}受理。经审查，决定：{{ decision }}。",
        "{%p for t in tasks %}",
        "{{ loop.index }}．{{ t.item }}（{{ t.unit }}）：{{ t.decision }}。{{ t.reason }}{% if t.result_number %}证照编号：{{ t.result_number }}。{% endif %}",
        "{%p endfor %}",
        "{%p if not approved %}",
        "理由：{{ reason }}。如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内依法提起行政诉讼。",
        "{%p endif %}",
    ],
    "extension": [
        "{{ applicant }}：",
        "你（单位）于{{ received_on }}提出的{{ title }}申请，本机关已于{{ accepted_on }}受理。因{{ extension.reason }}，"
        "{{ extension.item }}（{{ extension.unit }}）在法定期限内不能作出决定。根据《中华人民共和国行政许可法》第四十二条的规定，"
        "经本行政机关负责人于{{ extension.approved_on }}批准，审批期限延长{{ extension.workdays }}个工作日，"
        "由{{ extension.due_before }}延长至{{ extension.due_after }}（依法不计算在内的时间除外）。",
        "特此告知。",
    ],
}


def build_default_templates(folder: Path = DEFAULTS, kinds=None) -> list[Path]:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from tongban.documents.gongwen import GongwenDocument

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, lines in BODIES.items():
        if kinds is not None and kind not in kinds:
            continue
        doc = GongwenDocument(NOTICES[kind].title)
        doc.paragraph(HEAD, first_line_indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for index, line in enumerate(lines):
            plain = line.startswith("{%p") or line.endswith("：") and index == 0
            doc.paragraph(line, first_line_indent=not plain)
        doc.paragraph("办件查询：{{ tracking_link }}", first_line_indent=False).alignment = WD_ALIGN_PARAGRAPH.LEFT
        for text in ("{{ centre }}", "{{ issued_on }}"):
            doc.paragraph(text, first_line_indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        path = folder / f"{kind}.docx"
        doc.save(path)
        written.append(path)
    return written
