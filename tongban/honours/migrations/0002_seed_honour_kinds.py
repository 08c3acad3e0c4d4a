from django.db import migrations


def seed(apps, schema_editor):
    from tongban.honours.defaults import ensure_kinds

    ensure_kinds(apps.get_model("honours", "HonourKind"))


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_honours")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
