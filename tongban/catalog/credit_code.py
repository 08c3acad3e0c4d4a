"""统一社会信用代码 (GB 32100-2015): 18 characters, the last a check digit over the first 17.

Character set: 0-9 and the capital letters without I, O, Z, S, V (31 symbols, value = position).
Weights are 3^i mod 31 for positions 1..17; check = 31 - (Σ value × weight mod 31), 31 meaning 0.
"""
from __future__ import annotations

import re

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PATTERN = re.compile(rf"^[{CHARSET}]{{18}}$")


def check_character(first17: str) -> str:
    """The check character the first 17 characters call for."""
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS))
    value = 31 - total % 31
    return CHARSET[0 if value == 31 else value]


def normalise(code: str) -> str:
    """Codes are typed with spaces and lower case; full-width letters come from Chinese input methods."""
    return "".join(code.split()).upper().translate({ord(c): ord(c) - 0xFEE0 for c in map(chr, range(0xFF10, 0xFF5B))})


def validate_credit_code(code: str) -> None:
    from tongban.catalog.error_codes import CatalogError, catalog_error

    if not PATTERN.match(code or ""):
        raise catalog_error(CatalogError.CREDIT_CODE_FORMAT, value=code)
    expected = check_character(code[:17])
    if code[17] != expected:
        raise catalog_error(CatalogError.CREDIT_CODE_CHECK, value=code, expected=expected)
