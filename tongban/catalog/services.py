"""Writes to the catalogue go through these functions (views, API, CLI and jobs only call them).

Each is atomic, records its domain event on the record's timeline, and (through auditlog, which sees
every `save()`) its field diffs. Set-based where a write can be large (delegation, negative list).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tongban.catalog.choices import IntermediaryStatus, ItemLevel, NegativeReason, NegativeSource
from tongban.catalog.error_codes import CatalogError, catalog_error
from tongban.catalog.models import (
    Bundle,
    BundleItem,
    CatalogSettings,
    DataElement,
    Delegation,
    FilingDocument,
    Intermediary,
    IntermediaryService,
    ItemFormField,
    ItemMaterial,
    MaterialIdentity,
    NegativeListEntry,
    Qualification,
    ServiceItem,
    SpecialStep,
    Step,
    TownshipListEntry,
    channel_flags,
)
from tongban.core.services import update_versioned
from tongban.core.uploads import DOCUMENT_TYPES, check_upload
from tongban.history.services import record_event
from tongban.org.models import Unit

TOWNSHIP_KIND = "township"


# --- Items -------------------------------------------------------------------------------------

def ensure_identity(code: str, name: str) -> MaterialIdentity:
    identity, _ = MaterialIdentity.objects.get_or_create(code=code, defaults={"name": name})
    return identity


def ensure_element(code: str, label: str, data_type: str = "text") -> DataElement:
    element, _ = DataElement.objects.get_or_create(code=code, defaults={"label": label, "data_type": data_type})
    return element


@transaction.atomic
def create_item(
    *,
    name: str,
    basic_code: str,
    implementation_code: str,
    implementing_unit: Unit,
    materials: Iterable[dict] = (),
    form_fields: Iterable[dict] = (),
    steps: Iterable[dict] = (),
    special_steps: Iterable[dict] = (),
    by=None,
    **fields: Any,
) -> ServiceItem:
    """Create an item with its materials ({identity, is_required, originals, copies, ...}), form fields
    ({element, is_required}), steps ({name, actor, days, criteria}) and special steps."""
    if "channels" in fields:
        fields.update(channel_flags(fields.pop("channels")))
    item = ServiceItem(
        name=name, basic_code=basic_code, implementation_code=implementation_code,
        implementing_unit=implementing_unit, **fields,
    )
    item.full_clean()
    item.save()
    ItemMaterial.objects.bulk_create(
        ItemMaterial(item=item, sort_order=i, **m) for i, m in enumerate(materials, start=1)
    )
    ItemFormField.objects.bulk_create(
        ItemFormField(item=item, sort_order=i, **f) for i, f in enumerate(form_fields, start=1)
    )
    Step.objects.bulk_create(Step(item=item, order=i, **s) for i, s in enumerate(steps, start=1))
    SpecialStep.objects.bulk_create(SpecialStep(item=item, **s) for s in special_steps)
    record_event(item, "catalog.item.created", f"新增事项“{item.name}”（{item.implementation_code}）", by=by)
    return item


def update_item(item: ServiceItem, *, expected_version: int | None, by=None, **changes: Any) -> ServiceItem:
    with transaction.atomic():
        item = update_versioned(item, expected_version=expected_version, changes=changes)
        record_event(item, "catalog.item.updated", f"修改事项“{item.name}”", by=by, fields=sorted(changes))
    return item


# --- Bundles -----------------------------------------------------------------------------------

@transaction.atomic
def create_bundle(*, slug: str, name: str, lead_unit: Unit, by=None, **fields: Any) -> Bundle:
    bundle = Bundle(slug=slug, name=name, lead_unit=lead_unit, **fields)
    bundle.full_clean()
    bundle.save()
    record_event(bundle, "catalog.bundle.created", f"新建一件事“{bundle.name}”", by=by)
    return bundle


@transaction.atomic
def add_bundle_item(
    bundle: Bundle, item: ServiceItem, *, after: Iterable[ServiceItem] = (), by=None
) -> BundleItem:
    """Put `item` into the bundle, to start once every item in `after` has finished."""
    node, _ = BundleItem.objects.get_or_create(
        bundle=bundle, item=item, defaults={"sort_order": bundle.nodes.count() + 1}
    )
    set_predecessors(node, list(after), by=by, record=False)
    record_event(bundle, "catalog.bundle.item_added", f"一件事“{bundle.name}”加入事项“{item.name}”", by=by, item=item.pk)
    return node


@transaction.atomic
def set_predecessors(node: BundleItem, items: list[ServiceItem], *, by=None, record: bool = True) -> BundleItem:
    """Replace what must finish before `node`; refuses a cycle with the Chinese path of the cycle."""
    from tongban.catalog.bundles import check_graph

    bundle = node.bundle
    predecessors = []
    for item in items:
        if item.pk == node.item_id:
            raise catalog_error(CatalogError.BUNDLE_SELF_PREDECESSOR, item=item.name)
        other = BundleItem.objects.filter(bundle=bundle, item=item).first()
        if other is None:
            raise catalog_error(CatalogError.BUNDLE_FOREIGN_PREDECESSOR, item=item.name, bundle=bundle.name)
        predecessors.append(other)
    node.predecessors.set(predecessors)
    check_graph(bundle)  # raising here rolls the whole change back
    if record:
        record_event(
            bundle, "catalog.bundle.graph_changed",
            f"调整“{node.item.name}”的前置事项：{'、'.join(i.name for i in items) or '无'}", by=by,
        )
    return node


def update_bundle(bundle: Bundle, *, expected_version: int | None, by=None, **changes: Any) -> Bundle:
    with transaction.atomic():
        bundle = update_versioned(bundle, expected_version=expected_version, changes=changes)
        record_event(bundle, "catalog.bundle.updated", f"修改一件事“{bundle.name}”", by=by, fields=sorted(changes))
    return bundle


# --- Delegation (县镇同权) ---------------------------------------------------------------------

def townships() -> Any:
    return Unit.objects.filter(kind__code=TOWNSHIP_KIND, is_active=True)


@dataclass
class DelegationResult:
    created: int
    restored: int
    unchanged: int


@transaction.atomic
def delegate_item(
    item: ServiceItem,
    *,
    to: Iterable[Unit] | None = None,
    mode: str,
    basis: str = "",
    on: date | None = None,
    by=None,
) -> DelegationResult:
    """Delegate `item` to the given township centres, or to all of them when `to` is None.

    Set-based: one query for what exists, one bulk insert, one bulk update for revoked ones restored.
    """
    targets = list(townships()) if to is None else list(to)
    if not targets:
        raise catalog_error(CatalogError.NO_TOWNSHIPS)
    kinds = dict(Unit.objects.filter(pk__in=[t.pk for t in targets]).values_list("pk", "kind__code"))
    for township in targets:
        if kinds.get(township.pk) != TOWNSHIP_KIND:
            raise catalog_error(CatalogError.NOT_A_TOWNSHIP, unit=township.name)
    on = on or timezone.localdate()
    existing = {d.township_id: d for d in Delegation.objects.filter(item=item, township__in=targets)}
    new = [
        Delegation(item=item, township=t, mode=mode, basis=basis, delegated_on=on)
        for t in targets if t.pk not in existing
    ]
    Delegation.objects.bulk_create(new)
    revoked = [d.pk for d in existing.values() if d.is_revoked]
    Delegation.objects.filter(pk__in=revoked).update(
        is_revoked=False, revoked_on=None, mode=mode, basis=basis, delegated_on=on
    )
    result = DelegationResult(created=len(new), restored=len(revoked), unchanged=len(existing) - len(revoked))
    names = "、".join(t.name for t in targets) if to is not None else "全部乡镇"
    record_event(
        item, "catalog.item.delegated", f"事项“{item.name}”下放至{names}（{len(targets)} 个）",
        by=by, mode=mode, basis=basis, created=result.created, restored=result.restored,
    )
    return result


@transaction.atomic
def revoke_delegation(delegation: Delegation, *, on: date | None = None, by=None) -> Delegation:
    if delegation.is_revoked:
        raise catalog_error(CatalogError.DELEGATION_REVOKED)
    delegation = update_versioned(
        delegation, expected_version=None,
        changes={"is_revoked": True, "revoked_on": on or timezone.localdate()},
    )
    record_event(delegation.item, "catalog.item.delegation_revoked",
                 f"撤销事项“{delegation.item.name}”在{delegation.township.name}的下放", by=by)
    return delegation


def handled_by_township_q(township_ref: Any) -> Q:
    """Items a township handles: its own items, plus county items delegated to it and not revoked."""
    delegated = Delegation.objects.filter(item=OuterRef("pk"), township=township_ref, is_revoked=False)
    return Q(implementing_unit=township_ref) | Q(Exists(delegated))


def township_catalogue(township: Unit) -> Any:
    return ServiceItem.objects.filter(handled_by_township_q(township))


@dataclass
class MissingEntry:
    township: Unit
    entry: TownshipListEntry


def missing_from_township_list(list_name: str, township_units: Iterable[Unit] | None = None) -> list[MissingEntry]:
    """应进必进: the listed items each township should handle but does not.

    Three queries whatever the size: the list, the (township, basic_code) pairs handled through own
    items, and those handled through delegation; the difference is taken in memory.
    """
    units = list(townships() if township_units is None else township_units)
    unit_ids = [u.pk for u in units]
    entries = list(TownshipListEntry.objects.filter(list_name=list_name))
    own = ServiceItem.objects.filter(implementing_unit_id__in=unit_ids).values_list("implementing_unit_id", "basic_code")
    delegated = Delegation.objects.filter(township_id__in=unit_ids, is_revoked=False).values_list(
        "township_id", "item__basic_code"
    )
    handled = set(own) | set(delegated)
    return [
        MissingEntry(unit, entry)
        for unit in units
        for entry in entries
        if (unit.pk, entry.basic_code) not in handled
    ]


@transaction.atomic
def load_township_list(list_name: str, rows: Iterable[tuple[str, str]], *, level: str = ItemLevel.TOWNSHIP) -> int:
    """Replace a township list with (basic_code, name) rows in their order; returns the count."""
    TownshipListEntry.objects.filter(list_name=list_name).delete()
    entries = [
        TownshipListEntry(list_name=list_name, basic_code=code, name=name, level=level, sort_order=i)
        for i, (code, name) in enumerate(rows, start=1)
    ]
    TownshipListEntry.objects.bulk_create(entries)
    return len(entries)


# --- Intermediaries ----------------------------------------------------------------------------

@transaction.atomic
def create_intermediary(*, name: str, credit_code: str, supervising_unit: Unit, by=None, **fields: Any) -> Intermediary:
    from tongban.catalog.credit_code import normalise

    agency = Intermediary(name=name, credit_code=normalise(credit_code), supervising_unit=supervising_unit, **fields)
    agency.full_clean()
    agency.save()
    record_event(agency, "catalog.intermediary.registered", f"中介机构“{agency.name}”登记在册", by=by)
    return agency


def change_intermediary_status(
    agency: Intermediary, *, status: str, reason: str, deadline: date | None = None,
    expected_version: int | None = None, by=None,
) -> Intermediary:
    """在册 → 限期整改 (with a deadline) → 在册 or 清退; every change on the timeline with its reason."""
    if agency.status == status:
        raise catalog_error(CatalogError.STATUS_UNCHANGED, name=agency.name, status=IntermediaryStatus(status).label)
    if not reason.strip():
        raise catalog_error(CatalogError.REASON_REQUIRED)
    if status == IntermediaryStatus.RECTIFYING and deadline is None:
        raise catalog_error(CatalogError.RECTIFY_DEADLINE_REQUIRED)
    old = IntermediaryStatus(agency.status).label
    with transaction.atomic():
        agency = update_versioned(agency, expected_version=expected_version, changes={
            "status": status, "status_reason": reason.strip(),
            "rectify_deadline": deadline if status == IntermediaryStatus.RECTIFYING else None,
        })
        new = IntermediaryStatus(status).label
        message = f"状态由“{old}”变更为“{new}”：{reason.strip()}"
        if deadline and status == IntermediaryStatus.RECTIFYING:
            message += f"（整改期限 {deadline:%Y-%m-%d}）"
        record_event(agency, f"catalog.intermediary.{status}", message, by=by, old=old, new=new)
    return agency


@transaction.atomic
def add_qualification(agency: Intermediary, *, name: str, number: str, expires_on: date, issuer: str = "", by=None) -> Qualification:
    qualification = Qualification(intermediary=agency, name=name, number=number, issuer=issuer, expires_on=expires_on)
    qualification.full_clean()
    qualification.save()
    record_event(agency, "catalog.intermediary.qualification_added",
                 f"登记资质“{name}”（{number}），有效期至 {expires_on:%Y-%m-%d}", by=by)
    return qualification


@transaction.atomic
def add_filing(agency: Intermediary, *, title: str, upload, by=None) -> FilingDocument:
    """备案: store an agency's paper under MEDIA_ROOT after checking its type and size."""
    check_upload(upload, DOCUMENT_TYPES)
    filing = FilingDocument(
        intermediary=agency, title=(title or upload.name)[:200], original_name=upload.name[:200], size=upload.size,
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    filing.file.save(upload.name, upload, save=False)
    filing.save()
    record_event(agency, "catalog.intermediary.filed", f"提交备案材料“{filing.title}”", by=by, filing=filing.pk)
    return filing


@transaction.atomic
def add_intermediary_service(item: ServiceItem, *, name: str, basis: str = "", is_statutory: bool = True,
                             agencies: Iterable[Intermediary] = (), by=None) -> IntermediaryService:
    service, _ = IntermediaryService.objects.get_or_create(
        item=item, name=name, defaults={"basis": basis, "is_statutory": is_statutory}
    )
    service.agencies.add(*agencies)
    if not item.is_intermediary_required:
        ServiceItem.objects.filter(pk=item.pk).update(is_intermediary_required=True)
    record_event(item, "catalog.item.intermediary_service", f"登记中介服务“{name}”", by=by)
    return service


def expiring_qualifications(for_date: date, days: int | None = None):
    days = CatalogSettings.load().qualification_warning_days if days is None else days
    return Qualification.objects.filter(
        expires_on__gte=for_date, expires_on__lte=for_date + timedelta(days=days)
    ).exclude(intermediary__status=IntermediaryStatus.EXPELLED).select_related("intermediary__supervising_unit")


# --- Negative list (负面清单, 三集中三到位) ------------------------------------------------------

GAP_FIELDS = {
    NegativeReason.NOT_CONCENTRATED: "is_concentrated",
    NegativeReason.NOT_AUTHORISED: "is_authorised_to_window",
    NegativeReason.NOT_AT_WINDOW: "is_handled_at_window",
}


def computed_gaps(items=None) -> list[tuple[int, int, str]]:
    """(unit_id, item_id, reason) for every item whose 三集中三到位 flag is off: one query per flag."""
    items = ServiceItem.objects.all() if items is None else items
    gaps: list[tuple[int, int, str]] = []
    for reason, flag in GAP_FIELDS.items():
        rows = items.filter(**{flag: False}).values_list("implementing_unit_id", "pk")
        gaps += [(unit_id, item_id, reason.value) for unit_id, item_id in rows]
    return gaps


@dataclass
class NegativeSync:
    created: int
    resolved: int
    reopened: int


@transaction.atomic
def sync_negative_list(*, today: date | None = None, by=None) -> NegativeSync:
    """Bring the computed entries in line with the catalogue: new gaps get an entry with the default
    deadline, closed gaps are marked resolved, gaps that came back are reopened. Manual entries stay.

    A sync that changed anything records one summary event ("catalog.negative.synced", with the counts
    and the affected unit ids) on the `CatalogSettings` row: the sync is a catalogue-wide act, and a
    no-op sync (the usual nightly case) leaves no noise on the timeline."""
    today = today or timezone.localdate()
    catalog_settings = CatalogSettings.load()
    deadline = today + timedelta(days=catalog_settings.negative_list_deadline_days)
    gaps = {(item_id, reason): unit_id for unit_id, item_id, reason in computed_gaps()}
    existing = {
        (e.item_id, e.reason): e for e in NegativeListEntry.objects.filter(source=NegativeSource.COMPUTED)
    }
    new = [
        NegativeListEntry(unit_id=unit_id, item_id=item_id, reason=reason, source=NegativeSource.COMPUTED,
                          rectify_deadline=deadline)
        for (item_id, reason), unit_id in gaps.items() if (item_id, reason) not in existing
    ]
    NegativeListEntry.objects.bulk_create(new)
    closed = [e.pk for key, e in existing.items() if key not in gaps and not e.is_resolved]
    NegativeListEntry.objects.filter(pk__in=closed).update(is_resolved=True, resolved_on=today)
    back = [e.pk for key, e in existing.items() if key in gaps and e.is_resolved]
    NegativeListEntry.objects.filter(pk__in=back).update(is_resolved=False, resolved_on=None, rectify_deadline=deadline)
    result = NegativeSync(created=len(new), resolved=len(closed), reopened=len(back))
    if result.created or result.resolved or result.reopened:
        changed = set(closed) | set(back)
        units = {e.unit_id for e in new} | {e.unit_id for e in existing.values() if e.pk in changed}
        record_event(
            catalog_settings, "catalog.negative.synced",
            f"同步负面清单：新增 {result.created} 条，已整改 {result.resolved} 条，重新打开 {result.reopened} 条",
            by=by, created=result.created, resolved=result.resolved, reopened=result.reopened, units=sorted(units),
        )
    return result


@transaction.atomic
def create_negative_entry(*, unit: Unit, reason: str, rectify_deadline: date, item: ServiceItem | None = None,
                          description: str = "", by=None) -> NegativeListEntry:
    entry = NegativeListEntry(unit=unit, item=item, reason=reason, description=description,
                              rectify_deadline=rectify_deadline, source=NegativeSource.MANUAL)
    entry.full_clean()
    entry.save()
    record_event(entry, "catalog.negative.created", f"{unit.name}：{entry.get_reason_display()}", by=by)
    return entry


def resolve_negative_entry(entry: NegativeListEntry, *, on: date | None = None, by=None) -> NegativeListEntry:
    with transaction.atomic():
        entry = update_versioned(entry, expected_version=None,
                                 changes={"is_resolved": True, "resolved_on": on or timezone.localdate()})
        record_event(entry, "catalog.negative.resolved", "已整改到位", by=by)
    return entry
