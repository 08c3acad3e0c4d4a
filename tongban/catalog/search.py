"""Search helpers for the catalogue and the portal: what a person types, what it finds.

- a Chinese word matches names that contain it, and the names its synonyms find: the synonyms are data
  (`SearchSynonym`, edited in 系统管理; the demo seeds 餐饮 → 饭店、食品经营 …), so 餐饮 finds 我要开饭店 and
  食品经营许可;
- an all-letter query matches the pinyin initials (spjy → 食品经营许可) and the full pinyin (shipin, shipinjingying).

pypinyin is optional: without it `initials` / `full_pinyin` return "" and search falls back to Chinese substrings.
"""
from __future__ import annotations

import re

from django.db.models import Q

from tongban.core.pinyin import ASCII_QUERY, full_pinyin, initials  # noqa: F401  (re-exported for callers)

SYNONYM_SEPARATORS = re.compile(r"[\s,，、;；/]+")


def split_synonyms(text: str) -> list[str]:
    return [part for part in SYNONYM_SEPARATORS.split(text or "") if part]


def expand_terms(query: str) -> list[str]:
    """The query and every way the synonym table says it may be written: for each synonym row whose term is
    in the query, the query with the term replaced by each of its synonyms (餐饮许可 → 饭店许可, 食品经营许可)
    and the synonyms themselves."""
    from tongban.catalog.models import SearchSynonym

    query = query.strip()
    terms = [query] if query else []
    if not query or ASCII_QUERY.match(query):
        return terms
    for term, synonyms in SearchSynonym.objects.values_list("term", "synonyms"):
        if term and term in query:
            for synonym in split_synonyms(synonyms):
                terms += [query.replace(term, synonym), synonym]
    return list(dict.fromkeys(t for t in terms if t))


def name_query(query: str, *, name_field: str = "name", initials_field: str | None = "search_initials",
               pinyin_field: str | None = "search_pinyin", terms: list[str] | None = None) -> Q:
    """Chinese substring on the name (with synonyms); an all-letter query also matches the pinyin initials and
    the full pinyin."""
    query = query.strip()
    q = Q()
    for term in terms if terms is not None else expand_terms(query):
        q |= Q(**{f"{name_field}__icontains": term})
    if ASCII_QUERY.match(query):
        letters = query.lower()
        if initials_field:
            q |= Q(**{f"{initials_field}__contains": letters})
        if pinyin_field:
            q |= Q(**{f"{pinyin_field}__contains": letters})
    return q


def text_matches(query: str, terms: list[str], *texts: str) -> bool:
    """The same rule in Python, for the few records matched in memory (bundles on the portal)."""
    if any(term in text for term in terms for text in texts if text):
        return True
    if ASCII_QUERY.match(query):
        letters = query.lower()
        return any(letters in initials(text) or letters in full_pinyin(text) for text in texts if text)
    return False
