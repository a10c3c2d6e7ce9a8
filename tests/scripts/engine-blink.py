#!/usr/bin/env python3
"""An engine that restarts in the middle of a client's work, for fault tests.

engine-blink.py LISTEN_SOCKET ENGINE_SOCKET AFTER DOWN_SECONDS

Passes connections on LISTEN_SOCKET through to ENGINE_SOCKET byte for byte.
Once AFTER requests that create a container have gone through, it drops
every connection and refuses new ones for DOWN_SECONDS (the socket is gone,
as while an engine restarts), then passes through again. Exits after 120 s
at the latest so a failed test never leaves it behind."""
import os
import signal
import socket
import sys
import threading
import time

listen_path, engine_path, after, down_s = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
signal.alarm(120)

lock = threading.Lock()
creates = 0
conns = []
blinked = False


def close_all():
    with lock:
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()
        conns.clear()


def pump(src, dst, count):
    global creates, blinked
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if count and b"/containers/create" in data:
                with lock:
                    creates += 1
                    trip = creates > after and not blinked
                    if trip:
                        blinked = True
                if trip:
                    threading.Thread(target=blink, daemon=True).start()
                    return
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def blink():
    global srv
    close_all()
    srv.close()
    try:
        os.unlink(listen_path)
    except FileNotFoundError:
        pass
    time.sleep(down_s)
    srv = listen()


def listen():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(listen_path)
    s.listen(16)
    threading.Thread(target=accept, args=(s,), daemon=True).start()
    return s


def accept(s):
    while True:
        try:
            client, _ = s.accept()
        except OSError:
            return
        engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            engine.connect(engine_path)
        except OSError:
            client.close()
            continue
        with lock:
            conns.extend((client, engine))
        threading.Thread(target=pump, args=(client, engine, True), daemon=True).start()
        threading.Thread(target=pump, args=(engine, client, False), daemon=True).start()


try:
    os.unlink(listen_path)
except FileNotFoundError:
    pass
srv = listen()
while True:
    time.sleep(1)
