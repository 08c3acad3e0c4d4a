"""整改时限 as offices write them in their ledgers, read into a `Deadline`.

Pure functions, no database: the ledger import, the measure form and the API all read deadlines here.

A deadline is one of three kinds:
  * "date"       — a day: an Excel date, `2023年6月30日前`, `2023.9.30`, `2023-08-15`, `2023/8/15`,
                   `10月底前` (end of that month of the reference year), `6月底`, `年底前` (31 December),
                   `2023年上半年` (30 June), `三季度末` (end of the quarter);
  * "immediate"  — 立行立改 / 即知即改 / 立即整改 (a date may come with it: "立行立改，6月底前完成");
  * "ongoing"    — 长期坚持 / 长期 / 持续整改 / 长期持续整改 / 常态化; a date with it is the first checkpoint
                   ("2023年12月底前取得阶段性成效，长期坚持"). Ongoing wins over immediate: a measure that is
                   "立行立改、长期坚持" is never closed once and for all.
Where several dates are given, a dated deadline is the latest (the last step), an ongoing one the earliest.

Full-width digits and punctuation and all spaces are normalised first. What cannot be read raises
`DeadlineError` with a Chinese message and a stable code; a date that does not exist ("2023-02-30") is
never rounded to a neighbouring day.
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from tongban.core.text import parse_int

DATE = "date"
IMMEDIATE = "immediate"
ONGOING = "ongoing"

IMMEDIATE_WORDS = ("立行立改", "即知即改", "立即整改", "即查即改", "马上就改", "立即")
ONGOING_WORDS = ("长期持续整改", "长期坚持", "持续整改", "长期整改", "持续推进", "常态化", "长期", "持续")
# Words around a date that do not change it ("2023年6月30日前完成", "截至2023年底").
FILLER = re.compile(
    r"之前|以前|前|完成|全面|基本|整改|到位|取得阶段性成效|阶段性成效|见效|为止|截至|截止|至|以内|内|止|并|且|和|及|"
    r"\d{1,2}:\d{2}(?::\d{2})?|"  # the 00:00:00 of a date-time pasted as text
    r"[,.;:、()\[\]【】「」“”\"'!?。~]"
)
YEAR_RANGE = (1990, 2100)
CHINESE_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4}


@dataclass(frozen=True)
class Deadline:
    kind: str  # DATE / IMMEDIATE / ONGOING
    date: date | None
    text: str  # what the ledger said, for display


class DeadlineError(ValueError):
    """A deadline that cannot be read; `message` is Chinese and shown as is, `code` is stable."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def normalise(text: str) -> str:
    """Full-width digits, letters and signs to half-width (NFKC), every kind of space removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def parse_deadline(value: object, *, reference_year: int | None) -> Deadline:
    """Read one 整改时限 cell; `reference_year` completes dates written without a year ("10月底前")."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return Deadline(DATE, value, f"{value.year}年{value.month}月{value.day}日")
    if isinstance(value, bool):
        raise _unreadable(str(value))
    if isinstance(value, (int, float)):
        return Deadline(DATE, _from_number(value), _number_text(value))
    original = "" if value is None else str(value).strip()
    text = normalise(original)
    if not text:
        raise DeadlineError("整改时限为空", code="deadline_empty")
    if (number := parse_int(text, min=0)) is not None:
        return Deadline(DATE, _from_number(number), original)

    kind = DATE
    if any(word in text for word in ONGOING_WORDS):
        kind = ONGOING
    elif any(word in text for word in IMMEDIATE_WORDS):
        kind = IMMEDIATE
    for word in ONGOING_WORDS + IMMEDIATE_WORDS:  # longest first within each list
        text = text.replace(word, "|")

    dates, leftover = _scan_dates(text, original, reference_year)
    if FILLER.sub("", leftover.replace("|", "")):
        raise _unreadable(original)
    if not dates:
        if kind == DATE:
            raise _unreadable(original)
        return Deadline(kind, None, original)
    return Deadline(kind, min(dates) if kind == ONGOING else max(dates), original)


def _unreadable(original: str) -> DeadlineError:
    return DeadlineError(
        f"无法识别的整改时限：{original}（可写作 2023年6月30日、2023.6.30、6月底前、年底前、立行立改、长期坚持）",
        code="deadline_unreadable",
    )


