"""Personal data shown masked to readers who do not need it whole. One function per kind of data, used by
pages (through the `masking` template filters), the API and the exports alike."""
from __future__ import annotations

import re

# A resident ID number (GB 11643-1999): 6-digit area, birth date YYYYMMDD, 3-digit sequence, check digit.
# Anchored on non-digits, so a longer run of digits (an order number) is left alone.
ID_NUMBER = re.compile(
    r"(?<![0-9])([1-9][0-9]{2})([0-9]{3}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))"
    r"([0-9]{3}[0-9Xx])(?![0-9A-Za-z])"
)


def mask_id_numbers(text):
    """'110105199003071234' → '110***********1234' wherever it stands in `text` (first 3 and last 4 kept,
    enough to tell two people apart in a conversation, not enough to use the number)."""
    if not text:
        return text
    return ID_NUMBER.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), str(text))


def mask_phone(phone):
    """'13800001234' → '138****1234'; a landline '0591-87654321' → '0591****4321'. Short values are hidden
    whole."""
    if not phone:
        return phone
    text = str(phone).strip()
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7:
        return "*" * len(text)
    head = 4 if "-" in text[:5] else 3
    return text[:head] + "*" * (len(text) - head - 4) + text[-4:]
