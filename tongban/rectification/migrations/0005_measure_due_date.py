"""Store each measure's clock (due_start, due_workdays → due_date) and fill it for the measures that
exist, with the same rules as `rectification.clocks` (docs/decisions/0003-stored-clocks.md)."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import TruncDate


def fill_clocks(apps, schema_editor):
    from tongban.workdays.clocks import Clock, update_due_dates

    Measure = apps.get_model("rectification", "Measure")
    Checkpoint = apps.get_model("rectification", "Checkpoint")
    next_checkpoint = (Checkpoint.objects.filter(measure=OuterRef("pk"), reported_at__isnull=True)
                       .order_by("due_date").values("due_date")[:1])
    undated_immediate = {"deadline_kind": "immediate", "deadline__isnull": True}
    workdays = int(getattr(settings, "RECTIFICATION_IMMEDIATE_WORKDAYS", 5))
    Measure.objects.update(
        due_start=Case(When(deadline_kind="ongoing", then=Subquery(next_checkpoint)),
                       When(**undated_immediate, then=TruncDate("created_at")), default=F("deadline")),
        due_workdays=Case(When(**undated_immediate, then=Value(workdays)), default=Value(0)),
    )
    update_due_dates(Clock(Measure, start="due_start", workdays="due_workdays", due="due_date"))


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('org', '0002_unit_kinds'),
        ('rectification', '0004_importrun'),
        ('workdays', '0002_day_index_leads_with_workday_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='measure',
            name='due_date',
            field=models.DateField(blank=True, db_index=True, editable=False, null=True, verbose_name='应完成日期'),
        ),
        migrations.AddField(
            model_name='measure',
            name='due_start',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='计时起点'),
        ),
        migrations.AddField(
            model_name='measure',
            name='due_workdays',
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='计时工作日数'),
        ),
        migrations.AddIndex(
            model_name='measure',
            index=models.Index(fields=['status', 'due_date'], name='rect_measure_status_due'),
        ),
        migrations.RunPython(fill_clocks, migrations.RunPython.noop),
    ]
