"""`CENTRE_NAME` for every page: the name the county's people know the centre by (the root unit, e.g.
XX县行政审批服务中心), shown on the login page and the public portal. Read lazily: pages that never show it
cost no query."""
from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def centre_name() -> str:
    configured = getattr(settings, "CENTRE_NAME", "")
    if configured:
        return configured
    from tongban.org.models import Unit

    root = Unit.objects.filter(parent__isnull=True, is_active=True).order_by("sort_order", "pk").first()
    return root.name if root else "政务服务中心"


def centre(request) -> dict:
    return {"CENTRE_NAME": SimpleLazyObject(centre_name)}
