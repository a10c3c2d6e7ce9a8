import os
import resource
import threading
import time

import pytest

import berth
from conftest import ENGINE, IMAGE, LABEL, RUN, name


def test_version_and_ping(client):
    assert client.ping() is True
    v = client.version()
    assert v.get("Version")
    assert client.engine == ENGINE
    assert client.endpoint.startswith("unix://")
    assert isinstance(berth.library_version, str)


def test_detect_and_in_container(client):
    found = berth.detect(engine=ENGINE, probe_all=False)
    assert any(d["chosen"] and d["verdict"] == "ok" for d in found)
    assert berth.in_container() in (True, False)


def test_errors_are_exceptions(client):
    with pytest.raises(berth.NotFound) as e:
        client.containers.get(name("missing"))
    assert isinstance(e.value, berth.Error)
    assert e.value.code == -1 and e.value.message
    with pytest.raises(berth.InvalidArgument):
        client.containers.get("")
    with pytest.raises(berth.NotFound):
        client.images.get("localhost/berth-test/no-such-image:none")
    with pytest.raises(berth.InvalidArgument):
        berth.Client(engine="nosuch")
    with pytest.raises(berth.Error):
        berth.Client(engine=ENGINE, host="unix:///nonexistent/berth.sock")


def test_run_list_get_logs_exec_wait_remove(client, sleeper):
    c = sleeper
    assert c.status == "running"
    assert c.labels["io.berth.test.run"] == RUN
    assert c.attrs["Id"] == c.id
    listed = client.containers.list(filters={"label": LABEL, "name": c.name})
    assert [x.id for x in listed] == [c.id]
    assert listed[0].status == "running"
    got = client.containers.get(c.name)
    assert got == c and got.name == c.name
    deadline = time.monotonic() + 10
    while b"err" not in c.logs() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert c.logs(stderr=False) == b"out\n"
    assert c.logs(stdout=False) == b"err\n"
    assert b"".join(c.logs(stream=True)) in (b"out\nerr\n", b"err\nout\n")
    r = c.exec_run(["sh", "-c", "echo hi; echo oops >&2; exit 3"])
    assert r.exit_code == 3 and sorted(r.output.splitlines()) == [b"hi", b"oops"]
    code, (out, err) = c.exec_run("sh -c 'echo a; echo b >&2'", demux=True)
    assert (code, out, err) == (0, b"a\n", b"b\n")
    assert c.exec_run(["sh", "-c", "echo $X"], environment={"X": "y"}).output == b"y\n"
    c.kill()
    res = c.wait(timeout=30)
    assert res["StatusCode"] == 137 and res["Error"] is None
    c.reload()
    assert c.status == "exited"
    c.remove()
    with pytest.raises(berth.NotFound):
        c.reload()


def test_run_attached(client):
    out = client.containers.run(IMAGE, "echo hello", name=name("attached"), labels={"io.berth.test.run": RUN},
                                remove=True)
    assert out == b"hello\n"
    with pytest.raises(berth.ContainerError) as e:
        client.containers.run(IMAGE, ["sh", "-c", "echo bad >&2; exit 4"], name=name("attached-fail"),
                              labels={"io.berth.test.run": RUN}, remove=True)
    assert e.value.exit_status == 4 and b"bad" in e.value.stderr


def test_create_start_stop_restart(client):
    c = client.containers.create(IMAGE, "sleep 300", name=name("created"), labels={"io.berth.test.run": RUN},
                                 environment=["A=1"])
    assert c.status == "created"
    c.start()
    c.reload()
    assert c.status == "running"
    c.restart(timeout=0)
    c.stop(timeout=0)
    c.reload()
    assert c.status == "exited"
    c.remove(v=True)


def test_exec_stdin(client, sleeper):
    r = sleeper.exec_run("cat", stdin=True)
    with r.output as st:
        st.write(b"through stdin\n")
        st.close_stdin()
        data = st.read_all()
    assert data == b"through stdin\n"
    assert st.exit_code == 0


def test_wait_ready_log_probe(client):
    c = client.containers.run(IMAGE, ["sh", "-c", "sleep 1; echo ready now; exec sleep 300"],
                              name=name("ready"), labels={"io.berth.test.run": RUN}, detach=True)
    try:
        res = c.wait_ready(timeout=30, probes=["log:ready now"])
        assert res.ready and res.probes[0][1]
    finally:
        c.remove(force=True)


