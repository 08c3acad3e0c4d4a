"""Notifications: an in-app inbox plus email. (Contract; the notifications app fills it in.)"""
from __future__ import annotations

from typing import Iterable


def notify(recipients: Iterable, *, title: str, body: str = "", link: str = "", code: str = "",
           dedupe_key: str | None = None, email: bool = True) -> int:
    """Put a message in each recipient's inbox and (after commit) email those with an address.

    `dedupe_key` makes the call idempotent per recipient: a job that runs twice notifies once.
    Returns how many inbox messages were created.
    """
    raise NotImplementedError
