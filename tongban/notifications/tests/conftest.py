"""A real SMTP server on loopback (aiosmtpd) that the tests mail to through Django's SMTP backend."""
from __future__ import annotations

import email
import email.policy
import socket
from email.header import decode_header, make_header

import pytest


class SMTPInbox:
    """What the loopback server received, as parsed messages (headers decoded)."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]

    @property
    def subjects(self) -> list[str]:
        """Decoded the way mail clients do (RFC 2047 words joined, the folding before them dropped)."""
        return [str(make_header(decode_header(email.message_from_bytes(e.content)["Subject"])))
                for e in self.envelopes]


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def user_factory(db):
    """Plain login users (no Staff record unless asked) for inbox tests."""
    from django.contrib.auth import get_user_model

    def make(username: str, email: str = "", **fields):
        return get_user_model().objects.create_user(username=username, email=email, password="x", **fields)

    return make
