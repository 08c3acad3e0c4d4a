"""The heartbeat's own authentication: `Authorization: Terminal <key>`, a token that belongs to one terminal
(not to a person: a staff API token is refused here, and a terminal token is accepted nowhere else)."""
from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions

KEYWORD = "Terminal"


class TerminalUser(AnonymousUser):
    """What `request.user` is for a terminal: authenticated as the terminal, with no person's scope."""

    def __init__(self, terminal) -> None:
        super().__init__()
        self.terminal = terminal

    @property
    def is_authenticated(self) -> bool:
        return True

    def __str__(self) -> str:
        return str(self.terminal)


class TerminalTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        from tongban.terminals.services import terminal_for_token

        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("终端令牌格式不正确：应为 “Authorization: Terminal <令牌>”。")
        terminal = terminal_for_token(parts[1].decode("latin-1"))
        if terminal is None:
            raise exceptions.AuthenticationFailed("终端令牌无效或终端已停用，请向中心信息股重新领取令牌。")
        return TerminalUser(terminal), terminal

    def authenticate_header(self, request) -> str:
        return KEYWORD
