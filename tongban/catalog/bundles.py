"""一件事 arithmetic: the merged material list and form, the stage graph's critical path, and the
figures against handling the items one by one (ROADMAP X2).

Rules (docs/catalog.md says the same):
- materials_separate: every item's materials counted separately (Σ rows);
  materials_merged: distinct MaterialIdentity the applicant still has to provide, i.e. without those
  that another item of the same bundle produces as its result (营业执照 for 食品经营许可 in 我要开饭店).
  Counts merge by maximum; a material is required if any item requires it, may be pending (容缺) only
  if every item allows it, and is an electronic licence (need not bring) only if every item says so.
- fields_separate: Σ form fields; fields_merged: distinct DataElement.
- days_separate: Σ promised_days; days_critical_path: the longest path through the stage graph by
  promised_days (items without a path between them run in parallel). Special steps do not count.
- materials_electronic: of the merged, those every item accepts as an electronic licence (免提交): not to be
  brought; materials_to_bring = materials_merged − materials_electronic.
- trips_separate: Σ visits_on_site; trips_merged: the maximum over the items — one window receives the
  whole application and hands out every result, so the applicant comes as often as the most demanding
  item requires, not once per item.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from tongban.catalog.error_codes import CatalogError, catalog_error
from tongban.catalog.models import Bundle, BundleItem, ItemFormField, ItemMaterial


@dataclass
class MergedMaterial:
    code: str
    name: str
    is_required: bool
    originals: int
    copies: int
    may_be_pending: bool
    is_electronic_licence: bool
    produced_in_bundle: bool
    items: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class MergedField:
    code: str
    label: str
    data_type: str
    is_required: bool
    items: list[str] = field(default_factory=list)


@dataclass
class Node:
    id: int
    item_id: int
    name: str
    promised_days: int
    visits_on_site: int
    predecessor_ids: list[int]
    predecessor_names: list[str] = field(default_factory=list)
    stage: int = 0
    start: int = 0
    finish: int = 0
    on_critical_path: bool = False


@dataclass
class BundleFigures:
    slug: str
    name: str
    items: int
    materials_separate: int
    materials_merged: int
    fields_separate: int
    fields_merged: int
    days_separate: int
    days_critical_path: int
    trips_separate: int
    trips_merged: int
    # Of materials_merged, those the applicant need not bring: every item accepts the electronic licence
    # (电子证照免提交; the window calls it up instead of asking for paper).
    materials_electronic: int = 0

    @property
    def materials_to_bring(self) -> int:
        return self.materials_merged - self.materials_electronic

    def as_dict(self) -> dict:
        return {
            "slug": self.slug, "name": self.name, "items": self.items,
            "materials_separate": self.materials_separate, "materials_merged": self.materials_merged,
            "fields_separate": self.fields_separate, "fields_merged": self.fields_merged,
            "days_separate": self.days_separate, "days_critical_path": self.days_critical_path,
            "trips_separate": self.trips_separate, "trips_merged": self.trips_merged,
            "materials_electronic": self.materials_electronic, "materials_to_bring": self.materials_to_bring,
        }

    @staticmethod
    def cut_percent(before: int, after: int) -> int:
        """How much smaller `after` is than `before`, in whole per cent (0 when there was nothing)."""
        return round((before - after) * 100 / before) if before else 0

    def comparison(self) -> list[tuple[str, int, int, str, int]]:
        """(label, one by one, as a bundle, unit, cut %) for the comparison bars."""
        rows = [
            ("申请材料", self.materials_separate, self.materials_merged, "份"),
            ("表单字段", self.fields_separate, self.fields_merged, "项"),
            ("承诺时限", self.days_separate, self.days_critical_path, "个工作日"),
            ("跑动次数", self.trips_separate, self.trips_merged, "次"),
        ]
        return [(label, before, after, unit, self.cut_percent(before, after)) for label, before, after, unit in rows]

    def sentence(self) -> str:
        """材料 由 23 份减至 14 份，减少 39%；时限 由 45 个工作日压缩至 20 个工作日；跑动 由 5 次减至 1 次"""
        cut = self.cut_percent(self.materials_separate, self.materials_merged)
        return (
            f"材料 由 {self.materials_separate} 份减至 {self.materials_merged} 份，减少 {cut}%；"
            f"时限 由 {self.days_separate} 个工作日压缩至 {self.days_critical_path} 个工作日；"
            f"跑动 由 {self.trips_separate} 次减至 {self.trips_merged} 次"
        )


@dataclass
class BundleGuide:
    bundle: Bundle
    nodes: list[Node]
    stages: list[list[Node]]
    critical_path: list[Node]
    materials: list[MergedMaterial]
    fields: list[MergedField]
    figures: BundleFigures

    @property
    def materials_to_bring(self) -> list[MergedMaterial]:
        return [m for m in self.materials if not m.produced_in_bundle]


def _graph(bundle: Bundle, nodes: list[Node]) -> tuple[list[list[Node]], list[Node]]:
    """Topological order (Kahn) with earliest start/finish; raises the Chinese cycle error."""
    by_id = {node.id: node for node in nodes}
    pending = {node.id: {p for p in node.predecessor_ids if p in by_id} for node in nodes}
    order: list[Node] = []
    ready = sorted((i for i, preds in pending.items() if not preds), key=lambda i: nodes.index(by_id[i]))
    while ready:
        current = by_id[ready.pop(0)]
        order.append(current)
        preds = [by_id[p] for p in current.predecessor_ids if p in by_id]
        current.predecessor_names = [p.name for p in preds]
        current.stage = 1 + max((p.stage for p in preds), default=0)
        current.start = max((p.finish for p in preds), default=0)
        current.finish = current.start + current.promised_days
        for other_id, preds_left in pending.items():
            if current.id in preds_left:
                preds_left.discard(current.id)
                if not preds_left and by_id[other_id] not in order and other_id not in ready:
                    ready.append(other_id)
    if len(order) != len(nodes):
        raise catalog_error(CatalogError.BUNDLE_CYCLE, bundle=bundle.name, path=_cycle_text(by_id, {n.id for n in order}))
    stages: dict[int, list[Node]] = {}
    for node in order:
        stages.setdefault(node.stage, []).append(node)
    critical: list[Node] = []
    if order:
        current = max(order, key=lambda n: (n.finish, -order.index(n)))
        while current is not None:
            current.on_critical_path = True
            critical.append(current)
            preds = [by_id[p] for p in current.predecessor_ids if p in by_id]
            current = next((p for p in preds if p.finish == current.start), None) if preds else None
    return [stages[k] for k in sorted(stages)], list(reversed(critical))


def _cycle_text(by_id: dict[int, Node], done: set[int]) -> str:
    """Walk predecessors among the unsorted nodes until one repeats: that is the cycle."""
    start = next(i for i in by_id if i not in done)
    seen: list[int] = []
    current = start
    while current not in seen:
        seen.append(current)
        current = next(p for p in by_id[current].predecessor_ids if p in by_id and p not in done)
    cycle = seen[seen.index(current):] + [current]
    return " → ".join(by_id[i].name for i in reversed(cycle))


def _nodes(bundles) -> dict[int, list[BundleItem]]:
    """The nodes of many bundles with their items, predecessors, materials and form fields: four
    queries whatever the number of bundles."""
    materials = ItemMaterial.objects.select_related("identity").order_by("sort_order", "pk")
    fields = ItemFormField.objects.select_related("element").order_by("sort_order", "pk")
    by_bundle: dict[int, list[BundleItem]] = {bundle.pk: [] for bundle in bundles}
    for node in (
        BundleItem.objects.filter(bundle__in=list(by_bundle)).select_related("item")
        .prefetch_related("predecessors", Prefetch("item__materials", queryset=materials),
                          Prefetch("item__form_fields", queryset=fields))
        .order_by("bundle_id", "sort_order", "pk")
    ):
        by_bundle[node.bundle_id].append(node)
    return by_bundle


def check_graph(bundle: Bundle) -> None:
    """Raise the cycle error if the bundle's stage graph is not a DAG."""
    _graph(bundle, [_node(n) for n in bundle.nodes.select_related("item").prefetch_related("predecessors")])


