"""One FilterSet serves the jobs page and /api/v1/job-runs/ alike."""
import django_filters

from tongban.core.filtersets import FilterSet
from tongban.jobs.choices import RunStatus
from tongban.jobs.models import JobRun
from tongban.jobs.registry import all_jobs


def job_choices() -> list[tuple[str, str]]:
    return [(name, spec.title) for name, spec in all_jobs().items()]


class JobRunFilterSet(FilterSet):
    job = django_filters.ChoiceFilter(choices=job_choices, label="任务")
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, label="状态")
    period_from = django_filters.DateFilter(field_name="period_key", lookup_expr="gte", label="周期自")
    period_to = django_filters.DateFilter(field_name="period_key", lookup_expr="lte", label="周期至")

    class Meta:
        model = JobRun
        fields = ["job", "status", "period_from", "period_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name in {"job", "status"} else "form-control")
            if name.startswith("period_"):
                field.widget.input_type = "date"
                field.widget.format = "%Y-%m-%d"
