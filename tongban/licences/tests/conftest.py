"""Licence fixtures over the cases' small 我要开饭店 (tongban/cases/tests/conftest.py): 营业执照 (R-1) produces the
licence kind `business_licence`, which 食品经营许可 (R-2) accepts instead of paper here."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tongban.cases.tests.conftest import (  # noqa: F401  (fixtures)
    ORG_CODE, applicant, case_people, receive, restaurant)

SEAL_PASSPHRASE = "test-passphrase"
OTHER_CODE = "91350100M000101W8X"


@pytest.fixture(scope="session")
def seal_cert(tmp_path_factory) -> Path:
    from tongban.licences.sealing import make_self_signed

    return make_self_signed(tmp_path_factory.mktemp("seal") / "seal.p12", SEAL_PASSPHRASE, "测试县行政审批服务中心")


@pytest.fixture
def sealing_on(settings, seal_cert, tmp_path):
    settings.SEAL_CERT, settings.SEAL_PASSPHRASE, settings.SEAL_NAME = str(seal_cert), SEAL_PASSPHRASE, "测试县行政审批服务中心"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return seal_cert


@pytest.fixture
def food_accepts_licence(restaurant):
    from tongban.catalog.models import ItemMaterial

    ItemMaterial.objects.filter(item=restaurant.food, identity__code="business_licence").update(is_electronic_licence=True)
    return restaurant.food


@pytest.fixture
def make_licence(county, restaurant):
    from tongban.catalog.models import MaterialIdentity
    from tongban.licences.models import Licence

    def make(holder_id=ORG_CODE, number="DZ-0001", **kw):
        today = date.today()
        values = dict(kind=MaterialIdentity.objects.get(code="business_licence"), title="营业执照", holder_kind="organisation",
                      holder_name="城关美味餐饮有限公司", holder_id=holder_id, unit=county.department,
                      issuer_name=county.department.name, issued_on=today - timedelta(days=30),
                      valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=365))
        values.update(kw)
        return Licence.objects.create(number=number, **values)

    return make


@pytest.fixture
def receive_item(county, case_people):
    """Receive one item at A01 for the organisation ORG_CODE: every material brought unless `materials` says."""
    from tongban.cases.services import intake

    def make(item, materials=None, **kw):
        states = {m.identity.code: "received" for m in item.materials.all()}
        return intake.receive_case(by=case_people.clerk, window=county.intake_window, item=item,
                                   applicant=kw.pop("applicant", applicant()), materials={**states, **(materials or {})}, **kw)

    return make


@pytest.fixture
def food_case(receive_item, restaurant, food_accepts_licence):
    """A 食品经营许可 received at A01 for the organisation ORG_CODE, 营业执照 not brought (yet)."""
    return receive_item(restaurant.food, {"business_licence": "missing"})


from tongban.jobs.tests.conftest import huey_immediate  # noqa: E402,F401  (a fixture: tasks run in this process)
