"""CaseUnit (cases/reach.py): the units through which a unit scope reaches a case, backfilled here for the cases
that exist (their intake unit, first hop's unit and task units) in one INSERT … SELECT."""

import django.db.models.deletion
from django.db import migrations, models


BACKFILL = """
INSERT INTO cases_caseunit (case_id, unit_id)
SELECT case_id, unit_id FROM (
    SELECT id AS case_id, intake_unit_id AS unit_id FROM cases_case
    UNION SELECT id, first_unit_id FROM cases_case WHERE first_unit_id IS NOT NULL
    UNION SELECT case_id, unit_id FROM cases_casetask
) AS reach WHERE true
ON CONFLICT (case_id, unit_id) DO NOTHING
"""


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_callback_attempt_kind'),
        ('org', '0003_unit_aliases'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, db_index=False, related_name='reach', to='cases.case', verbose_name='办件')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, db_index=False, related_name='+', to='org.unit', verbose_name='单位')),
            ],
            options={
                'verbose_name': '办件涉及单位',
                'verbose_name_plural': '办件涉及单位',
                'indexes': [models.Index(fields=['unit', 'case'], name='cases_caseunit_unit')],
                'constraints': [models.UniqueConstraint(fields=('case', 'unit'), name='cases_caseunit_once')],
            },
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
