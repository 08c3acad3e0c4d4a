"""The one browser walk (issue 12): a project passes 工程建设许可 with three departments in parallel — the
window applies once, each department gives its 多规合一 opinion, the lead concludes, two departments approve on
the case page and the third decides its 告知承诺制 item on the commitment, and the stage is 已办结."""
from __future__ import annotations

import pytest

from tongban.cases.services import review
from tongban.projects.models import ProjectStage
from tongban.projects.tests.conftest import coordinate, reviewers_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(login_page, page, user):
    page.context.clear_cookies()
    return login_page(user)


def test_a_project_passes_a_stage_with_three_departments_in_parallel(login_page, live_server, make_project, apply,
                                                                    project_people, personas, screenshot_dir):
    project = make_project()
    first = apply(project)
    coordinate(project_people, first, section_chief=personas.section_chief)
    for task, user in reviewers_of(project_people, first.case).items():
        review.approve(first.case, by=user or personas.section_chief, task=task, reason="准予")

    page = login_page(project_people.clerk)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.check("#all-brought")
    page.click("#apply-stage")
    page.wait_for_selector("tr[data-stage='2'] .stage-status:has-text('多规合一协调中')")
    stage = ProjectStage.objects.get(project=project, stage=2)
    tasks = {t.unit_id: t for t in stage.case.tasks.all()}
    assert len(tasks) == 3 and {t.status for t in tasks.values()} == {"reviewing"}  # 并联: all three at once

    for user in (project_people.land, project_people.fire, project_people.housing):
        page = _as(login_page, page, user)
        page.goto(f"{live_server.url}/projects/{project.pk}/")
        form = page.locator("#stage-2 form.opinion-form")
        form.locator("select[name=opinion]").select_option("agree")
        form.locator("button").click()
        page.wait_for_selector("#stage-2-opinions li")
    page = _as(login_page, page, project_people.land)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.fill("#conclude-2 input[name=conclusion]", "符合国土空间规划一张图，同意并联审批")
    page.click("#conclude-2 button")
    page.wait_for_selector("tr[data-stage='2'] .stage-status:has-text('并联审批中')")

    for user in (project_people.land, project_people.fire):
        page = _as(login_page, page, user)
        task = tasks[user.staff.unit_id]
        page.goto(f"{live_server.url}/cases/{stage.case.number}/")
        form = page.locator(f"form.task-form:has(input[name=task][value='{task.pk}'])")
        form.locator("input[name=reason]").fill("符合要求，准予许可")
        form.locator("button[value=approve]").click()
        page.wait_for_selector("#case-status")
    page = _as(login_page, page, project_people.housing)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.click(f"#stage-2-tasks tr[data-unit='县住建局'] button:has-text('依承诺决定')")
    page.wait_for_selector("tr[data-stage='2'] .stage-status:has-text('已办结')")
    page.screenshot(path=str(screenshot_dir / "projects-stage.png"), full_page=True)
    page.goto(f"{live_server.url}/workbench/")
    assert "告知承诺待核查" in page.inner_text("#project-todo")  # the later verification is the department's to-do
    stage.case.refresh_from_db()
    assert stage.case.decision == "approved"
