"""Every write of the terminals app: tokens, heartbeats, and the fault scan (idempotent, set-based)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from tongban.core.audit import system_user
from tongban.history.services import record_event
from tongban.terminals.models import Terminal, TerminalFault, TerminalSettings


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def terminal_for_token(key: str) -> Terminal | None:
    """The active terminal holding `key` (compared by its SHA-256, never stored in clear)."""
    if not key:
        return None
    return Terminal.objects.select_related("unit").filter(token_hash=hash_token(key), is_active=True).first()


@transaction.atomic
def issue_token(terminal: Terminal, *, by=None) -> str:
    """A new token for the terminal (the old one stops working); returned once, stored as its hash."""
    key = secrets.token_urlsafe(32)
    terminal.token_hash, terminal.token_hint, terminal.token_created_at = hash_token(key), key[-4:], timezone.now()
    terminal.save(update_fields=["token_hash", "token_hint", "token_created_at", "updated_at"])
    record_event(terminal, "terminals.token.issued", f"生成了终端令牌（末四位 {key[-4:]}）", by=by)
    return key


@transaction.atomic
def record_heartbeat(terminal: Terminal, *, at: datetime | None = None, address: str | None = None,
                     version: str = "") -> TerminalFault | None:
    """The terminal is alive: remember when, and close its open fault (returned) if it had one."""
    at = at or timezone.now()
    Terminal.objects.filter(pk=terminal.pk).update(last_seen_at=at, last_address=address or None,
                                                   software_version=version[:40] or F("software_version"))
    terminal.refresh_from_db(fields=["last_seen_at", "last_address", "software_version"])
    fault = TerminalFault.objects.filter(terminal=terminal, ended_at__isnull=True).first()
    if fault is not None:
        fault.ended_at = at
        fault.save(update_fields=["ended_at"])
        record_event(terminal, "terminals.fault.closed",
                     f"终端恢复心跳，故障结束（自 {timezone.localtime(fault.started_at):%Y-%m-%d %H:%M} 起）",
                     by=system_user())  # a terminal is no person: its own reports are the system's
    return fault


def silent_q(now: datetime, hours: int) -> Q:
    """Terminals silent longer than `hours` at `now`: the last heartbeat (or, never heard of, the time it
    was registered) is older than that."""
    limit = now - timedelta(hours=hours)
    return Q(is_active=True) & (Q(last_seen_at__lt=limit) | Q(last_seen_at__isnull=True, created_at__lt=limit))


@transaction.atomic
def detect_faults(now: datetime | None = None) -> dict:
    """Open a fault for each silent terminal without one, close faults whose terminal has reported since.
    Set-based (one INSERT … SELECT-shaped batch, one UPDATE) and idempotent: a second run at the same
    moment changes nothing, and the unique open fault per terminal holds whatever runs at once."""
    now = now or timezone.now()
    hours = TerminalSettings.load().silent_hours
    closed = (TerminalFault.objects.filter(ended_at__isnull=True, terminal__last_seen_at__gt=F("silent_since"))
              .update(ended_at=Subquery(Terminal.objects.filter(pk=OuterRef("terminal_id")).values("last_seen_at")[:1])))
    silent = (Terminal.objects.filter(silent_q(now, hours)).exclude(pk__in=TerminalFault.objects.filter(ended_at__isnull=True).values("terminal_id"))
              .annotate(since=Coalesce("last_seen_at", "created_at")).values_list("pk", "since"))
    faults = [TerminalFault(terminal_id=pk, silent_since=since, started_at=since + timedelta(hours=hours))
              for pk, since in silent]
    TerminalFault.objects.bulk_create(faults, ignore_conflicts=True)
    return {"faults_opened": len(faults), "faults_closed": closed,
            "faults_open": TerminalFault.objects.filter(ended_at__isnull=True).count()}
