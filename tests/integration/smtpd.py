#!/usr/bin/python3
# A local SMTP server for the tests (Debian's python3-aiosmtpd): plain,
# STARTTLS or implicit TLS, optional AUTH, or a black hole that accepts TCP
# and never answers.  Each accepted message is saved as DIR/NNNN.eml (the
# bytes received) with DIR/NNNN.env (envelope, TLS, AUTH) beside it.
import argparse
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Saver:
    def __init__(self, directory):
        self.dir = directory
        self.n = 0

    def _write(self, name, data):
        tmp = os.path.join(self.dir, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.dir, name))

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        auth = session.auth_data if isinstance(session.auth_data, dict) else {}
        env = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "auth_mechanism": auth.get("mechanism"),
            "auth_user": auth.get("user"),
            "ehlo": session.host_name,
        }
        # .env first: a test that sees the .eml may read both.
        self._write("%04d.env" % self.n, json.dumps(env).encode() + b"\n")
        self._write("%04d.eml" % self.n, envelope.original_content)
        return "250 2.0.0 queued as %04d" % self.n


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        if (isinstance(auth_data, LoginPassword)
                and auth_data.login == user.encode()
                and auth_data.password == password.encode()):
            return AuthResult(success=True, auth_data={
                "mechanism": mechanism, "user": user})
        return AuthResult(success=False, handled=False)
    return check


async def black_hole(reader, writer):
    # Read and discard until the client gives up; never say a word.
    while await reader.read(4096):
        pass
    writer.close()


def tls_context(args):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    return ctx


def smtp_factory(args, loop):
    saver = Saver(args.dir)
    kw = {"hostname": "smtp.test", "loop": loop}
    if args.auth != "none":
        kw["authenticator"] = authenticator(args.user, args.password)
        kw["auth_required"] = True
        kw["auth_exclude_mechanism"] = {
            "plain": ["LOGIN"], "login": ["PLAIN"], "any": []}[args.auth]
    if args.mode == "starttls":
        kw["tls_context"] = tls_context(args)
        kw["require_starttls"] = True
    else:
        # Implicit TLS: aiosmtpd does not see that the socket is
        # encrypted; plain: a test of AUTH in clear text asked for it.
        kw["auth_require_tls"] = False
    return lambda: SMTP(saver, **kw)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="plain",
                    choices=["plain", "starttls", "tls", "blackhole"])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--auth", default="none",
                    choices=["none", "any", "plain", "login"])
    ap.add_argument("--user", default="alice")
    ap.add_argument("--password", default="s3cret")
    args = ap.parse_args()

    loop = asyncio.get_running_loop()
    if args.mode == "blackhole":
        server = await asyncio.start_server(black_hole, "127.0.0.1", 0)
    else:
        server = await loop.create_server(
            smtp_factory(args, loop), "127.0.0.1", 0,
            ssl=tls_context(args) if args.mode == "tls" else None)
    port = server.sockets[0].getsockname()[1]
    # Port 0 lets the kernel pick a free port: no race with other tests.
    with open(args.ready + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(args.ready + ".tmp", args.ready)
    print("READY %d" % port, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
