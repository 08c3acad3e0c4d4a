"""Every API endpoint against the personas, on the whole demo county (NetBox-style generated checks).

For each viewset registered on /api/v1/: anonymous callers are refused (public/* aside), and a township
admin's list holds exactly what the scope layer lets them see — never a record of another township —
so an endpoint that forgets `visible_to` fails here whatever app it belongs to.
"""
import pytest
from django.contrib.auth import get_user_model

from tongban.core.api_urls import router

pytestmark = pytest.mark.django_db

PUBLIC = ("public/",)
# Endpoints readable only by county-wide roles (403 for a township admin), by design.
COUNTY_ONLY = {"job-runs"}
# Endpoints that are per-user, or the same for everyone (the calendar), rather than per-unit.
PER_USER = {"notifications"}
NOT_UNIT_SCOPED = {"days", "calendar-years"}


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker):
    """The demo county once for the module, inside a transaction rolled back at the end (each test's own
    atomic block nests inside it), so nothing leaks into other modules — not even a flush."""
    from django.db import transaction

    from tongban.org.demo import build_demo_county, run_app_demos

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            run_app_demos(build_demo_county())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def scoped_endpoints():
    for prefix, viewset, _ in router.registry:
        model = getattr(getattr(viewset, "queryset", None), "model", None) or viewset.serializer_class.Meta.model
        if prefix.startswith(PUBLIC) or prefix in COUNTY_ONLY | PER_USER | NOT_UNIT_SCOPED:
            continue
        assert hasattr(model._default_manager.all(), "visible_to"), f"{prefix}: {model.__name__} has no scope"
        yield pytest.param(prefix, model, id=prefix)


@pytest.mark.parametrize("prefix", [p for p, _, _ in router.registry if not p.startswith(PUBLIC)])
def test_anonymous_callers_are_refused(prefix, client):
    assert client.get(f"/api/v1/{prefix}/").status_code in (401, 403)


@pytest.mark.parametrize(("prefix", "model"), list(scoped_endpoints()))
def test_a_township_admin_lists_exactly_their_scope(prefix, model, demo_county, api_for):
    user = get_user_model().objects.get(username="xiangzhen")
    api = api_for(user)
    seen: set = set()
    url = f"/api/v1/{prefix}/?page_size=1000"
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        seen |= {str(row["id"]) for row in rows}
        url = body.get("next") if isinstance(body, dict) else None
    allowed = {str(pk) for pk in model._default_manager.all().visible_to(user).values_list("pk", flat=True)}
    assert seen == allowed
    if model._default_manager.count():
        assert len(allowed) < model._default_manager.count(), "the demo should hold records out of this scope"


@pytest.mark.parametrize("prefix", sorted(COUNTY_ONLY))
def test_county_only_endpoints_refuse_a_township_admin(prefix, demo_county, api_for):
    user = get_user_model().objects.get(username="xiangzhen")
    assert api_for(user).get(f"/api/v1/{prefix}/").status_code == 403
