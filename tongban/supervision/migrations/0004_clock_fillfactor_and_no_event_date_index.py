"""The daily scan's writes at a million cases (docs/supervision.md, Figures): room on each page of the clock
table for PostgreSQL to rewrite a clock's state in place (HOT, no index touched), and no index on the events'
date (nothing reads events by date; each scan appends up to 100,000+ of them)."""
from django.db import migrations

CLOCK_FILLFACTOR = 80


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE supervision_clock SET (fillfactor = {CLOCK_FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE supervision_clock RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0003_step_and_delivery_clocks"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="clockevent", name="supervision_event_on"),
        migrations.RunPython(set_fillfactor, reset_fillfactor),
    ]
