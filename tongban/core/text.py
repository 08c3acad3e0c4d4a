"""Short forms of long texts for titles (message subjects, robot messages, list rows), and the one reader of a
number typed by a person (`parse_int`)."""
from __future__ import annotations

import re

ELLIPSIS = "…"
# Where a Chinese title may be cut: after punctuation or a space, or between Chinese and Latin/digits.
BREAKS = re.compile(r"(?<=[，,。；;：:、！!？?）)\]】」』\s])")
LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9./:_-]*")  # a word, a number, a date: never cut inside
ASCII_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")  # [0-9], not \d: \d takes "١٢", as str.isdigit() takes "²"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # what every database column can hold


def shorten(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters; otherwise cut at the last natural break (punctuation, a space,
    the edge of a number or a Latin word) that keeps at least half of it, and end with "…" — never
    "…细化分解为24项具体工" or "…2023-10-3". Without such a break the cut falls at `limit`."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    runs = [(m.start(), m.end()) for m in LATIN_RUN.finditer(text)]
    breaks = {m.start() for m in BREAKS.finditer(text, 0, room + 1)}
    breaks |= {edge for run in runs for edge in run if edge <= room}  # the edges of numbers and words
    cut = max((b for b in breaks if b >= room // 2), default=room)
    for start, end in runs:  # a hard cut inside a number or word moves back to its start
        if start < cut < end:
            cut = start or cut
    return text[:cut].rstrip(" ，,。；;：:、") + ELLIPSIS


def parse_int(value: object, default: int | None = None, *, min: int | None = None,  # noqa: A002
              max: int | None = None) -> int | None:  # noqa: A002
    """The integer a person typed (a query parameter, a form field, a spreadsheet cell's text), or `default`.

    Only ASCII digits with an optional sign, surrounding spaces ignored: `"²".isdigit()` is True and `int("²")`
    raises, `int("١٢")` is 12 and `int("1"*5000)` raises, so `x.isdigit()` then `int(x)` is a 500 waiting for its
    input. Anything else — "1e3", "3.0", "", None, a bool — and any value outside [`min`, `max`] or beyond a
    64-bit column gives `default`; the caller decides whether that is "not given" or a Chinese error. An int
    (not a bool) is taken as it is, within the same bounds."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and ASCII_INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return default
    low = INT64_MIN if min is None else min
    high = INT64_MAX if max is None else max
    return number if low <= number <= high else default
