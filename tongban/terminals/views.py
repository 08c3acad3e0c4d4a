"""The terminals page: each township's terminal, its last heartbeat, open and recent faults."""
from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.org.scopes import get_visible_or_404, scope_for
from tongban.terminals import selectors, services
from tongban.terminals.models import Terminal, TerminalFault, TerminalSettings

RECENT_DAYS = 31


@login_required
def terminal_list(request):
    if not request.user.has_perm("terminals.view_terminals"):
        raise PermissionDenied
    terminals = list(selectors.visible_terminals(request.user))
    for terminal in terminals:
        terminal.state = selectors.state_of(terminal)
        terminal.state_label, terminal.state_color = selectors.STATE_LABELS[terminal.state], selectors.STATE_COLORS[terminal.state]
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    faults = selectors.faults_between(since, timezone.now() + timedelta(days=1),
                                      TerminalFault.objects.visible_to(request.user))
    return render(request, "terminals/list.html", {
        "terminals": terminals, "faults": faults, "settings": TerminalSettings.load(), "recent_days": RECENT_DAYS,
        "scope": scope_for(request.user),
        "new_token": request.session.pop("terminal_token", None),
    })


@login_required
@require_POST
def issue_token(request, pk: int):
    if not request.user.has_perm("terminals.issue_token"):
        raise PermissionDenied
    terminal = get_visible_or_404(Terminal, request.user, pk=pk)
    key = services.issue_token(terminal, by=request.user)
    request.session["terminal_token"] = {"terminal": terminal.name, "code": terminal.code, "key": key}
    messages.success(request, f"已为{terminal.name}生成新令牌，旧令牌随即作废。")
    return redirect("terminals:list")
