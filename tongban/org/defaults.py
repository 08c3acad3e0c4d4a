"""The unit kinds every county starts with (kinds are data: admins may add more).

The migration 0002_unit_kinds carries its own frozen copy; this one is for code that must make sure
they exist (tests that flush the database, a fresh demo)."""
from tongban.org.models import UnitKind

UNIT_KINDS = [
    ("center", "政务服务中心", 10, True),
    ("section", "股室", 20, False),
    ("department", "进驻部门", 30, False),
    ("sub_center", "分中心", 40, True),
    ("township", "乡镇便民服务中心", 50, True),
    ("village", "村级便民服务点", 60, True),
    ("outlet", "银行/邮政服务网点", 70, True),
]


def ensure_unit_kinds() -> dict[str, UnitKind]:
    for code, name, order, point in UNIT_KINDS:
        UnitKind.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order, "is_service_point": point})
    return {kind.code: kind for kind in UnitKind.objects.all()}
