"""整改时限 as offices write them, read into date / immediate / ongoing deadlines."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tongban.rectification.dates import Deadline, DeadlineError, parse_deadline


@pytest.mark.parametrize(
    "written, expected",
    [
        ("2023年6月30日前", date(2023, 6, 30)),
        ("2023年6月30日", date(2023, 6, 30)),
        ("2023.9.30", date(2023, 9, 30)),
        ("2023-08-15", date(2023, 8, 15)),
        ("2023/8/15", date(2023, 8, 15)),
        ("2023年10月底前", date(2023, 10, 31)),
        ("2023年底", date(2023, 12, 31)),
        ("截至2023年底", date(2023, 12, 31)),
        ("2023年上半年", date(2023, 6, 30)),
        ("2023年6月30日前完成", date(2023, 6, 30)),
        ("2023年6月30日至2023年12月31日", date(2023, 12, 31)),  # a span ends on its last day
        ("2023-08-15 00:00:00", date(2023, 8, 15)),  # a date-time pasted as text
        ("20230630", date(2023, 6, 30)),
    ],
)
def test_written_dates_with_a_year_are_read_as_that_day(written, expected):
    assert parse_deadline(written, reference_year=None) == Deadline("date", expected, written)


@pytest.mark.parametrize(
    "written, expected",
    [
        ("10月底前", date(2023, 10, 31)),
        ("6月底", date(2023, 6, 30)),
        ("2月底", date(2023, 2, 28)),
        ("年底前", date(2023, 12, 31)),
        ("6月30日前", date(2023, 6, 30)),
        ("三季度末", date(2023, 9, 30)),
        ("第4季度", date(2023, 12, 31)),
    ],
)
def test_dates_without_a_year_take_the_reference_year(written, expected):
    assert parse_deadline(written, reference_year=2023) == Deadline("date", expected, written)


def test_a_leap_year_february_ends_on_the_29th():
    assert parse_deadline("2月底前", reference_year=2024).date == date(2024, 2, 29)


def test_excel_dates_and_unformatted_serial_numbers_are_days():
    assert parse_deadline(datetime(2023, 6, 30, 0, 0), reference_year=None) == Deadline("date", date(2023, 6, 30), "2023年6月30日")
    assert parse_deadline(date(2023, 8, 15), reference_year=None).date == date(2023, 8, 15)
    assert parse_deadline(45107, reference_year=None).date == date(2023, 6, 30)  # Excel serial day
    assert parse_deadline(20230630, reference_year=None).date == date(2023, 6, 30)


def test_full_width_digits_and_spaces_are_normalised():
    assert parse_deadline("２０２３年６月３０日前", reference_year=None).date == date(2023, 6, 30)
    assert parse_deadline(" 2023 年 6 月 30 日\u3000", reference_year=None).date == date(2023, 6, 30)
    assert parse_deadline("２０２３．９．３０", reference_year=None).date == date(2023, 9, 30)


@pytest.mark.parametrize("written", ["立行立改", "即知即改", "立即整改", " 立行立改 "])
def test_immediate_deadlines_have_no_date(written):
    assert parse_deadline(written, reference_year=2023) == Deadline("immediate", None, written.strip())


@pytest.mark.parametrize("written", ["长期坚持", "长期", "持续整改", "长期持续整改", "常态化"])
def test_ongoing_deadlines_have_no_end(written):
    assert parse_deadline(written, reference_year=2023) == Deadline("ongoing", None, written)


def test_an_ongoing_deadline_keeps_its_first_checkpoint():
    deadline = parse_deadline("2023年12月底前取得阶段性成效，长期坚持", reference_year=None)
    assert (deadline.kind, deadline.date) == ("ongoing", date(2023, 12, 31))


def test_immediate_and_ongoing_together_is_ongoing():
    assert parse_deadline("立行立改、长期坚持", reference_year=2023).kind == "ongoing"


def test_an_immediate_deadline_may_carry_a_date():
    deadline = parse_deadline("立行立改，6月底前完成", reference_year=2023)
    assert (deadline.kind, deadline.date) == ("immediate", date(2023, 6, 30))


@pytest.mark.parametrize(
    "written, message",
    [
        ("2023-02-30", "日期不存在：2023-02-30"),
        ("2023年2月30日前", "日期不存在：2023-02-30"),
        ("2023.4.31", "日期不存在：2023-04-31"),
        ("2023-13-01", "日期不存在：2023-13-01"),
        ("2023年13月底", "日期不存在：2023-13"),
        ("2月30日", "日期不存在：2023-02-30"),
    ],
)
def test_impossible_dates_are_refused_never_rounded(written, message):
    with pytest.raises(DeadlineError) as exc:
        parse_deadline(written, reference_year=2023)
    assert exc.value.message == message
    assert exc.value.code == "deadline_no_such_date"


@pytest.mark.parametrize(
    "value, code",
    [
        ("", "deadline_empty"),
        (None, "deadline_empty"),
        ("   ", "deadline_empty"),
        ("尽快", "deadline_unreadable"),
        ("2023", "deadline_unreadable"),
        ("下周一前", "deadline_unreadable"),
        (3.5, "deadline_unreadable"),
        ("10月前", "deadline_ambiguous"),  # before October, or by its end? never guessed
        ("2203年6月30日", "deadline_year_out_of_range"),
    ],
)
def test_unreadable_deadlines_raise_a_chinese_message_with_a_stable_code(value, code):
    with pytest.raises(DeadlineError) as exc:
        parse_deadline(value, reference_year=2023)
    assert exc.value.code == code
    assert exc.value.message and not exc.value.message.isascii()


def test_a_date_without_a_year_and_no_reference_year_is_refused():
    with pytest.raises(DeadlineError) as exc:
        parse_deadline("10月底前", reference_year=None)
    assert exc.value.code == "deadline_year_missing"
    assert "10月底前" in exc.value.message
