"""The demo's part: a closed case signed, packed and verified, once."""
from __future__ import annotations

import pytest

from tongban.archives.demo import build_demo
from tongban.archives.models import ArchivePackage, Signature

pytestmark = pytest.mark.django_db


def test_the_demo_packs_a_closed_case_that_verifies_and_a_second_run_adds_nothing(close_case, accept_case):
    accept_case()
    case = close_case()
    assert "完整" in build_demo(None)
    package = ArchivePackage.objects.get()
    assert package.case == case and package.status == "intact"
    assert Signature.objects.get().case == case
    assert build_demo(None) is None and ArchivePackage.objects.count() == 1
