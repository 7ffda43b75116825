"""Real servers on localhost that receive the alerts: an SMTP server (aiosmtpd)
and an HTTP server taking the webhook's JSON."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    port: int
    messages: list = field(default_factory=list)  # email.message.EmailMessage

    def env(self) -> dict[str, str]:
        return {
            "DIPROM_ALERT_SMTP_HOST": "127.0.0.1", "DIPROM_ALERT_SMTP_PORT": str(self.port),
            "DIPROM_ALERT_FROM": "warehouse@diprom.test", "DIPROM_ALERT_TO": "data-team@diprom.test",
        }  # fmt: skip

    def with_subject(self, text: str) -> list:
        return [m for m in self.messages if text in m["Subject"]]


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    mailbox = Mailbox(free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            mailbox.messages.append(email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@dataclass
class Hook:
    url: str
    payloads: list = field(default_factory=list)


@contextmanager
def webhook_server() -> Iterator[Hook]:
    port = free_port()
    hook = Hook(f"http://127.0.0.1:{port}/hook")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.payloads.append((self.headers["Content-Type"], json.loads(body.decode("utf-8"))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
