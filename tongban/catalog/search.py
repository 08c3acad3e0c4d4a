"""Search helpers: pinyin initials so a phone user can type "spjy" for 食品经营许可.

pypinyin is optional: without it `initials` returns "" and search falls back to Chinese substrings.
"""
from __future__ import annotations

import re

from django.db.models import Q

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


def name_query(query: str, *, name_field: str = "name", initials_field: str | None = "search_initials") -> Q:
    """Chinese substring on the name; an all-letter query also matches the pinyin initials."""
    query = query.strip()
    q = Q(**{f"{name_field}__icontains": query})
    if initials_field and ASCII_QUERY.match(query):
        q |= Q(**{f"{initials_field}__contains": query.lower()})
    return q
