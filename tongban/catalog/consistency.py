"""两级十同: the same item (same basic_code) at county and township level must agree on its standard
elements. Which elements is a setting (`CatalogSettings.consistency_elements`).

The county-level item is the reference; every township- or village-level item with the same basic
code is compared with it. Three queries whatever the catalogue's size.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from tongban.catalog.choices import CaseKind, ConsistencyElement, ItemLevel, ItemType, ResultKind
from tongban.catalog.models import CatalogSettings, ItemMaterial, ServiceItem


@dataclass
class Disagreement:
    basic_code: str
    element: str
    element_label: str
    reference: ServiceItem
    item: ServiceItem
    reference_value: str
    item_value: str


def _materials_text(rows: set[tuple[str, str, bool]]) -> str:
    return "；".join(f"{name}（{'必要' if required else '非必要'}）" for _, name, required in sorted(rows)) or "（无）"


def _value(item: ServiceItem, element: str, materials: dict[int, set]) -> tuple[object, str]:
    """(comparable value, text shown) of one element of one item."""
    if element == "materials":
        rows = materials.get(item.pk, set())
        return frozenset((code, required) for code, _, required in rows), _materials_text(rows)
    if element == "result":
        value = (item.result_name.strip(), item.result_kind)
        return value, f"{value[0] or '（空）'}（{ResultKind(item.result_kind).label}）"
    if element == "channels":
        return tuple(sorted(item.channels or [])), "、".join(item.channel_labels) or "（无）"
    raw = getattr(item, element)
    labels = {"item_type": ItemType, "case_kind": CaseKind}
    if element in labels:
        return raw, labels[element](raw).label
    if isinstance(raw, str):
        raw = " ".join(raw.split())  # whitespace differences are not disagreements
    return raw, str(raw) if raw not in ("", None) else "（空）"


def consistency_report(items: QuerySet[ServiceItem] | None = None, elements: list[str] | None = None) -> list[Disagreement]:
    """Every disagreement between a lower-level item (from `items`, e.g. the user's visible ones) and
    the county item with the same basic code."""
    elements = CatalogSettings.load().consistency_elements if elements is None else elements
    elements = [e for e in elements if e in ConsistencyElement.values]
    labels = dict(ConsistencyElement.choices)
    lower = (items if items is not None else ServiceItem.objects.all()).exclude(level=ItemLevel.COUNTY)
    lower = list(lower.select_related("implementing_unit").order_by("basic_code", "implementation_code"))
    codes = {i.basic_code for i in lower}
    references: dict[str, ServiceItem] = {}
    for ref in (
        ServiceItem.objects.filter(level=ItemLevel.COUNTY, basic_code__in=codes)
        .select_related("implementing_unit").order_by("-implementation_code")
    ):
        references[ref.basic_code] = ref  # the lowest implementation code wins when there are several
    materials: dict[int, set] = {}
    if "materials" in elements:
        ids = [i.pk for i in lower] + [r.pk for r in references.values()]
        for item_id, code, name, required in ItemMaterial.objects.filter(item_id__in=ids).values_list(
            "item_id", "identity__code", "identity__name", "is_required"
        ):
            materials.setdefault(item_id, set()).add((code, name, required))
    report: list[Disagreement] = []
    for item in lower:
        reference = references.get(item.basic_code)
        if reference is None:
            continue
        for element in elements:
            ref_value, ref_text = _value(reference, element, materials)
            value, text = _value(item, element, materials)
            if ref_value != value:
                report.append(Disagreement(item.basic_code, element, labels[element], reference, item, ref_text, text))
    return report
