#!/usr/bin/env python3
"""A fake Engine API on a unix socket, for the CLI's fault tests.

fake_engine.py SOCKET MODE
  silent   accept connections and never answer
  notjson  answer _ping like Docker, then reply to everything with a body
           that is not JSON
  truncate answer _ping, then send half a reply and close
Exits after 60 s at the latest so a failed test never leaves it behind."""
import os
import signal
import socket
import sys
import threading

path, mode = sys.argv[1], sys.argv[2]
signal.alarm(60)
try:
    os.unlink(path)
except FileNotFoundError:
    pass
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(8)

PING = (b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nServer: Docker/20.10.24 (linux)\r\n"
        b"Content-Length: 2\r\n\r\nOK")


def serve(conn):
    buf = b""
    held = []
    while True:
        data = conn.recv(65536)
        if not data:
            return
        buf += data
        while b"\r\n\r\n" in buf:
            head, buf = buf.split(b"\r\n\r\n", 1)
            line = head.split(b"\r\n", 1)[0]
            if mode == "silent":
                held.append(conn)
                continue
            if b"/_ping" in line:
                conn.sendall(PING)
            elif mode == "notjson":
                body = b"<html>this is not an engine</html>"
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[{\"Id\":")
                conn.close()
                return


while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
