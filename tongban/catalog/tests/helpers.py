"""Small builders over the real services, shared by the catalogue and portal tests."""
from __future__ import annotations

from tongban.catalog import services


def material(code: str, name: str | None = None, **kw) -> dict:
    return {"identity": services.ensure_identity(code, name or code), **kw}


def field(code: str, label: str | None = None) -> dict:
    return {"element": services.ensure_element(code, label or code)}


def make_item(code: str, unit, *, days: int = 5, visits: int = 1, materials=(), fields=(), produces: str = "",
              basic: str | None = None, **kw):
    extra = {"result_identity": services.ensure_identity(produces, produces)} if produces else {}
    return services.create_item(
        name=kw.pop("name", f"事项{code}"), basic_code=basic or f"B-{code}", implementation_code=code,
        implementing_unit=unit, promised_days=days, visits_on_site=visits,
        materials=list(materials), form_fields=list(fields), steps=[{"name": "受理"}, {"name": "决定"}],
        **extra, **kw,
    )
