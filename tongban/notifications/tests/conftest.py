"""A real SMTP server on loopback (aiosmtpd) that the tests mail to through Django's SMTP backend."""
from __future__ import annotations

import email
import json
import email.policy
import socket
from email.header import decode_header, make_header

import pytest

from tongban.jobs.tests.conftest import huey_immediate  # noqa: F401  (a fixture: tasks run in this process)


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


class FakeChannelServer:
    """A real HTTP server on 127.0.0.1 standing in for 企业微信 / 钉钉 / an SMS gateway: it records each request
    (path with query, headers, JSON body) and answers what the test tells it per path (default 200 errcode 0)."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[dict] = []
        self.answers: dict[str, tuple[int, dict | str]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                path = self.path.split("?")[0]
                server.requests.append({"path": path, "url": self.path, "headers": dict(self.headers),
                                        "json": json.loads(raw.decode()) if raw else None})
                status, body = server.answers.get(path, (200, {"errcode": 0, "errmsg": "ok"}))
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def channel_server():
    server = FakeChannelServer()
    try:
        yield server
    finally:
        server.close()
