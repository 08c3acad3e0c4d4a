"""The six notices print right: rendered by LibreOffice, each is one A4 page carrying its title, the case
number, the applicant and the tracking link, with nothing left as a template field ({{ … }})."""
from __future__ import annotations

import pytest

from tongban.cases import notices
from tongban.cases.services import intake, review
from tongban.cases.tests.test_services import at, task_of
from tongban.documents.tests.rendering import page_count, page_texts, render_pdfs

pytestmark = pytest.mark.django_db


def _cases(case_people, receive, restaurant) -> dict:
    """One case for each notice, taken through the real services."""
    with at("2026-12-01"):
        refused = intake.refuse(receive(), by=case_people.clerk, reason="申请事项不属于本机关职权范围")
        corrected = intake.notify_correction(receive(materials={"fire_plan": "missing"}), by=case_people.clerk)
        pending = intake.accept_pending(receive(materials={"layout_plan": "missing"}), by=case_people.clerk,
                                        pending=["layout_plan"], promise_signed=True)
        accepted = intake.accept(receive(), by=case_people.clerk)
        suspended = review.suspend(accepted, by=case_people.samr_reviewer, task=task_of(accepted, restaurant.company),
                                   kind="expert_review", reason="需组织专家评审经营场所布局")
        decided = intake.accept(receive(), by=case_people.clerk)
        decided = review.approve(decided, by=case_people.samr_reviewer, task=task_of(decided, restaurant.company),
                                 reason="准予登记", result_number="91410000MA0000001X")
        decided = review.deny(decided, by=case_people.fire_reviewer, task=task_of(decided, restaurant.fire),
                              reason="疏散通道宽度不足")
    return {"acceptance": pending, "correction": corrected, "refusal": refused, "pending_promise": pending,
            "special_procedure": suspended, "decision": decided}


def test_every_notice_prints_on_one_page_with_its_case(case_people, receive, restaurant, tmp_path):
    cases = _cases(case_people, receive, restaurant)
    assert set(cases) == set(notices.NOTICES)
    files = []
    for kind, case in cases.items():
        assert notices.NOTICES[kind].applies(case), kind
        path = tmp_path / f"{kind}.docx"
        path.write_bytes(notices.render(case, kind))
        files.append(path)
    for path, pdf in zip(files, render_pdfs(files, tmp_path)):
        kind, case = path.stem, cases[path.stem]
        text = "\n".join(line for page in page_texts(pdf) for line in page)
        flat = text.replace(" ", "")
        assert page_count(pdf) == 1, f"{kind}: {page_count(pdf)} pages"
        assert notices.NOTICES[kind].title.replace(" ", "") in flat, kind
        assert case.number in flat and case.applicant_name in flat, kind
        assert "{{" not in text and "{%" not in text, kind
        link = notices.context(case)["tracking_link"]
        assert link.replace(" ", "") in flat.replace("\n", ""), f"{kind}: no tracking link {link}"
