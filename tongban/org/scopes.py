"""The one scope layer: what each user may see, decided over the unit tree.

Every queryset a user can reach goes through `Model.objects.visible_to(user)`; every lookup by id
goes through `get_visible_or_404`, which answers 404 for "missing" and "not yours" alike.

A model takes part by declaring where its unit is (and, optionally, its window):

    class Window(models.Model):
        objects = ScopedQuerySet.as_manager()
        scope_unit_field = "unit"       # "" when the model *is* the unit
        scope_window_field = ""          # "" when the model *is* the window; omit if none
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.http import Http404

from tongban.org.choices import COUNTY_WIDE_ROLES, SUBTREE_ROLES, Role


@dataclass(frozen=True)
class Scope:
    """What a user may read. `everything` wins; otherwise the union of the parts."""

    everything: bool = False
    subtree_paths: tuple[str, ...] = ()  # this unit and all below it
    unit_ids: tuple[int, ...] = ()  # exactly these units
    window_ids: tuple[int, ...] = ()  # records handled at these windows
    role: str = ""
    staff_id: int | None = None
    unit_id: int | None = None
    label: str = field(default="", compare=False)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.subtree_paths or self.unit_ids or self.window_ids)


NOTHING = Scope(label="无")


def scope_for(user) -> Scope:
    """Compute (once per request) what `user` may see."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    cached = getattr(user, "_tongban_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._tongban_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    staff = getattr(user, "staff", None) if hasattr(user, "staff") else None
    if user.is_superuser:
        return Scope(everything=True, role=Role.SYSTEM_ADMIN, label="全部（超级管理员）",
                     staff_id=getattr(staff, "pk", None), unit_id=getattr(staff, "unit_id", None))
    if staff is None or not staff.is_active:
        return NOTHING
    charge_paths = tuple(staff.units_in_charge.values_list("path", flat=True))
    common = {"role": staff.role, "staff_id": staff.pk, "unit_id": staff.unit_id}
    if staff.role in COUNTY_WIDE_ROLES:
        return Scope(everything=True, label="全县", **common)
    if staff.role in SUBTREE_ROLES:
        return Scope(subtree_paths=(staff.unit.path, *charge_paths), label=f"{staff.unit.name}及下级", **common)
    if staff.role == Role.WINDOW_CLERK:
        windows = (staff.window_id,) if staff.window_id else ()
        return Scope(subtree_paths=charge_paths, unit_ids=(staff.unit_id,), window_ids=windows,
                     label="本窗口", **common)
    # Plain staff: their own unit's records, plus whatever they are in charge of (分管).
    return Scope(subtree_paths=charge_paths, unit_ids=(staff.unit_id,), label="本单位", **common)


def scope_unit_ids(user) -> tuple[int, ...]:
    """The ids of every unit `user`'s scope covers by unit (its subtrees resolved, its own units), read once per
    request; () for an empty scope. For a model whose rows name every unit that reaches them (cases.CaseUnit):
    `unit_id IN (these ids)` is the unit part of scope_q, and a list of ids, unlike the subquery scope_q writes,
    lets PostgreSQL estimate how many rows each unit has and plan a page as a probe per row. Not for
    `everything` (the caller filters nothing) nor for the window part of a window clerk's scope."""
    scope = scope_for(user)
    cached = getattr(user, "_tongban_scope_units", None)
    if cached is not None and cached[0] is scope:
        return cached[1]
    ids = set(scope.unit_ids)
    if scope.subtree_paths:
        from tongban.org.models import Unit

        in_subtree = Q(pk__in=[])
        for path in scope.subtree_paths:
            in_subtree |= Q(path__startswith=path)
        ids.update(Unit.objects.filter(in_subtree).values_list("pk", flat=True))
    units = tuple(sorted(ids))
    if user is not None and getattr(user, "is_authenticated", False):
        user._tongban_scope_units = (scope, units)
    return units


