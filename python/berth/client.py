"""The client: one connection pool to one engine endpoint."""
from __future__ import annotations

import json
import threading
import weakref
from typing import Any, Dict, List, Optional

from ._core import b, check, cs, ffi, lib, new_err, s
from .errors import Error, InvalidArgument

_ENGINES = {"auto": lib.BERTH_ENGINE_AUTO, "docker": lib.BERTH_ENGINE_DOCKER,
            "podman": lib.BERTH_ENGINE_PODMAN, "containerd": lib.BERTH_ENGINE_CONTAINERD}


def _engine_code(engine: str) -> int:
    try:
        return _ENGINES[engine.lower()]
    except (KeyError, AttributeError):
        raise InvalidArgument(f"unknown engine {engine!r}: one of auto, docker, podman, containerd",
                              code=lib.BERTH_EINVAL) from None


class Client:
    """A client of one engine: Docker, Podman or containerd.

    ``engine`` is "auto" (discover: Docker, then Podman, then containerd),
    "docker", "podman" or "containerd". ``host`` is an endpoint URI
    (``unix:///path``, ``tcp://host:port``) or a socket path; None
    discovers it as the ``berth`` CLI does (DOCKER_HOST, contexts,
    CONTAINER_HOST, CONTAINERD_ADDRESS, the default sockets). ``owner`` is
    written into berth's ownership labels of what the client creates.
    ``timeout`` is the default deadline of a request in seconds.

    A client may be shared by threads; every blocking call runs without the
    GIL. Use it as a context manager, or call :meth:`close`; streams still
    open on it are closed first.
    """

    def __init__(self, engine: str = "auto", host: Optional[str] = None, owner: Optional[str] = None,
                 timeout: Optional[float] = None, api_version: Optional[str] = None,
                 namespace: Optional[str] = None, connect_timeout: Optional[float] = None):
        opts = ffi.new("berth_client_options *")
        opts.version = lib.BERTH_CLIENT_OPTIONS_VERSION
        opts.engine = _engine_code(engine)
        keep = [cs(host), cs(owner), cs(api_version), cs(namespace)]
        opts.host, opts.owner, opts.api_version, opts.containerd_namespace = keep
        if timeout is not None:
            opts.timeout_ms = max(1, int(timeout * 1000))
        if connect_timeout is not None:
            opts.connect_timeout_ms = max(1, int(connect_timeout * 1000))
        out = ffi.new("berth_client **")
        err = new_err()
        check(lib.berth_client_open(out, opts, err), err)
        self._ptr = ffi.gc(out[0], lib.berth_client_free)
        self._streams: "weakref.WeakSet[Any]" = weakref.WeakSet()
        self._lock = threading.Lock()
        from .containers import ContainerCollection
        from .images import ImageCollection
        from .resources import NetworkCollection, VolumeCollection
        self.containers = ContainerCollection(self)
        self.images = ImageCollection(self)
        self.volumes = VolumeCollection(self)
        self.networks = NetworkCollection(self)

    # the C handle; raises once the client is closed
    @property
    def _c(self):
        p = self._ptr
        if p is None:
            raise Error("the client is closed")
        return p

    def _track(self, stream) -> None:
        with self._lock:
            self._streams.add(stream)

    def close(self) -> None:
        """Close the streams still open on this client, then the client and
        its connections. Closing twice is harmless."""
        with self._lock:
            streams = list(self._streams)
            self._streams.clear()
        for st in streams:
            st.close()
        p, self._ptr = self._ptr, None
        if p is not None:
            ffi.release(p)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<berth.Client closed>"
        return f"<berth.Client {self.engine} {self.endpoint}>"

    @property
    def engine(self) -> str:
        """The engine this client talks to: "docker", "podman" or "containerd"."""
        return s(lib.berth_engine_name(lib.berth_client_engine(self._c)))

    @property
    def endpoint(self) -> str:
        """The endpoint URI, e.g. "unix:///var/run/docker.sock"."""
        return s(lib.berth_client_endpoint(self._c))

    @property
    def api_version(self) -> str:
        """The negotiated Engine API version ("v1" on containerd)."""
        return s(lib.berth_client_api_version(self._c))

    @property
    def source(self) -> str:
        """Where the endpoint came from ("option", "DOCKER_HOST", ...)."""
        return s(lib.berth_client_source(self._c))

    def ping(self) -> bool:
        """Ask the engine whether it is alive: True, or an exception."""
        err = new_err()
        check(lib.berth_ping(self._c, err), err)
        return True

    def version(self) -> Dict[str, Any]:
        """The engine's version record (its reply as a dict: "Version",
        "ApiVersion", "Os", "Arch", ...)."""
        out = ffi.new("berth_version **")
        err = new_err()
        check(lib.berth_version_get(out, self._c, err), err)
        try:
            return json.loads(ffi.string(lib.berth_version_raw_json(out[0])))
        finally:
            lib.berth_version_free(out[0])

    def info(self) -> Dict[str, Any]:
        """The engine's system information as a dict."""
        out = ffi.new("berth_info **")
        err = new_err()
        check(lib.berth_info_get(out, self._c, err), err)
        try:
            return json.loads(ffi.string(lib.berth_info_raw_json(out[0])))
        finally:
            lib.berth_info_free(out[0])

    def detect(self, probe_all: bool = True) -> List[Dict[str, Any]]:
        """The endpoint candidates berth considers and what each said (see
        :func:`berth.detect`)."""
        return detect(probe_all=probe_all)

    def events(self, filters: Optional[Dict[str, Any]] = None, since: Any = None, until: Any = None,
               reconnect: bool = True, timeout: Optional[float] = None):
        """Watch the engine's events: an iterator of :class:`berth.Event`
        that is also a context manager (closing it cancels the watch).

        ``filters`` takes docker-py's keys: "container", "label", "type",
        "event" (actions such as "start", "die"). ``since``/``until`` are
        RFC 3339 text, Unix seconds (int/float) or a duration before now
        ("10m"); a datetime is accepted too. ``timeout`` (seconds) makes a
        read that waits longer raise :class:`berth.Timeout`.
        """
        from .streams import EventStream
        st = EventStream(self, filters=filters, since=since, until=until, reconnect=reconnect)
        st._timeout = timeout
        return st