def test_stats(client, sleeper):
    st = sleeper.stats()
    assert st["berth"]["memory_usage"] > 0
    with sleeper.stats(stream=True) as samples:
        first = next(samples)
        assert first["berth"]["memory_usage"] > 0 and first["berth"]["pids"] >= 1
    assert samples.closed


def test_events_see_a_start(client):
    with client.events(filters={"type": "container", "label": LABEL}, timeout=30) as events:
        c = client.containers.run(IMAGE, "sleep 300", name=name("events"), labels={"io.berth.test.run": RUN},
                                  detach=True)
        try:
            for ev in events:
                if ev.id == c.id and ev.kind == "started":
                    assert ev.type == "container" and ev.name == c.name
                    break
        finally:
            c.remove(force=True)
    assert events.closed


def test_stream_close_cancels(client, sleeper):
    st = sleeper.logs(follow=True)
    assert next(st) in (b"out\n", b"err\n")
    threading.Timer(0.5, st.close).start()
    t0 = time.monotonic()
    try:
        for _ in st:
            pass
    except berth.Cancelled:
        pass
    assert time.monotonic() - t0 < 5
    assert st.closed
    # and a cancel from another thread ends a blocked read with Cancelled
    st2 = sleeper.logs(follow=True, tail=0)
    threading.Timer(0.3, st2.cancel).start()
    with pytest.raises(berth.Cancelled):
        for _ in st2:
            pass


def test_client_close_closes_streams(client):
    other = berth.Client(engine=ENGINE)
    ev = other.events(filters={"label": LABEL})
    other.close()
    assert ev.closed
    with pytest.raises(berth.Error):
        other.ping()


def test_images_list_get(client):
    imgs = client.images.list()
    assert any(IMAGE in i.tags for i in imgs)
    img = client.images.get(IMAGE)
    assert IMAGE in img.tags and img.id
    assert img.attrs
    assert client.images.exists(IMAGE)
    target = f"localhost/berth-t-{RUN}/busybox:tagged"
    client.images.tag(IMAGE, f"localhost/berth-t-{RUN}/busybox", "tagged")
    try:
        assert target in client.images.get(target).tags
    finally:
        client.images.remove(target)
    with pytest.raises(berth.NotFound):
        client.images.get(target)


def test_volumes(client):
    v = client.volumes.create(name("vol"), labels={"io.berth.test.run": RUN})
    try:
        assert v.name == name("vol") and v.attrs["Labels"]["io.berth.test.run"] == RUN
        assert [x.name for x in client.volumes.list(filters={"label": LABEL})] == [v.name]
    finally:
        v.remove()
    with pytest.raises(berth.NotFound):
        client.volumes.get(v.name)


def test_networks(client):
    # containerd too: berth's own network store and CNI configuration
    n = client.networks.create(name("net"), labels={"io.berth.test.run": RUN})
    try:
        assert n.name == name("net")
        assert n.id in [x.id for x in client.networks.list(filters={"label": LABEL})]
    finally:
        n.remove()


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_no_leak_over_10k_calls(client, sleeper):
    def batch(n):
        for i in range(n):
            if i % 2:
                client.ping()
            elif i % 10 == 0:
                try:
                    client.containers.get(name("missing"))
                except berth.NotFound:
                    pass
            else:
                sleeper.reload()
    batch(1000)  # warm-up: pools, caches, interned strings
    before = _rss_kib()
    t0 = time.monotonic()
    batch(10000)
    spent = time.monotonic() - t0
    after = _rss_kib()
    print(f"RSS {before} KiB -> {after} KiB over 10000 calls in {spent:.1f} s")
    assert after - before < 4096


def test_ctrl_c_ends_a_blocked_follow(client, sleeper):
    import signal
    st = sleeper.logs(follow=True, tail=0)
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with st:
            for _ in st:
                pass
    assert time.monotonic() - t0 < 3
    assert st.closed


def test_blocking_calls_release_the_gil(client, sleeper):
    # a wait for the next exit is one C call that blocks; meanwhile this
    # thread must keep running Python code
    done = threading.Event()

    def waiter():
        try:
            sleeper.wait(condition="next-exit", timeout=3)
        except berth.Timeout:
            pass
        done.set()

    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.2)
    n = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < 0.5:
        n += 1
    assert not done.is_set()
    assert n > 10000
    t.join()
