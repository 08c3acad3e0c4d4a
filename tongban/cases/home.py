"""The 工作台's case sections (registered from apps.py)."""
from __future__ import annotations


def register_sections() -> None:
    pass
