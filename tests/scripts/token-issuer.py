#!/usr/bin/python3
"""token-issuer.py - a small Bearer token service for the test registry.

    token-issuer.py --listen 127.0.0.1:5003 --key KEY.pem --cert CERT.pem \
        --issuer ISSUER --service SERVICE --user NAME --password-file FILE \
        [--public PREFIX]...

Speaks the token protocol of Docker's registry (distribution 2.8, `auth:
token:`): GET /token?service=S&scope=repository:NAME:pull,push (scope may
repeat, or hold several scopes separated by spaces) answers
{"token", "access_token", "expires_in", "issued_at"}, a JWT signed RS256
whose header carries the signing certificate (x5c), which the registry
checks against its rootcertbundle (the same certificate). POST /token with
an OAuth2 password grant (grant_type=password, username, password) is
answered the same way; a refresh token is refused.

Who gets what:
  - Basic credentials of NAME and the password in FILE: pull and push on any
    repository;
  - no credentials: pull on repositories under a --public prefix, nothing
    elsewhere (the registry then answers 401, as Docker Hub does);
  - any other credentials: 401, before a token is made.

Python's standard library and python3-cryptography only. Logs one line a
request on stderr, without credentials. For tests on 127.0.0.1 only.
"""
import argparse
import base64
import hmac
import json
import os
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

LIFETIME = 300


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Issuer:
    def __init__(self, args):
        with open(args.key, "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), password=None)
        with open(args.cert, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        self.x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
        self.issuer = args.issuer
        self.service = args.service
        self.user = args.user
        self.password_file = args.password_file
        self.public = args.public or []

    def password(self):
        # read on each request: provisioning may make a new one
        with open(self.password_file, "rb") as f:
            return f.read().strip()

    def check(self, user, secret):
        """True for the test user, False for anybody else."""
        ok_user = hmac.compare_digest(user.encode(), self.user.encode())
        ok_secret = hmac.compare_digest(secret.encode(), self.password())
        return ok_user and ok_secret

    def grant(self, scopes, authenticated):
        access = []
        for scope in scopes:
            parts = scope.split(":")
            if len(parts) < 3 or parts[0] != "repository":
                continue
            name, actions = ":".join(parts[1:-1]), parts[-1].split(",")
            if authenticated:
                allowed = [a for a in actions if a in ("pull", "push", "delete", "*")]
            elif any(name.startswith(p) for p in self.public):
                allowed = [a for a in actions if a == "pull"]
            else:
                allowed = []
            if allowed:
                access.append({"type": "repository", "name": name, "actions": allowed})
        return access

    def token(self, subject, access):
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": self.x5c}
        claims = {"iss": self.issuer, "sub": subject, "aud": self.service, "exp": now + LIFETIME,
                  "nbf": now - 10, "iat": now, "jti": b64url(os.urandom(12)), "access": access}
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                         b64url(json.dumps(claims, separators=(",", ":")).encode()))
        sig = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        tok = signing_input + "." + b64url(sig)
        return {"token": tok, "access_token": tok, "expires_in": LIFETIME,
                "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}


class Handler(BaseHTTPRequestHandler):
    server_version = "berth-token-issuer"
    issuer = None

    def log_message(self, fmt, *args):
        # the request line carries no secret (credentials travel in headers
        # or in a POST body)
        sys.stderr.write("%s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))

    def reply(self, code, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def denied(self, why):
        self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": why}]},
                   {"WWW-Authenticate": 'Basic realm="berth-test token issuer"'})

    def basic(self):
        """(user, secret) from the Authorization header, None when absent,
        False when malformed."""
        h = self.headers.get("Authorization")
        if not h:
            return None
        kind, _, value = h.partition(" ")
        if kind.lower() != "basic":
            return False
        try:
            user, sep, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return (user, secret) if sep else False

    def answer(self, query, creds):
        service = query.get("service", [""])[0]
        if service and service != self.issuer.service:
            return self.reply(400, {"errors": [{"code": "DENIED", "message": "unknown service %s" % service}]})
        scopes = [s for v in query.get("scope", []) for s in v.split(" ") if s]
        if creds is False or (creds and not self.issuer.check(*creds)):
            return self.denied("wrong user name or password")
        subject = creds[0] if creds else ""
        self.reply(200, self.issuer.token(subject, self.issuer.grant(scopes, creds is not None)))

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/token":
            return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "no such path"}]})
        self.answer(urllib.parse.parse_qs(url.query), self.basic())

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/token":
            return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "no such path"}]})
        n = int(self.headers.get("Content-Length") or 0)
        if n > 65536:
            return self.reply(413, {"errors": [{"code": "TOO_LARGE", "message": "request too large"}]})
        form = urllib.parse.parse_qs(self.rfile.read(n).decode(errors="replace"))
        grant = form.get("grant_type", [""])[0]
        if grant != "password":
            return self.reply(400, {"error": "unsupported_grant_type"})
        creds = (form.get("username", [""])[0], form.get("password", [""])[0])
        self.answer(form, creds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", default="127.0.0.1:5003")
    ap.add_argument("--key", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--issuer", required=True)
    ap.add_argument("--service", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--public", action="append", help="repository prefix anonymous users may pull")
    args = ap.parse_args()
    host, _, port = args.listen.rpartition(":")
    Handler.issuer = Issuer(args)
    ThreadingHTTPServer.daemon_threads = True
    srv = ThreadingHTTPServer((host.strip("[]"), int(port)), Handler)
    sys.stderr.write("token issuer for %s on %s\n" % (args.service, args.listen))
    srv.serve_forever()


if __name__ == "__main__":
    main()
