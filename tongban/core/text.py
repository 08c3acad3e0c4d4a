"""Short forms of long texts for titles (message subjects, robot messages, list rows)."""
from __future__ import annotations

import re

ELLIPSIS = "…"
# Where a Chinese title may be cut: after punctuation or a space, or between Chinese and Latin/digits.
BREAKS = re.compile(r"(?<=[，,。；;：:、！!？?）)\]】」』\s])")
LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9./:_-]*")  # a word, a number, a date: never cut inside


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