def _prefix(name: str) -> str:
    return f"{name}__" if name else ""


def scope_q(model: type[models.Model], scope: Scope) -> Q:
    """The filter that restricts `model` to `scope`."""
    if scope.everything:
        return Q()
    unit_field = getattr(model, "scope_unit_field", None)
    window_field = getattr(model, "scope_window_field", None)
    # A window clerk's work is their window's: where a record has a window, the window decides,
    # and their own unit counts only for records that have no window.
    by_window = window_field is not None and bool(scope.window_ids)
    q = Q(pk__in=[])
    if unit_field is not None:
        unit = _prefix(unit_field)
        if scope.subtree_paths:
            in_subtree = Q(pk__in=[])
            for path in scope.subtree_paths:
                in_subtree |= Q(path__startswith=path)
            if unit_field:
                # The units of the subtree first (a few hundred rows at most), then the records by their
                # indexed unit column: a join to the unit table and a LIKE per record scanned every record
                # (SQLite cannot seek on LIKE … ESCAPE), 27,000 of them under a township at county size.
                from tongban.org.models import Unit

                q |= Q(**{f"{unit}in": Unit.objects.filter(in_subtree).values("pk")})
            else:
                q |= in_subtree
        if scope.unit_ids:
            own_unit = Q(**{f"{unit}pk__in": scope.unit_ids})
            if by_window and window_field:
                own_unit &= Q(**{f"{window_field}__isnull": True})
            if not (by_window and not window_field):  # a Window itself is never "without a window"
                q |= own_unit
    if by_window:
        q |= Q(**{f"{_prefix(window_field)}pk__in": scope.window_ids})
    return q


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        return self.filter(scope_q(self.model, scope))


def get_visible_or_404(queryset_or_model, user, **lookup):
    """Fetch one record the user may see; 404 when it is missing *or* out of scope."""
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs._default_manager.all()
    try:
        return qs.visible_to(user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该记录，或您无权查看。")


def can_open(user, obj) -> bool:
    """Whether `user` may open `obj`'s page: the question a template asks before linking to it (pages must
    not link to what answers 404). County-wide scopes answer without a query; otherwise the visible primary
    keys of the model are read once per user object (one query per model per request), not once per row."""
    if obj is None or getattr(obj, "pk", None) is None:
        return False
    scope = scope_for(user)
    if scope.everything:
        return True
    if scope.is_empty:
        return False
    model = type(obj)
    cache = getattr(user, "_tongban_visible_pks", None)
    if cache is None:
        cache = user._tongban_visible_pks = {}
    if model not in cache:
        cache[model] = set(model._default_manager.all().visible_to(user).values_list("pk", flat=True))
    return obj.pk in cache[model]


def acts_for_unit(user, unit) -> bool:
    """Whether `user` does a department's business for `unit` — reviews its case tasks, gives its 多规合一 opinion,
    verifies its 告知承诺: a person of that very unit, or the head of a unit above it (a bureau's head for its
    股室). Reading is wider than acting: the departments hang below the centre in the unit tree, and that makes
    none of the centre's window clerks a department. Uses the loaded `user.staff.unit` and `unit.path`: no query."""
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    if staff is None or not staff.is_active or unit is None:
        return False
    if staff.unit_id == unit.pk:
        return True
    return scope_for(user).role == Role.UNIT_HEAD and unit.path.startswith(staff.unit.path)


def acted_for_units_q(user, path: str = "") -> Q:
    """`acts_for_unit` as a filter on units (`path` leads to the unit, e.g. "case__tasks__unit"): the
    same two cases, in SQL."""
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    if staff is None or not staff.is_active:
        return Q(pk__in=[])
    prefix = f"{path}__" if path else ""
    if scope_for(user).role == Role.UNIT_HEAD:
        return Q(**{f"{prefix}path__startswith": staff.unit.path})
    return Q(**{f"{prefix}pk": staff.unit_id})
