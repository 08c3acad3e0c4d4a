"""Catalogue fixtures built with the real services on top of the personas' test county."""
import pytest

from tongban.catalog import services
from tongban.catalog.choices import ItemLevel
from tongban.catalog.tests.helpers import make_item, material


@pytest.fixture
def items(county):
    """A county item (at the department) and one township item in each township."""
    return {
        "county": make_item("K-1", county.department, name="食品经营许可", materials=[material("id_card")]),
        "a": make_item("T-A", county.township_a, name="城关镇养老参保", level=ItemLevel.TOWNSHIP),
        "b": make_item("T-B", county.township_b, name="王村乡养老参保", level=ItemLevel.TOWNSHIP),
    }


@pytest.fixture
def agency(county):
    return services.create_intermediary(name="正方测绘", credit_code="91350100M000100Y43", supervising_unit=county.center)
