"""一件事 arithmetic: merged materials and form, the critical path, trips; the cycle error."""
import pytest
from django.core.exceptions import ValidationError

from tongban.catalog import services
from tongban.catalog.bundles import bundle_figures, bundle_guide
from tongban.catalog.tests.helpers import field, make_item, material

pytestmark = pytest.mark.django_db


@pytest.fixture
def diamond(county):
    """A (5 d) → B (7 d) and C (3 d) in parallel → D (2 d). Critical path A→B→D = 14 working days."""
    unit = county.department
    a = make_item("A", unit, days=5, visits=1, produces="licence",
                  materials=[material("id_card", copies=1), material("form")], fields=[field("name"), field("phone")])
    b = make_item("B", unit, days=7, visits=2,
                  materials=[material("id_card", copies=2), material("licence", is_electronic_licence=True),
                             material("plan", may_be_pending=True)],
                  fields=[field("name"), field("address")])
    c = make_item("C", unit, days=3, visits=1,
                  materials=[material("id_card", originals=2), material("plan", may_be_pending=False, is_required=False)],
                  fields=[field("phone")])
    d = make_item("D", unit, days=2, visits=1)
    bundle = services.create_bundle(slug="diamond", name="菱形一件事", lead_unit=county.center)
    services.add_bundle_item(bundle, a)
    services.add_bundle_item(bundle, b, after=[a])
    services.add_bundle_item(bundle, c, after=[a])
    services.add_bundle_item(bundle, d, after=[b, c])
    return bundle, (a, b, c, d)


def test_days_follow_the_critical_path_not_the_sum(diamond):
    bundle, _ = diamond
    figures = bundle_figures(bundle)
    assert figures.days_separate == 17
    assert figures.days_critical_path == 14


def test_the_critical_path_and_the_parallel_stage_are_named(diamond):
    bundle, _ = diamond
    guide = bundle_guide(bundle)
    assert [n.name for n in guide.critical_path] == ["事项A", "事项B", "事项D"]
    assert [[n.name for n in stage] for stage in guide.stages] == [["事项A"], ["事项B", "事项C"], ["事项D"]]


def test_materials_merge_by_identity_and_drop_what_the_bundle_produces(diamond):
    bundle, _ = diamond
    guide = bundle_guide(bundle)
    assert guide.figures.materials_separate == 7
    assert guide.figures.materials_merged == 3  # 身份证, 申请表, 方案; the licence comes from A
    merged = {m.code: m for m in guide.materials}
    assert merged["licence"].produced_in_bundle
    id_card = merged["id_card"]
    assert (id_card.originals, id_card.copies) == (2, 2)  # max over the items, not the sum
    assert id_card.items == ["事项A", "事项B", "事项C"]
    assert merged["plan"].is_required  # required if any item requires it
    assert not merged["plan"].may_be_pending  # 容缺 only if every item allows it
    assert [m.code for m in guide.materials_to_bring] == ["id_card", "form", "plan"]


def test_form_fields_merge_by_data_element(diamond):
    figures = bundle_figures(diamond[0])
    assert (figures.fields_separate, figures.fields_merged) == (5, 3)


def test_trips_merge_to_the_most_demanding_item(diamond):
    figures = bundle_figures(diamond[0])
    assert (figures.trips_separate, figures.trips_merged) == (5, 2)


def test_the_sentence_states_the_arithmetic(diamond):
    figures = bundle_figures(diamond[0])
    assert figures.comparison()[0] == ("申请材料", 7, 3, "份", 57)
    assert figures.sentence() == (
        "材料 由 7 份减至 3 份，减少 57%；时限 由 17 个工作日压缩至 14 个工作日；跑动 由 5 次减至 2 次"
    )


def test_a_cycle_is_refused_with_a_chinese_error_and_nothing_changes(diamond):
    bundle, (a, b, c, d) = diamond
    node_a = bundle.nodes.get(item=a)
    with pytest.raises(ValidationError) as error:
        services.set_predecessors(node_a, [d])
    assert error.value.code == "bundle_cycle"
    assert "循环" in error.value.messages[0] and "事项A" in error.value.messages[0]
    assert list(node_a.predecessors.all()) == []
    assert bundle_figures(bundle).days_critical_path == 14


def test_an_item_cannot_precede_itself_or_come_from_another_bundle(diamond, county):
    bundle, (a, *_rest) = diamond
    outsider = make_item("X", county.department)
    with pytest.raises(ValidationError) as own:
        services.set_predecessors(bundle.nodes.get(item=a), [a])
    assert own.value.code == "bundle_self_predecessor"
    with pytest.raises(ValidationError) as foreign:
        services.set_predecessors(bundle.nodes.get(item=a), [outsider])
    assert foreign.value.code == "bundle_foreign_predecessor"


def test_items_without_predecessors_all_run_in_parallel(county):
    items = [make_item(f"P{i}", county.department, days=d) for i, d in enumerate((4, 9, 2))]
    bundle = services.create_bundle(slug="parallel", name="并联", lead_unit=county.center)
    for item in items:
        services.add_bundle_item(bundle, item)
    figures = bundle_figures(bundle)
    assert (figures.days_separate, figures.days_critical_path) == (15, 9)


def test_an_empty_bundle_has_zero_figures(county):
    bundle = services.create_bundle(slug="empty", name="空", lead_unit=county.center)
    assert bundle_figures(bundle).as_dict() == {
        "slug": "empty", "name": "空", "items": 0, "materials_separate": 0, "materials_merged": 0,
        "fields_separate": 0, "fields_merged": 0, "days_separate": 0, "days_critical_path": 0,
        "trips_separate": 0, "trips_merged": 0, "materials_electronic": 0, "materials_to_bring": 0,
    }
