"""Reads of 电子证照: the applicant's usable licences for a case's materials, the public view, the list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from tongban.licences.models import Licence, LicenceUse
from tongban.licences.services import OPEN_FOR_USE, usable_q


@dataclass(frozen=True)
class MaterialOffer:
    material: object
    licences: list
    chosen_id: int | None


def offers_for_case(case, today: date | None = None) -> list[MaterialOffer]:
    """Each material of the case that accepts an electronic licence, with the applicant's own valid licences of
    its kind (never another holder's: the filter is on the case's own ID number / credit code). Two queries."""
    today = today or timezone.localdate()
    materials = [m for m in case.materials.all().select_related("identity") if m.is_electronic_licence]
    if not materials or not case.id_number:
        return [MaterialOffer(m, [], None) for m in materials]
    licences = list(Licence.objects.filter(usable_q(case.id_number, today),
                                           kind_id__in={m.identity_id for m in materials}).order_by("-issued_on", "pk"))
    chosen = dict(LicenceUse.objects.filter(case=case).values_list("material_id", "licence_id"))
    return [MaterialOffer(m, [lic for lic in licences if lic.kind_id == m.identity_id], chosen.get(m.pk))
            for m in materials]


@dataclass(frozen=True)
class IntakeOffer:
    """At 收件登记, before there is a case: a material of the checklist and the applicant's licences for it."""

    code: str
    name: str
    licences: list
    chosen_id: int | None


def offers_at_intake(materials: list[dict], holder_id: str, chosen: dict[str, int | None],
                     today: date | None = None) -> list[IntakeOffer]:
    """For each checklist material (`cases.services.intake.checklist_for` rows) that accepts a licence, the valid
    licences held by `holder_id` (the ID number / credit code typed on the form) of its kind: one query, none
    without an ID. `chosen` {code: licence id} keeps what the clerk ticked when the page comes back."""
    today = today or timezone.localdate()
    holder_id = "".join((holder_id or "").split()).upper()
    licences = (list(Licence.objects.filter(usable_q(holder_id, today),
                                            kind_id__in={m["identity"].pk for m in materials})
                     .order_by("-issued_on", "pk")) if holder_id and materials else [])
    return [IntakeOffer(m["identity"].code, m["name"], [lic for lic in licences if lic.kind_id == m["identity"].pk],
                        chosen.get(m["identity"].code)) for m in materials]


def can_use_now(case) -> bool:
    return case.status in OPEN_FOR_USE


def mask_holder(name: str) -> str:
    """李四 → 李*; 城关美味餐饮有限公司 → 城关******公司: enough to recognise one's own, nothing to identify."""
    name = name or ""
    if len(name) <= 1:
        return "*"
    if len(name) <= 4:
        return name[0] + "*" * (len(name) - 1)
    return name[:2] + "*" * (len(name) - 4) + name[-2:]


@dataclass(frozen=True)
class PublicLicence:
    """All the public verification page may show. No holder ID, no case, no people."""

    number: str
    title: str
    holder: str
    status: str
    status_code: str
    valid_from: date
    valid_until: date | None
    issuer: str


def public_licence(token: str) -> PublicLicence | None:
    licence = Licence.objects.filter(verify_token=token).only(
        "number", "title", "holder_name", "status", "valid_from", "valid_until", "issuer_name").first()
    if licence is None:
        return None
    return PublicLicence(number=licence.number, title=licence.title, holder=mask_holder(licence.holder_name),
                         status=licence.get_status_display(), status_code=licence.status,
                         valid_from=licence.valid_from, valid_until=licence.valid_until, issuer=licence.issuer_name)


def listed_licences(user, filterset_data):
    from tongban.licences.filtersets import LicenceFilterSet

    qs = Licence.objects.visible_to(user).select_related("kind", "unit")
    return LicenceFilterSet(filterset_data, queryset=qs)


def open_offer_count(case, today: date | None = None) -> int:
    """Materials of a case before acceptance that accept a licence, have none chosen yet, and for which the
    applicant holds a valid licence of that kind: one COUNT."""
    from tongban.cases.models import CaseMaterial

    if not can_use_now(case) or not case.id_number:
        return 0
    today = today or timezone.localdate()
    kinds = Licence.objects.filter(usable_q(case.id_number, today)).values("kind_id")
    return (CaseMaterial.objects.filter(case=case, is_electronic_licence=True, licence_use__isnull=True,
                                        identity_id__in=kinds).count())


def holder_lookups_within_hour(user) -> int:
    """How many ID numbers `user` looked up at intake in the last hour (the events `record_holder_lookup` wrote)."""
    from datetime import timedelta

    from tongban.history.models import DomainEvent
    from tongban.licences.services import HOLDER_LOOKED_UP

    return DomainEvent.objects.filter(code=HOLDER_LOOKED_UP, actor=user,
                                      at__gte=timezone.now() - timedelta(hours=1)).count()