def _number_text(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _from_number(value: int | float) -> date:
    """A number in a date column: 20230630 typed as a number, or an Excel serial day left unformatted."""
    if float(value).is_integer() and 19000101 <= value <= 29991231:
        number = int(value)
        return _day(number // 10000, number // 100 % 100, number % 100)
    if 20000 <= value <= 80000:  # 1954 … 2119 as Excel serial days
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    raise _unreadable(_number_text(value))


def _day(year: int, month: int, day: int) -> date:
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise DeadlineError(f"年份不合理：{year}", code="deadline_year_out_of_range")
    try:
        return date(year, month, day)
    except ValueError:
        raise DeadlineError(f"日期不存在：{year:04d}-{month:02d}-{day:02d}", code="deadline_no_such_date") from None


def _month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise DeadlineError(f"日期不存在：{year:04d}-{month:02d}", code="deadline_no_such_date")
    return _day(year, month, calendar.monthrange(year, month)[1])


# Each pattern is tried at every position, in this order; a match becomes a date, the rest is leftover.
_SEP = r"[.\-/]"
_PATTERNS = (
    ("ymd", re.compile(rf"(\d{{4}})(?:年|{_SEP})(\d{{1,2}})(?:月|{_SEP})(\d{{1,2}})[日号]?")),
    ("md", re.compile(r"(\d{1,2})月(\d{1,2})[日号]")),
    ("ym", re.compile(rf"(\d{{4}})(?:年|{_SEP})(\d{{1,2}})月?(底|末|份)?")),
    ("m", re.compile(r"(\d{1,2})月(底|末|份)?")),
    ("quarter", re.compile(r"(?:(\d{4})年)?第?([一二三四1-4])季度(?:末|底)?")),
    ("year_part", re.compile(r"(?:(\d{4})年?)?(上半年|下半年|年中|年底|年末|年内|全年|底|末|内)")),
    ("year", re.compile(r"(\d{4})年")),
)


def _scan_dates(text: str, original: str, reference_year: int | None) -> tuple[list[date], str]:
    dates: list[date] = []
    leftover: list[str] = []
    position = 0
    while position < len(text):
        for name, pattern in _PATTERNS:
            match = pattern.match(text, position)
            if match and (found := _to_date(name, match, text, original, reference_year)) is not None:
                dates.append(found)
                position = match.end()
                break
        else:
            leftover.append(text[position])
            position += 1
    return dates, "".join(leftover)


def _year(given: str | None, original: str, reference_year: int | None) -> int:
    if given:
        return int(given)
    if reference_year is None:
        raise DeadlineError(f"整改时限“{original}”没有写年份，请写成完整日期", code="deadline_year_missing")
    return reference_year


def _to_date(name: str, match: re.Match, text: str, original: str, reference_year: int | None) -> date | None:
    groups = match.groups()
    if name == "ymd":
        return _day(int(groups[0]), int(groups[1]), int(groups[2]))
    if name == "md":
        return _day(_year(None, original, reference_year), int(groups[0]), int(groups[1]))
    if name in ("ym", "m"):
        after = text[match.end():match.end() + 1]
        if groups[-1] is None and after == "前":  # "10月前": before October, or by its end? Don't guess.
            month = groups[-2]
            raise DeadlineError(
                f"整改时限“{original}”不明确：请写作“{month}月底前”或具体日期", code="deadline_ambiguous"
            )
        year = int(groups[0]) if name == "ym" else _year(None, original, reference_year)
        return _month_end(year, int(groups[-2]))
    if name == "quarter":
        quarter = CHINESE_NUMBERS.get(groups[1]) or int(groups[1])
        return _month_end(_year(groups[0], original, reference_year), quarter * 3)
    if name == "year_part":
        given, part = groups
        if part in ("底", "末", "内") and not given:
            return None  # a stray 底 / 内 is filler, not a year
        year = _year(given, original, reference_year)
        return _day(year, 6, 30) if part in ("上半年", "年中") else _day(year, 12, 31)
    return _day(int(groups[0]), 12, 31)  # "2023年": within that year
