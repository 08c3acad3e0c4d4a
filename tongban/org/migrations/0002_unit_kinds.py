from django.db import migrations

# Kinds are data: admins may add more. These codes are the ones code recognises.
KINDS = [
    ("center", "政务服务中心", 10, True),
    ("section", "股室", 20, False),
    ("department", "进驻部门", 30, False),
    ("sub_center", "分中心", 40, True),
    ("township", "乡镇便民服务中心", 50, True),
    ("village", "村级便民服务点", 60, True),
    ("outlet", "银行/邮政服务网点", 70, True),
]


def add_kinds(apps, schema_editor):
    UnitKind = apps.get_model("org", "UnitKind")
    for code, name, order, point in KINDS:
        UnitKind.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order, "is_service_point": point})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
