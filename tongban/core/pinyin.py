"""Pinyin of Chinese names, for searching by letters: initials (spjy → 食品经营许可, wgz → 王股长) and full
pinyin (shipin). Used by the catalogue search and the unit / people pickers.

pypinyin is optional: without it both functions return "" and search falls back to Chinese substrings.
"""
from __future__ import annotations

import re

try:  # pragma: no branch - depends on the installed packages
    from pypinyin import Style, lazy_pinyin
except ImportError:  # pragma: no cover
    lazy_pinyin = None

ASCII_QUERY = re.compile(r"^[A-Za-z]+$")


def initials(text: str) -> str:
    """食品经营许可 -> "spjyxk"; non-Chinese characters are dropped."""
    if lazy_pinyin is None or not text:
        return ""
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(part for part in letters if part.isalpha()).lower()[:200]


def full_pinyin(text: str) -> str:
    """食品经营许可 -> "shipinjingyingxuke" (tone marks dropped, letters only), for queries like "shipin"."""
    if lazy_pinyin is None or not text:
        return ""
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    return "".join(part for part in syllables if part.isalpha()).lower()[:500]
