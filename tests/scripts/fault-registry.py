#!/usr/bin/env python3
"""fault-registry.py - a registry front that injects faults, for tests.

    fault-registry.py PORT UPSTREAM MODE

Listens on 127.0.0.1:PORT (plain HTTP) and answers the distribution API by
asking the real registry at UPSTREAM (host:port, plain HTTP). /v2/ and
configs pass through. An image manifest is rewritten: each layer gets a
digest of its own, made up for this server's run (so no store has it
yet), and the manifest its new digest. A GET of such a layer fetches the
real blob and, as MODE says:

    corrupt   sends it whole: its bytes do not hash to the digest asked for
    die       sends half of it, then closes the connection
    ok        sends it whole too (the same as corrupt: the digest is made up)

and in MODE foreign, a tag's manifest comes wrapped in an index that
offers it for linux/arm64 only (a manifest for another platform).

Prints "ready" on stdout once it listens. Stop it with a signal.
"""
import hashlib
import http.client
import http.server
import json
import os
import sys
import threading

PORT, UPSTREAM, MODE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
SALT = os.urandom(16)
LOCK = threading.Lock()
FAKE = {}       # made-up layer digest -> the real one
MANIFESTS = {}  # digest -> (content type, bytes) of rewritten manifests


def upstream(method, path, headers):
    conn = http.client.HTTPConnection(UPSTREAM, timeout=30)
    conn.request(method, path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def rewrite(body):
    m = json.loads(body)
    for layer in m.get('layers', []):
        real = layer['digest']
        fake = 'sha256:' + hashlib.sha256(SALT + real.encode()).hexdigest()
        with LOCK:
            FAKE[fake] = real
        layer['digest'] = fake
    return json.dumps(m).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def send_body(self, status, headers, body):
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in ('content-length', 'connection', 'transfer-encoding', 'date'):
                self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def handle_any(self):
        repo_path = self.path.split('/manifests/')[0].split('/blobs/')[0]
        if '/manifests/' in self.path:
            ref = self.path.split('/manifests/')[1]
            with LOCK:
                kept = MANIFESTS.get(ref)
            if kept:
                ctype, body = kept
            else:
                fwd = {k: v for k, v in self.headers.items() if k.lower() == 'accept'}
                resp, body = upstream('GET', self.path, fwd)
                if resp.status != 200:
                    self.send_body(resp.status, resp.getheaders(), body)
                    return
                ctype = resp.getheader('Content-Type', '')
                if MODE == 'foreign' and 'index' not in ctype and 'list' not in ctype:
                    inner = 'sha256:' + hashlib.sha256(body).hexdigest()
                    with LOCK:
                        MANIFESTS[inner] = (ctype, body)
                    ctype = 'application/vnd.oci.image.index.v1+json'
                    body = json.dumps({'schemaVersion': 2, 'mediaType': ctype, 'manifests': [
                        {'mediaType': resp.getheader('Content-Type', ''), 'digest': inner, 'size': len(body),
                         'platform': {'os': 'linux', 'architecture': 'arm64', 'variant': 'v8'}}]}).encode()
                elif 'index' not in ctype and 'list' not in ctype:
                    body = rewrite(body)
            digest = 'sha256:' + hashlib.sha256(body).hexdigest()
            with LOCK:
                MANIFESTS[digest] = (ctype, body)
            self.send_body(200, [('Content-Type', ctype), ('Docker-Content-Digest', digest)], body)
            return
        if '/blobs/' in self.path:
            digest = self.path.split('/blobs/')[1]
            with LOCK:
                real = FAKE.get(digest)
            if real:
                resp, body = upstream('GET', repo_path + '/blobs/' + real, {})
                if MODE == 'die' and resp.status == 200:
                    self.send_response(200)
                    self.send_header('Content-Type', 'application/octet-stream')
                    self.send_header('Content-Length', str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[:len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.send_body(resp.status, [('Content-Type', 'application/octet-stream')], body)
                return
        resp, body = upstream(self.command, self.path, {})
        self.send_body(resp.status, resp.getheaders(), body)

    do_GET = handle_any
    do_HEAD = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(('127.0.0.1', PORT), Handler)
print('ready', flush=True)
srv.serve_forever()