def _node(bundle_item: BundleItem) -> Node:
    item = bundle_item.item
    return Node(
        id=bundle_item.pk, item_id=item.pk, name=item.name, promised_days=item.promised_days,
        visits_on_site=item.visits_on_site, predecessor_ids=[p.pk for p in bundle_item.predecessors.all()],
    )


def bundle_guide(bundle: Bundle) -> BundleGuide:
    """Everything a citizen needs on one page (一次告知), and the figures against one by one."""
    return _guide(bundle, _nodes([bundle])[bundle.pk])


def bundle_guides(bundles) -> dict[int, BundleGuide | ValidationError]:
    """The guides of many bundles (a list page, an API page) from the same four queries; a bundle whose
    stage graph has a cycle gets its ValidationError instead."""
    bundles = list(bundles)
    nodes = _nodes(bundles)
    guides: dict[int, BundleGuide | ValidationError] = {}
    for bundle in bundles:
        try:
            guides[bundle.pk] = _guide(bundle, nodes[bundle.pk])
        except ValidationError as exc:
            guides[bundle.pk] = exc
    return guides


def _guide(bundle: Bundle, bundle_items: list[BundleItem]) -> BundleGuide:
    nodes = [_node(n) for n in bundle_items]
    stages, critical = _graph(bundle, nodes)
    produced = {n.item.result_identity_id for n in bundle_items if n.item.result_identity_id}

    merged: dict[str, MergedMaterial] = {}
    materials_separate = 0
    fields: dict[str, MergedField] = {}
    fields_separate = 0
    for node in bundle_items:
        item = node.item
        for material in item.materials.all():
            materials_separate += 1
            identity = material.identity
            entry = merged.get(identity.code)
            if entry is None:
                entry = merged[identity.code] = MergedMaterial(
                    code=identity.code, name=identity.name, is_required=material.is_required,
                    originals=material.originals, copies=material.copies, may_be_pending=material.may_be_pending,
                    is_electronic_licence=material.is_electronic_licence,
                    produced_in_bundle=identity.pk in produced and item.result_identity_id != identity.pk,
                )
            else:
                entry.is_required = entry.is_required or material.is_required
                entry.originals = max(entry.originals, material.originals)
                entry.copies = max(entry.copies, material.copies)
                entry.may_be_pending = entry.may_be_pending and material.may_be_pending
                entry.is_electronic_licence = entry.is_electronic_licence and material.is_electronic_licence
            entry.items.append(item.name)
            if material.note and material.note not in entry.notes:
                entry.notes.append(material.note)
        for form_field in item.form_fields.all():
            fields_separate += 1
            element = form_field.element
            merged_field = fields.get(element.code)
            if merged_field is None:
                merged_field = fields[element.code] = MergedField(
                    code=element.code, label=element.label, data_type=element.get_data_type_display(),
                    is_required=form_field.is_required,
                )
            else:
                merged_field.is_required = merged_field.is_required or form_field.is_required
            merged_field.items.append(item.name)

    materials = list(merged.values())
    materials.sort(key=lambda m: (m.produced_in_bundle, not m.is_required))
    figures = BundleFigures(
        slug=bundle.slug,
        name=bundle.name,
        items=len(nodes),
        materials_separate=materials_separate,
        materials_merged=sum(1 for m in materials if not m.produced_in_bundle),
        fields_separate=fields_separate,
        fields_merged=len(fields),
        days_separate=sum(n.promised_days for n in nodes),
        days_critical_path=max((n.finish for n in nodes), default=0),
        trips_separate=sum(n.visits_on_site for n in nodes),
        trips_merged=max((n.visits_on_site for n in nodes), default=0),
        materials_electronic=sum(1 for m in materials if not m.produced_in_bundle and m.is_electronic_licence),
    )
    return BundleGuide(bundle, nodes, stages, critical, materials, list(fields.values()), figures)


def bundle_figures(bundle: Bundle) -> BundleFigures:
    return bundle_guide(bundle).figures
