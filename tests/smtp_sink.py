"""A tiny SMTP server on 127.0.0.1 for tests: it accepts every message and keeps it.

Enough of RFC 5321 for `smtplib` (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT);
no TLS, no authentication. Messages are parsed with the standard `email` package.
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    """One message as the server received it: the envelope and the parsed message."""

    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpSink:
    """A running sink: where it listens and what it has received."""

    host: str
    port: int
    received: list[Received] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        self._reply("220 sink ready")
        sender, recipients = "", []
        while line := self.rfile.readline():
            verb, _, argument = line.decode("ascii", "replace").strip().partition(" ")
            verb = verb.upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 sink")
            elif verb == "MAIL":
                sender, recipients = _address(argument), []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(_address(argument))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 end with <CRLF>.<CRLF>")
                sink.received.append(Received(sender, recipients, self._read_data()))
                self._reply("250 OK")
            elif verb in ("RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("502 not implemented")

    def _read_data(self) -> EmailMessage:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
            # Undo the dot-stuffing of RFC 5321 section 4.5.2.
            lines.append(line[1:] if line.startswith(b"..") else line)
        return message_from_bytes(b"".join(lines), policy=policy.default)  # type: ignore[return-value]

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")
        self.wfile.flush()


def _address(argument: str) -> str:
    """`FROM:<a@b> SIZE=10` -> `a@b`."""
    start, end = argument.find("<"), argument.find(">")
    return argument[start + 1 : end]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class running_sink:
    """Context manager: an SMTP sink on a free port of 127.0.0.1, served from a thread."""

    def __enter__(self) -> SmtpSink:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        host, port = self._server.server_address[:2]
        self._server.sink = SmtpSink(host, port)  # type: ignore[attr-defined]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self._server.sink  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
