"""Terminals of the personas' county: one at 城关镇 (township_admin's), one at 王村乡 (other_township_admin's)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass
class Terminals:
    chengguan: object
    wangcun: object
    chengguan_key: str
    wangcun_key: str


@pytest.fixture
def terminals(county):
    from tongban.terminals import services
    from tongban.terminals.models import Terminal

    chengguan = Terminal.objects.create(unit=county.township_a, code="T-chengguan", name="城关镇电子监察终端")
    wangcun = Terminal.objects.create(unit=county.township_b, code="T-wangcun", name="王村乡电子监察终端")
    return Terminals(chengguan, wangcun, services.issue_token(chengguan), services.issue_token(wangcun))
