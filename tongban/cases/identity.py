"""Checks of the applicant's identifiers.

- 居民身份证号码 (GB 11643-1999): 6-digit area code, birth date YYYYMMDD, 3-digit sequence, a check
  character over the first 17 digits: Σ digit × weight (weights 2^(17-i) mod 11), mod 11, mapped through
  "10X98765432".
- 统一社会信用代码 (GB 32100-2015): `catalog.credit_code` (one implementation).
"""
from __future__ import annotations

import re
from datetime import date

from tongban.cases.error_codes import CaseError, case_error

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_PATTERN = re.compile(r"^[1-9][0-9]{16}[0-9X]$")


def id_check_character(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def normalise_id_number(value: str) -> str:
    """Typed with spaces, a lower-case x, or full-width digits from a Chinese input method."""
    text = "".join((value or "").split()).upper()
    return text.translate({ord(c): ord(c) - 0xFEE0 for c in map(chr, range(0xFF10, 0xFF5B))})


def validate_resident_id(value: str) -> None:
    if not ID_PATTERN.match(value or ""):
        raise case_error(CaseError.ID_FORMAT, value=value)
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise case_error(CaseError.ID_BIRTH_DATE, value=value)
    if born.year < 1900 or born > date.today():
        raise case_error(CaseError.ID_BIRTH_DATE, value=value)
    expected = id_check_character(value[:17])
    if value[17] != expected:
        raise case_error(CaseError.ID_CHECK, value=value, expected=expected)


def validate_credit_code(value: str) -> None:
    from tongban.catalog.credit_code import validate_credit_code as check

    check(value)


PHONE_PATTERN = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")


def validate_phone(value: str) -> None:
    if not PHONE_PATTERN.match(value or ""):
        raise case_error(CaseError.PHONE_FORMAT, value=value)
