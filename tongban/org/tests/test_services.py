import pytest
from django.core.exceptions import ValidationError

from tongban.history.models import DomainEvent
from tongban.org import services
from tongban.org.models import Unit

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree(county):
    assert county.center.path == f"/{county.center.pk}/"
    assert county.village_a.path == f"/{county.center.pk}/{county.township_a.pk}/{county.village_a.pk}/"
    assert county.village_a.depth == 2
    assert list(county.township_a.descendants()) == [county.village_a]


def test_moving_a_unit_moves_its_subtree(county):
    services.move_unit(county.township_a, county.township_b)
    village = Unit.objects.get(pk=county.village_a.pk)
    assert village.path.startswith(Unit.objects.get(pk=county.township_b.pk).path)
    assert village.depth == 3
    assert DomainEvent.objects.filter(code="org.unit.moved", object_id=str(county.township_a.pk)).exists()


def test_a_unit_cannot_move_under_its_own_descendant(county):
    with pytest.raises(ValidationError) as exc:
        services.move_unit(county.township_a, county.village_a)
    assert exc.value.code == "unit_cycle"
    assert "不能把单位" in exc.value.messages[0]


def test_an_edit_against_an_old_version_is_refused_and_loses_nothing(county):
    first = Unit.objects.get(pk=county.section.pk)
    second = Unit.objects.get(pk=county.section.pk)
    services.update_unit(first, expected_version=first.version, phone="0377-1111111")
    with pytest.raises(ValidationError) as exc:
        services.update_unit(second, expected_version=second.version, phone="0377-2222222")
    assert exc.value.code == "stale_version"
    assert Unit.objects.get(pk=county.section.pk).phone == "0377-1111111"


def test_changes_are_in_the_audit_log_with_old_and_new_values(county):
    from auditlog.models import LogEntry

    services.update_unit(county.section, expected_version=county.section.version, phone="0377-1234567")
    entry = LogEntry.objects.get_for_object(county.section).filter(action=LogEntry.Action.UPDATE).first()
    assert entry.changes_dict["phone"] == ["", "0377-1234567"]
