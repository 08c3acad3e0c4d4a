"""The printed notices come out with the case's own data, from the .docx templates (docxtpl)."""
from __future__ import annotations

import io

import pytest
from docx import Document

from tongban.cases.services import intake, review
from tongban.cases.tests.conftest import person_applicant
from tongban.cases.tests.test_services import at, task_of

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_the_correction_notice_lists_every_material_to_correct_once(client_for, case_people, receive):
    with at("2026-12-01"):
        case = receive(applicant=person_applicant(),
                       materials={"fire_plan": "missing", "health_cert": {"state": "defective", "problem": "已过期"}})
        case = intake.notify_correction(case, by=case_people.clerk)
    response = client_for(case_people.clerk).get(f"/cases/{case.number}/notice/correction/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = text_of(response.content)
    assert "一次性告知书" in text and f"编号：{case.number}" in text and "李四：" in text
    assert "1．从业人员健康证明（已过期）" in text and "2．消防安全制度" in text
    assert "2026年12月1日" in text and f"/portal/track/?number={case.number}" in text  # the public tracking page


def test_the_acceptance_notice_states_the_promised_limit_and_due_date(client_for, case_people, receive):
    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
    text = text_of(client_for(case_people.clerk).get(f"/cases/{case.number}/notice/acceptance/").content)
    assert "受理通知书" in text and "8个工作日" in text and "2026年12月11日前办结" in text


def test_the_decision_lists_each_department_and_the_refusal_reason(client_for, case_people, receive, restaurant):
    case = intake.accept(receive(), by=case_people.clerk)
    case = review.approve(case, by=case_people.samr_reviewer, task=task_of(case, restaurant.company), reason="准予登记",
                          result_number="91410000MA0000001X")
    case = review.deny(case, by=case_people.fire_reviewer, task=task_of(case, restaurant.fire), reason="疏散通道宽度不足")
    text = text_of(client_for(case_people.delivery_clerk).get(f"/cases/{case.number}/notice/decision/").content)
    assert "决定：不予许可" in text and "证照编号：91410000MA0000001X" in text and "理由：疏散通道宽度不足" in text


def test_a_notice_that_does_not_apply_is_404_and_an_inspector_gets_none(client_for, personas, case_people, receive):
    case = receive()
    assert client_for(case_people.clerk).get(f"/cases/{case.number}/notice/refusal/").status_code == 404
    assert client_for(personas.inspector).get(f"/cases/{case.number}/notice/acceptance/").status_code == 403
