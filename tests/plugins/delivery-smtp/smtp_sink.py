#!/usr/bin/python3
"""A real SMTP server on loopback for the tests (Debian's python3-aiosmtpd).

smtp_sink.py OUTDIR [--tls CERT KEY] [--require-starttls] [--auth USER:PASSWORD]

Prints "PORT <n>" once it listens on 127.0.0.1 (a free port), then stores every message it
accepts as OUTDIR/<n>.eml (the raw bytes as received) and OUTDIR/<n>.json (the headers and
text as a mail client decodes them: from, to, subject, date, message-id, body, tls), and the number of SMTP sessions so far in
OUTDIR/sessions. Stops on SIGTERM.
"""
import email
import email.policy
import json
import signal
import socket
import ssl
import sys
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, out: Path):
        self.out = out
        self.count = 0
        self.sessions = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions.add(id(session))
        (self.out / "sessions").write_text(str(len(self.sessions)))
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content or envelope.content
        (self.out / f"{self.count}.eml").write_bytes(raw)
        # What a mail client shows: decoded headers and the decoded UTF-8 text.
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parsed = {k.lower(): str(msg[k]) for k in ("From", "To", "Subject", "Date", "Message-ID", "Content-Type")
                  if msg[k] is not None}
        parsed["body"] = msg.get_content() if not msg.is_multipart() else ""
        parsed["rcpt_tos"] = list(envelope.rcpt_tos)
        parsed["tls"] = session.ssl is not None
        (self.out / f"{self.count}.json").write_text(json.dumps(parsed, ensure_ascii=False), encoding="utf-8")
        return "250 Message accepted for delivery"


def main():
    args = sys.argv[1:]
    out = Path(args.pop(0))
    out.mkdir(parents=True, exist_ok=True)
    tls_context = None
    require_starttls = False
    auth = None
    while args:
        a = args.pop(0)
        if a == "--tls":
            cert, key = args.pop(0), args.pop(0)
            tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls_context.load_cert_chain(cert, key)
        elif a == "--require-starttls":
            require_starttls = True
        elif a == "--auth":
            auth = args.pop(0).split(":", 1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth is not None and \
            auth_data.login.decode() == auth[0] and auth_data.password.decode() == auth[1]
        return AuthResult(success=ok)

    kwargs = dict(hostname="127.0.0.1", port=port, tls_context=tls_context,
                  require_starttls=require_starttls, decode_data=False)
    if auth is not None:
        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=tls_context is not None)
    controller = Controller(Sink(out), **kwargs)
    controller.start()
    print(f"PORT {port}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
