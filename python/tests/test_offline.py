"""What needs no engine: error classes, argument checks, the spec builder."""
import pytest

import berth
from berth.containers import _build_spec


def test_error_classes_follow_the_codes():
    codes = {berth.NotFound: -1, berth.Exists: -2, berth.Conflict: -3, berth.Already: -4, berth.Timeout: -5,
             berth.Unavailable: -6, berth.PermissionDenied: -7, berth.Unsupported: -8, berth.EngineError: -9,
             berth.ProtocolError: -10, berth.InvalidArgument: -11, berth.NoMemory: -12, berth.Cancelled: -13}
    for cls, code in codes.items():
        assert cls.code == code and berth.error_class(code) is cls and issubclass(cls, berth.Error)
    assert berth.error_class(-99) is berth.Error


def test_missing_socket_is_not_found():
    with pytest.raises(berth.NotFound) as e:
        berth.Client(engine="docker", host="unix:///nonexistent/berth.sock")
    assert "nonexistent" in e.value.message


def test_spec_arguments_are_checked_before_any_request():
    _build_spec("localhost/berth-test/busybox:latest", "sleep 1", name="berth-t-offline",
                environment={"A": "b"}, labels=["k=v"], ports={"80/tcp": ("127.0.0.1", 8080), "53/udp": None},
                volumes={"/tmp": {"bind": "/h", "mode": "ro"}, "vol1": {"bind": "/v"}},
                restart_policy={"Name": "on-failure", "MaximumRetryCount": 3},
                healthcheck={"test": ["CMD", "true"], "interval": 1_000_000_000}, mem_limit="64m",
                tmpfs={"/run": "size=1m"})
    with pytest.raises(berth.InvalidArgument):
        _build_spec("busybox", ports={"80/tcp": 99999})
    with pytest.raises(berth.InvalidArgument):
        _build_spec("busybox", name="x")
    with pytest.raises(berth.InvalidArgument):
        _build_spec("busybox", restart_policy="sometimes")
    with pytest.raises(TypeError):
        _build_spec("busybox", no_such_argument=1)
    with pytest.raises(berth.InvalidArgument):
        _build_spec("busy\0box")
