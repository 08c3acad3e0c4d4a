"""The default 督办 ladder (RULES.md 电子监察: reminder → warning with a deadline → red notice, each only when
the previous level went unanswered). Rows, so a region edits them in 系统管理 without code."""
from django.db import migrations

SOURCE = "RULES.md 电子监察：督办仅在上一级未答复时升级（提醒 → 限期警示 → 红色通报，按月公开并扣考核分）[local]"
STEPS = [
    (1, "催办提醒", 0, "department", 1, False),
    (2, "限期警示", 0, "department_head", 1, False),
    (3, "红色通报", 0, "unit_leader", 2, True),
]


def add_steps(apps, schema_editor):
    Step = apps.get_model("supervision", "EscalationStep")
    for level, name, after, audience, reply, publish in STEPS:
        Step.objects.get_or_create(level=level, defaults={
            "name": name, "after_workdays": after, "audience": audience, "reply_workdays": reply,
            "publish": publish, "source": SOURCE})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(add_steps, migrations.RunPython.noop)]
