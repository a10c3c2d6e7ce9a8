#!/usr/bin/python3
"""Wait until a compose project is up: COUNT containers with the project's
label, each running and healthy (where it has a check) or exited 0.
usage: stack_poll.py SOCKET PROJECT COUNT TIMEOUT_S [--libpod]
One process, one unix-socket connection per poll, every 0.1 s. With
--libpod (Podman) each poll also runs the health check of the containers
that have one (GET /libpod/containers/NAME/healthcheck): Podman without
systemd runs no health checks by itself, so a runner that made the
containers with the podman CLI never sees them healthy otherwise.
Exit 0 when up, 1 on a non-zero exit or at the deadline (the state is
printed on stderr)."""
import http.client, json, socket, sys, time, urllib.parse

class Conn(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.path = path
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)

def get(sock, url):
    c = Conn(sock)
    try:
        c.request("GET", url)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()

def main():
    sock, project, count, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    libpod = "--libpod" in sys.argv[5:]
    flt = urllib.parse.quote(json.dumps({"label": ["com.docker.compose.project=" + project]}))
    deadline = time.monotonic() + timeout
    state = []
    while time.monotonic() < deadline:
        st, body = get(sock, "/v1.41/containers/json?all=1&filters=" + flt)
        rows = json.loads(body) if st == 200 else []
        state, done = [], len(rows) == count
        for r in rows:
            name = r["Names"][0].lstrip("/")
            status = r.get("Status", "")
            if r["State"] == "exited":
                if not status.startswith("Exited (0)"):
                    print("stack_poll: %s %s" % (name, status), file=sys.stderr)
                    return 1
                state.append((name, "exited 0"))
                continue
            if r["State"] != "running":
                done = False
                state.append((name, r["State"]))
                continue
            health = ""
            if libpod:
                st, hb = get(sock, "/v4.0.0/libpod/containers/%s/healthcheck" % name)
                if st == 200:
                    health = json.loads(hb).get("Status", "")
                elif st != 409:   # 409: the container has no health check
                    health = "starting"
            elif "(" in status:   # "Up 3 seconds (healthy)"
                health = status[status.rindex("(") + 1:].rstrip(")")
            if health and health != "healthy":
                done = False
            state.append((name, health or "running"))
        if done:
            return 0
        time.sleep(0.1)
    print("stack_poll: not up within %gs: %s" % (timeout, state), file=sys.stderr)
    return 1

sys.exit(main())
