"""The jobs page: registered jobs, recent runs with live progress, run details, 立即运行."""
from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tongban.jobs.choices import Outcome
from tongban.jobs.filtersets import JobRunFilterSet
from tongban.jobs.forms import RunNowForm
from tongban.jobs.models import JobRun
from tongban.jobs.registry import all_jobs, get_job
from tongban.jobs.results import result_rows
from tongban.org.scopes import get_visible_or_404


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied("您没有权限执行此操作。")


def _last_runs(runs) -> dict[str, JobRun]:
    """The latest run of every job, in one query."""
    latest = runs.annotate(
        rank=Window(RowNumber(), partition_by=[F("job")], order_by=[F("started_at").desc(), F("pk").desc()])
    ).filter(rank=1)
    return {run.job: run for run in latest}


@login_required
def job_list(request):
    _require(request.user, "jobs.view_jobs")
    runs = JobRun.objects.visible_to(request.user)
    last = _last_runs(runs)
    registered = [{"spec": spec, "last": last.get(name)} for name, spec in all_jobs().items()]
    filterset = JobRunFilterSet(request.GET or None, queryset=runs.select_related("triggered_by"))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "registered": registered,
        "filter": filterset,
        "page": page,
        "params": params.urlencode(),
        "run_form": RunNowForm() if request.user.has_perm("jobs.run_job") else None,
    }
    return render(request, "jobs/list.html", context)


@login_required
def run_detail(request, pk: int):
    _require(request.user, "jobs.view_jobs")
    run = get_visible_or_404(JobRun.objects.select_related("triggered_by"), request.user, pk=pk)
    context = {
        "run": run,
        "spec": get_job(run.job),
        "result": json.dumps(run.result, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) if run.result else "",
        "result_rows": result_rows(run.result),
        "can_run": request.user.has_perm("jobs.run_job"),
    }
    return render(request, "jobs/detail.html", context)


@login_required
def run_progress(request, pk: int):
    """The progress bar, polled by htmx every 2 s while the run is running; when it has finished,
    the page reloads once so the table (or the result) shows the outcome."""
    _require(request.user, "jobs.view_jobs")
    run = get_visible_or_404(JobRun, request.user, pk=pk)
    response = render(request, "jobs/_progress.html", {"run": run})
    if request.htmx and not run.is_pending:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_now(request):
    """Put one job on the worker's queue for one date; the run is recorded as 排队中 at once, so the page shows
    it (and polls its progress) before the worker picks it up."""
    _require(request.user, "jobs.run_job")
    form = RunNowForm(request.POST)
    if not form.is_valid():
        errors = [f"{form.fields[name].label}：{'；'.join(errs)}" for name, errs in form.errors.items()]
        messages.error(request, "未能提交：" + "；".join(errors))
        return redirect("jobs:list")
    from tongban.jobs.services import queue_run
    from tongban.jobs.tasks import run_job_task

    name, for_date, force = form.cleaned_data["job"], form.cleaned_data["for_date"], form.cleaned_data["force"]
    run = queue_run(name, for_date, by=request.user, force=force)
    title = get_job(name).title
    if run.outcome == Outcome.RAN:
        run_job_task(name, for_date.isoformat(), request.user.pk, force)  # the queued row is committed already
        messages.success(request, f"已提交后台运行：{title}（周期 {run.period_key:%Y-%m-%d}），进度显示在下方。")
    elif run.outcome == Outcome.ALREADY_DONE:
        messages.info(request, f"{title}（周期 {run.period_key:%Y-%m-%d}）已运行完成；要再运行一次，请勾选“已完成也重新运行”。")
    else:
        messages.info(request, f"{title}（周期 {run.period_key:%Y-%m-%d}）已在排队或运行中，进度显示在下方。")
    return redirect(f"{reverse('jobs:list')}?job={name}#run-{run.pk}")

