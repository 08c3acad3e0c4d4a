"""Public pages (no login): the theme menu, search, one-page guides (一次告知), service points and the
published lists. Only published items and bundles are ever shown; anything else answers 404."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import render

from tongban.catalog.bundles import bundle_guide
from tongban.catalog.choices import Audience, IntermediaryStatus, ItemLevel
from tongban.catalog.models import Bundle, Delegation, Intermediary, IntermediaryService, ServiceItem
from tongban.catalog.search import expand_terms, name_query, text_matches
from tongban.catalog.services import handled_by_township_q
from tongban.org.models import Unit

NOT_FOUND = "未找到该事项，或该事项暂未公开。"


def published_items():
    return ServiceItem.objects.filter(is_published=True)


def published_bundles():
    """A bundle is public only if it is published and every one of its items is published too."""
    return Bundle.objects.filter(is_published=True).exclude(nodes__item__is_published=False)


def live_delegations():
    """Delegations the public sees: not revoked, to a township centre that is still active."""
    return Delegation.objects.filter(is_revoked=False, township__is_active=True)


def service_points():
    return Unit.objects.filter(kind__is_service_point=True, is_active=True).select_related("kind")


def items_at(point: Unit):
    """What a service point handles: the centre its concentrated county items, a township its own and
    delegated items, an outlet the county items offered through outlets (网点办理).
    `item_codes_by_point` applies the same rule to many points at once; keep the two in step."""
    items = published_items()
    code = point.kind.code
    if code == "center":
        return items.filter(level=ItemLevel.COUNTY, is_concentrated=True)
    if code == "township":
        return items.filter(handled_by_township_q(point))
    if code == "outlet":
        return items.filter(Q(implementing_unit=point) | Q(level=ItemLevel.COUNTY, via_outlet=True))
    return items.filter(implementing_unit=point)


def item_sets_by_point(points: list[Unit]) -> tuple[dict[int, set[int]], dict[int, str]]:
    """The items each point handles (the rule of `items_at`) as sets of item ids, and the codes by id,
    for many points in two queries and one pass over the items: every centre shares one set, outlets
    add their own items to one shared set, townships their own and delegated items."""
    codes: dict[int, str] = {}
    own: dict[int, set[int]] = {}
    concentrated: set[int] = set()
    via_outlet: set[int] = set()
    for pk, code, unit_id, level, is_concentrated, is_via_outlet in published_items().values_list(
        "pk", "implementation_code", "implementing_unit_id", "level", "is_concentrated", "via_outlet"
    ):
        codes[pk] = code
        own.setdefault(unit_id, set()).add(pk)
        if level == ItemLevel.COUNTY and is_concentrated:
            concentrated.add(pk)
        if level == ItemLevel.COUNTY and is_via_outlet:
            via_outlet.add(pk)
    delegated: dict[int, set[int]] = {}
    for item_id, township_id in Delegation.objects.filter(is_revoked=False).values_list("item_id", "township_id"):
        if item_id in codes:
            delegated.setdefault(township_id, set()).add(item_id)

    def handled(point: Unit) -> set[int]:
        kind, mine = point.kind.code, own.get(point.pk, set())
        if kind == "center":
            return concentrated
        if kind == "township":
            return mine | delegated.get(point.pk, set())
        if kind == "outlet":
            return mine | via_outlet
        return mine

    return {point.pk: handled(point) for point in points}, codes


def item_codes_by_point(points: list[Unit]) -> dict[int, list[str]]:
    """The implementation codes each point handles, sorted (`item_sets_by_point`)."""
    sets, codes = item_sets_by_point(points)
    return {pk: sorted(codes[item] for item in items) for pk, items in sets.items()}


def home(request):
    bundles = list(published_bundles())
    return render(request, "portal/home.html", {
        "enterprise": [b for b in bundles if b.audience == Audience.ENTERPRISE],
        "citizen": [b for b in bundles if b.audience == Audience.CITIZEN],
        "popular": published_items().filter(via_mobile=True).order_by("name")[:8],
    })


def search(request):
    query = request.GET.get("q", "").strip()[:50]
    items, bundles = [], []
    if query:
        terms = expand_terms(query)  # the query and its synonyms (餐饮 → 饭店, 食品经营)
        items = list(published_items().filter(name_query(query, terms=terms)).select_related("implementing_unit")
                     .order_by("name")[:50])
        bundles = [b for b in published_bundles() if text_matches(query, terms, b.name, b.theme)]
    return render(request, "portal/search.html", {"query": query, "items": items, "bundles": bundles})


def item(request, code: str):
    service_item = (
        published_items().select_related("implementing_unit", "competent_department")
        .filter(implementation_code=code).first()
    )
    if service_item is None:
        raise Http404(NOT_FOUND)
    return render(request, "portal/item.html", {
        "item": service_item,
        "materials": service_item.materials.select_related("identity"),
        "fields": service_item.form_fields.select_related("element"),
        "steps": service_item.steps.all(),
        "special_steps": service_item.special_steps.all(),
        "bundles": published_bundles().filter(nodes__item=service_item).distinct(),
        "townships": live_delegations().filter(item=service_item).select_related("township"),
        "intermediary_services": service_item.intermediary_services.filter(is_published=True),
    })


def bundle(request, slug: str):
    found = published_bundles().select_related("lead_unit").filter(slug=slug).first()
    if found is None:
        raise Http404(NOT_FOUND)
    try:
        guide = bundle_guide(found)
    except ValidationError:
        raise Http404(NOT_FOUND)  # a bundle whose graph is broken is not shown to the public
    items = {i.pk: i for i in ServiceItem.objects.filter(pk__in=[n.item_id for n in guide.nodes])
             .select_related("implementing_unit").prefetch_related("special_steps")}
    stages = [[(node, items[node.item_id]) for node in stage] for stage in guide.stages]
    fees = [(i.name, i.fees) for i in items.values() if i.fees and i.fees != "不收费"]
    return render(request, "portal/bundle.html", {
        "bundle": found, "guide": guide, "figures": guide.figures, "stages": stages, "fees": fees,
        "special_steps": [(i.name, s) for i in items.values() for s in i.special_steps.all()],
    })


def point_list(request):
    points = list(service_points().order_by("kind__sort_order", "path"))
    counts = {pk: len(items) for pk, items in item_sets_by_point(points)[0].items()}
    groups: dict = {}
    for point in points:
        groups.setdefault(point.kind.name, []).append((point, counts[point.pk]))
    return render(request, "portal/points.html", {"groups": groups})


def windows_at(point: Unit):
    """The active windows of a hall, with the people now at each (亮牌上岗: name and 工号): the windows of the
    units under the point, not those of a service point nested in it (`org.sites.under_point_q`)."""
    from tongban.org.models import Staff, Window
    from tongban.org.sites import under_point_q

    people = Staff.objects.filter(is_active=True).only("pk", "name", "staff_no", "window_id").order_by("staff_no")
    return (Window.objects.filter(under_point_q(point), is_active=True).select_related("unit")
            .prefetch_related(Prefetch("staff", queryset=people, to_attr="on_duty")).order_by("code"))


def point_detail(request, code: str):
    point = service_points().filter(code=code).first()
    if point is None:
        raise Http404("未找到该服务网点。")
    items = items_at(point).select_related("implementing_unit").order_by("name")
    return render(request, "portal/point.html", {"point": point, "items": items, "windows": windows_at(point)})


WINDOW_ITEMS_SHOWN = 40


def window_detail(request, code: str, window: str):
    """窗口公示: what a citizen at the counter (or the counter's screen) sees of one window — its kind and place,
    the people at it, what it takes (the intake rule itself: `cases.services.intake.takeable_items`, published
    items only), its honours, and where to praise or complain."""
    from tongban.cases.services.intake import takeable_items, takes_every_item

    point = service_points().filter(code=code).first()
    shown = windows_at(point).filter(code=window).first() if point is not None else None
    if shown is None:
        raise Http404("未找到该窗口。")
    every = takes_every_item(shown)  # 无差别全科受理: every item the hall handles
    items = items_at(point) if every else published_items().filter(pk__in=takeable_items(shown).values("pk"))
    items = items.select_related("implementing_unit").order_by("name")
    count = items.count()
    return render(request, "portal/window.html", {
        "point": point, "window": shown, "takes_every_item": every, "item_count": count,
        "items": list(items[:WINDOW_ITEMS_SHOWN]), "more": count > WINDOW_ITEMS_SHOWN})


def intermediaries(request):
    services = (
        IntermediaryService.objects.filter(is_published=True, item__is_published=True)
        .select_related("item")
        .prefetch_related(Prefetch("agencies", queryset=Intermediary.objects.exclude(status=IntermediaryStatus.EXPELLED)))
    )
    agencies = Intermediary.objects.exclude(status=IntermediaryStatus.EXPELLED).prefetch_related("qualifications")
    return render(request, "portal/intermediaries.html", {"services": services, "agencies": agencies})


def delegated(request):
    rows = (
        published_items().filter(delegations__is_revoked=False, delegations__township__is_active=True)
        .annotate(townships=Count("delegations", distinct=True))
        .select_related("implementing_unit").order_by("name")
    )
    delegations = live_delegations().filter(item__in=rows).select_related("township").order_by("township__path")
    by_item: dict = {}
    for d in delegations:
        by_item.setdefault(d.item_id, []).append(d)
    return render(request, "portal/delegated.html", {"rows": [(i, by_item.get(i.pk, [])) for i in rows]})


TRACK_NOT_FOUND = "查无此件：请核对办件编号和后四位（证件号码、统一社会信用代码或联系电话的最后四位）。"


def track(request):
    """办件进度查询 (no login): the case number (prefilled from the notice's link) and the last four characters
    of the applicant's ID number, credit code or phone; a wrong number and a wrong factor read alike, and an
    address that keeps failing waits for the cool-off (cases.tracking)."""
    from axes.helpers import get_client_ip_address

    from tongban.cases import tracking

    source = request.POST if request.method == "POST" else request.GET
    number = source.get("number", "")
    number = number[:40] if isinstance(number, str) else ""
    context = {"number": number, "found": None, "error": "", "factor_length": tracking.FACTOR_LENGTH}
    status = 200
    if request.method == "POST":
        address = get_client_ip_address(request)
        if tracking.is_limited(address):
            context["error"] = tracking.limited_message()
            status = 429
        else:
            context["found"] = tracking.find(number, request.POST.get("factor", ""))
            if context["found"] is None:
                tracking.record_failure(address)
                context["error"] = TRACK_NOT_FOUND
            else:  # the applicant proved the second factor: they may rate the case or see their rating's answer
                from tongban.feedback.services import web_rating_link

                context["rating_url"] = web_rating_link(context["found"].number)
    response = render(request, "portal/track.html", context, status=status)
    response["Cache-Control"] = "no-store"  # a shared phone's back button does not replay someone's case
    return response
