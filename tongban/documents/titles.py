"""Where a 公文 title breaks over lines (GB/T 9704-2012 §7.3.3).

The rule: the title is centred on one or more lines; "回行时，要做到词意完整，排列对称，长短适宜，间距恰当，
标题排列应当使用梯形或菱形". So a title that does not fit on one line breaks

* only between words (a segmenter decides what a word is: jieba, with the domain's compound names added,
  and names such as the issuer, 《…》 and “…” kept whole while they fit on a line),
* into as few lines as will take it, none filled edge to edge (common practice: "不要填满整个一行"),
* in a balanced shape: 梯形 (each line at least as long as the one above, or each at most as long) or 菱形
  (longest in the middle), never an hourglass; among those the most even, and for two lines 上长下短
  before 上短下长, which practice prefers ("一般采用上长下短的方式…尽量避免上短下长、上下等长").

`title_lines(title)` returns the lines; `GongwenDocument` writes them as one centred paragraph with line
breaks. A title with "\\n" in it has been broken by its author and is left alone.
"""
from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Iterable, Sequence

# A 2号 (22 pt) character in the 156 mm (442.25 pt) text block: 20 fit; one is left free so the longest
# line never touches both margins.
TITLE_CHARS_PER_LINE = 20
TITLE_MAX_LINE = TITLE_CHARS_PER_LINE - 1
MAX_EXTRA_LINES = 2  # beyond the fewest possible, before giving up on the shape

# Names the general-purpose dictionary splits ("巡察/组") that a title must keep on one line.
DOMAIN_WORDS = (
    "巡察组", "巡视组", "巡察办", "巡视办", "行政审批", "服务中心", "行政审批服务中心", "政务服务中心",
    "便民服务中心", "反馈意见", "反馈问题", "意见建议", "整改工作", "整改进展", "进展情况", "整改方案",
    "工作方案", "一件事", "放管服", "营商环境",
)
# Spans kept whole while they fit on a line: book titles, quotations, and an inspection group's name.
KEEP_TOGETHER = re.compile(
    r"《[^》]*》|“[^”]*”|（[^）]*）|(?:[省市县区]委)?第[一二三四五六七八九十]+巡[察视]组|[省市县区]委巡[察视]组"
)

_tokenizer = None
_lock = threading.Lock()


def _segmenter():
    """jieba's tokenizer, loaded once per process on first need (about a second: only long titles pay)."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            for word in DOMAIN_WORDS:
                tokenizer.add_word(word, freq=100000)
            _tokenizer = tokenizer
    return _tokenizer


def char_width(text: str) -> float:
    """Width in title characters: CJK and full-width signs 1, ASCII (half-width) ½."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _words(text: str) -> list[str]:
    return [word for word in _segmenter().cut(text, HMM=True) if word]


def segments(title: str, *, keep_together: Iterable[str] = (), max_width: float = TITLE_MAX_LINE) -> list[str]:
    """The title cut into pieces that must not be broken: words, and whole names while they fit a line."""
    names = sorted({name for name in keep_together if name and char_width(name) <= max_width}, key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    for name in names:
        for match in re.finditer(re.escape(name), title):
            spans.append(match.span())
    for match in KEEP_TOGETHER.finditer(title):
        if char_width(match.group()) <= max_width:
            spans.append(match.span())
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    pieces: list[str] = []
    position = 0
    for start, end in kept:
        pieces.extend(_words(title[position:start]))
        pieces.append(title[start:end])
        position = end
    pieces.extend(_words(title[position:]))
    # Closing punctuation never starts a line, opening punctuation never ends one.
    merged: list[str] = []
    for piece in pieces:
        if merged and (piece[0] in "，、。；：）》”’！？" or merged[-1][-1] in "（《“‘"):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def _shape_cost(widths: Sequence[float]) -> float | None:
    """How far from an even 梯形 / 菱形 the lines are; None for shapes the rule excludes."""
    steps = [b - a for a, b in zip(widths, widths[1:])]
    widening = all(step >= 0 for step in steps)
    narrowing = all(step <= 0 for step in steps)
    peak = widths.index(max(widths))
    diamond = (
        len(widths) >= 3 and 0 < peak < len(widths) - 1
        and all(step >= 0 for step in steps[:peak]) and all(step <= 0 for step in steps[peak:])
    )
    if not (widening or narrowing or diamond):
        return None  # an hourglass or a zigzag
    cost = max(widths) - min(widths)
    cost += 2 * sum(1 for step in steps if step == 0)  # 上下等长 reads as a block, not a title
    if len(widths) == 2 and steps[0] > 0:
        cost += 3  # 上短下长: allowed, but 上长下短 is preferred
    return cost


def title_lines(title: str, *, keep_together: Iterable[str] = (), max_width: float = TITLE_MAX_LINE) -> list[str]:
    """The title's lines: one when it fits, else broken between words into the best balanced shape."""
    title = title.strip()
    if "\n" in title:
        return [line.strip() for line in title.split("\n") if line.strip()]
    if char_width(title) <= max_width:
        return [title]
    pieces = segments(title, keep_together=keep_together, max_width=max_width)
    # A word longer than a line (no such word in Chinese titles, but never loop forever): characters.
    pieces = [part for piece in pieces for part in (list(piece) if char_width(piece) > max_width else [piece])]
    widths = [char_width(piece) for piece in pieces]
    fewest = max(2, -(-int(sum(widths) * 2) // int(max_width * 2)))
    for lines in range(fewest, min(fewest + MAX_EXTRA_LINES, len(pieces)) + 1):
        best: tuple[float, list[str]] | None = None
        for cuts in itertools.combinations(range(1, len(pieces)), lines - 1):
            bounds = (0, *cuts, len(pieces))
            line_widths = [sum(widths[a:b]) for a, b in zip(bounds, bounds[1:])]
            if max(line_widths) > max_width:
                continue
            cost = _shape_cost(line_widths)
            if cost is not None and (best is None or cost < best[0]):
                best = (cost, ["".join(pieces[a:b]) for a, b in zip(bounds, bounds[1:])])
        if best:
            return best[1]
    return _greedy(pieces, max_width)


def _greedy(pieces: Sequence[str], max_width: float) -> list[str]:
    """Fill lines in order (only for titles no balanced shape can take)."""
    lines = [""]
    for piece in pieces:
        if lines[-1] and char_width(lines[-1] + piece) > max_width:
            lines.append("")
        lines[-1] += piece
    return lines