def detect(engine: str = "auto", host: Optional[str] = None, probe_all: bool = True,
           timeout: Optional[float] = None) -> List[Dict[str, Any]]:
    """Find the engine endpoints of this machine without opening a client.

    Returns one dict per candidate, in the order berth tries them: source,
    endpoint, engine, verdict ("ok", "missing", ...), reason, server_version,
    api_version and chosen (True for the one a client would use).
    """
    opts = ffi.new("berth_detect_options *")
    opts.version = lib.BERTH_DETECT_OPTIONS_VERSION
    opts.engine = _engine_code(engine)
    h = cs(host)
    opts.host = h
    opts.probe_all = 1 if probe_all else 0
    if timeout is not None:
        opts.timeout_ms = max(1, int(timeout * 1000))
    out = ffi.new("berth_detection **")
    err = new_err()
    check(lib.berth_detect(out, opts, err), err)
    d = out[0]
    try:
        chosen = lib.berth_detection_chosen(d)
        return [{
            "source": s(lib.berth_detection_source(d, i)),
            "endpoint": s(lib.berth_detection_endpoint(d, i)),
            "engine": s(lib.berth_engine_name(lib.berth_detection_engine(d, i))),
            "verdict": s(lib.berth_verdict_name(lib.berth_detection_verdict(d, i))),
            "reason": s(lib.berth_detection_reason(d, i)),
            "server_version": s(lib.berth_detection_server_version(d, i)),
            "api_version": s(lib.berth_detection_api_version(d, i)),
            "chosen": i == chosen,
        } for i in range(lib.berth_detection_count(d))]
    finally:
        lib.berth_detection_free(d)


def in_container() -> bool:
    """Whether this process runs inside a container."""
    return bool(lib.berth_in_container())
