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
