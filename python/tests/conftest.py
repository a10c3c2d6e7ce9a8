"""Fixtures of the Python suite, and a TAP report for meson.

The engine comes from BERTH_TEST_ENGINE (docker, podman, containerd; default
docker). Everything a test makes is named berth-t-RUN-... and labelled
io.berth.test.run=RUN; the session removes exactly that at its end. When
BERTH_PY_TAP names a file, one TAP line per test is written there.
"""
import os

import pytest

import berth

ENGINE = os.environ.get("BERTH_TEST_ENGINE", "docker")
IMAGE = "localhost/berth-test/busybox:latest"
RUN = f"py{os.getpid()}"
LABEL = f"io.berth.test.run={RUN}"


def name(suffix: str) -> str:
    return f"berth-t-{RUN}-{suffix}"


@pytest.fixture(scope="session")
def client():
    try:
        c = berth.Client(engine=ENGINE)
        c.ping()
    except berth.Error as e:
        if os.environ.get("CI"):
            pytest.fail(f"engine {ENGINE} answers (required in CI): {e}")
        pytest.skip(f"engine {ENGINE} is not available: {e}")
    yield c
    try:
        for ct in c.containers.list(all=True, filters={"label": LABEL}):
            try:
                ct.remove(force=True)
            except berth.NotFound:
                pass
        for v in c.volumes.list(filters={"label": LABEL}):
            v.remove(force=True)
    finally:
        c.close()


@pytest.fixture
def sleeper(client, request):
    """A running busybox that sleeps, removed after the test."""
    c = client.containers.run(IMAGE, ["sh", "-c", "echo out; echo err >&2; exec sleep 300"],
                              name=name(request.node.name.replace("_", "-")[:40]),
                              labels={"io.berth.test.run": RUN}, detach=True, stop_timeout=1)
    yield c
    try:
        c.remove(force=True)
    except berth.NotFound:
        pass


_results = []


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _results.append(report)
    elif report.when == "teardown" and report.failed:
        _results.append(report)


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("BERTH_PY_TAP")
    if not path:
        return
    lines = []
    for i, r in enumerate(_results, 1):
        desc = f"{ENGINE}: {r.nodeid.split('::')[-1]}" + (" (teardown)" if r.when == "teardown" else "")
        if r.skipped:
            reason = r.longrepr[2] if isinstance(r.longrepr, tuple) else str(r.longrepr)
            lines.append(f"ok {i} - {desc} # SKIP {reason}")
        elif r.passed:
            lines.append(f"ok {i} - {desc}")
        else:
            lines.append(f"not ok {i} - {desc}")
    with open(path, "w") as f:
        f.write(f"1..{len(lines)}\n" + "".join(l + "\n" for l in lines))
