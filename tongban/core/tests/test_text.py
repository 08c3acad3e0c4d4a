"""Long titles end with "…" at a natural break, never mid-word or mid-number."""
from tongban.core.text import shorten


def test_a_title_that_fits_is_left_alone():
    assert shorten("整改措施即将到期", 20) == "整改措施即将到期"


def test_a_long_title_is_cut_at_the_last_punctuation_and_ends_with_an_ellipsis():
    text = "制定年度工作方案，细化分解为24项具体工作，明确责任单位和完成时限"

    assert shorten(text, 24) == "制定年度工作方案，细化分解为24项具体工作…"  # [:24] would end in "具体工作，明确责"


def test_a_number_or_a_date_is_never_split():
    assert shorten("截至2023-10-31仍未完成整改的措施清单", 12) == "截至…"
    assert not shorten("共有123456项", 7).endswith("12345…")


# --- parse_int: the one reader of a typed number --------------------------------------------------------------

import pytest  # noqa: E402

from tongban.core.text import parse_int  # noqa: E402


@pytest.mark.parametrize("typed", ["²", "１２", "١٢", "1e3", "3.0", "0x10", "", "  ", "一", "1_000", "1 2", "++1"])
def test_only_ascii_digits_are_a_number(typed):
    assert parse_int(typed) is None
    assert parse_int(typed, 7) == 7


@pytest.mark.parametrize(("typed", "number"), [("12", 12), (" 12 ", 12), ("007", 7), ("-3", -3), ("+4", 4), (5, 5)])
def test_a_number_in_ascii_digits_is_read(typed, number):
    assert parse_int(typed) == number


def test_nothing_that_is_not_text_or_an_int_is_a_number():
    assert parse_int(None) is None and parse_int(True) is None and parse_int(2.0) is None and parse_int(["1"]) is None


def test_a_number_beyond_a_database_column_is_not_a_number():
    assert parse_int("9223372036854775807") == 2**63 - 1
    assert parse_int("9223372036854775808") is None
    assert parse_int("99999999999999999999") is None
    assert parse_int("1" * 5000) is None  # int() would raise: beyond its 4,300-digit limit


def test_a_number_outside_the_bounds_gives_the_default():
    assert parse_int("0", min=1) is None
    assert parse_int("100", 5, max=99) == 5
    assert parse_int("99", max=99) == 99 and parse_int("1", min=1) == 1
