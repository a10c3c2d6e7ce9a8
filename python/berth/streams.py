"""Streams: logs, exec and attach I/O, events, stats, pull progress.

Every stream is an iterator and a context manager over one C
``berth_stream``. Leaving the ``with`` block, calling :meth:`Stream.close`
or dropping the last reference cancels what is still in flight (the
connection is closed, never reused half-read). A stream keeps its client
alive; closing the client closes its streams first.

Reading waits in slices of at most 100 ms without the GIL, so other
threads run meanwhile and Ctrl-C (KeyboardInterrupt) ends a blocked
follow within about that long.
"""
from __future__ import annotations

import datetime as _dt
import json
import threading
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ._core import CStrings, ETIMEDOUT, ITEROVER, b, check, cs, ffi, label_list, lib, new_err, raise_err, s

_SLICE_MS = 100


def time_arg(t: Any) -> Optional[str]:
    """since/until as text berth parses: str as is, numbers as Unix
    seconds, datetimes as RFC 3339."""
    if t is None:
        return None
    if isinstance(t, _dt.datetime):
        if t.tzinfo is None:
            t = t.astimezone()
        return t.isoformat()
    if isinstance(t, (int, float)):
        return repr(float(t)) if isinstance(t, float) else str(t)
    return str(t)


class Stream:
    """Base of every stream: reads frames until the end."""

    def __init__(self, client, ptr, timeout: Optional[float] = None):
        self._client = client  # keeps the client (and its C handle) alive
        self._ptr = ffi.gc(ptr, lib.berth_stream_free)
        self._frame = ffi.new("berth_frame *")
        self._err = new_err()
        self._timeout = timeout
        self._lock = threading.Lock()
        client._track(self)

    @property
    def closed(self) -> bool:
        return self._ptr is None

    def cancel(self) -> None:
        """Make a pending or the next read end with :class:`berth.Cancelled`.
        Safe from another thread."""
        p = self._ptr
        if p is not None:
            lib.berth_stream_cancel(p)

    def close(self) -> None:
        """Cancel and release the stream (idempotent)."""
        p = self._ptr
        if p is None:
            return
        lib.berth_stream_cancel(p)
        with self._lock:  # waits for a read in progress to notice the cancel
            p, self._ptr = self._ptr, None
            if p is not None:
                ffi.release(p)

    def fileno(self) -> int:
        """A descriptor that polls readable when a read may have news (-1: none)."""
        p = self._ptr
        return -1 if p is None else lib.berth_stream_fd(p)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __iter__(self):
        return self

    def _next_frame(self) -> bool:
        """Read one frame into self._frame: True, or False at the end."""
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        while True:
            with self._lock:
                p = self._ptr
                if p is None:
                    return False
                rc = lib.berth_stream_next(p, self._frame, _SLICE_MS, self._err)
            if rc == 0:
                return True
            if rc == ITEROVER:
                self.close()
                return False
            if rc != ETIMEDOUT:
                self.close()
                raise_err(rc, self._err)
            # a slice passed: Python runs signal handlers here (Ctrl-C)
            if deadline is not None and time.monotonic() >= deadline:
                from .errors import Timeout
                raise Timeout("no frame within the stream's timeout", code=lib.BERTH_ETIMEDOUT)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class ByteStream(Stream):
    """Logs, exec and attach output: yields bytes chunks.

    With ``demux`` the items are (stdout, stderr) pairs with one side None;
    with ``with_channel`` they are (channel, bytes) with channel 1 for
    stdout and 2 for stderr."""

    def __init__(self, client, ptr, demux: bool = False, timeout: Optional[float] = None,
                 timestamps: bool = False):
        super().__init__(client, ptr, timeout)
        self._demux = demux
        self._timestamps = timestamps

    def __next__(self):
        if not self._next_frame():
            raise StopIteration
        f = self._frame
        data = ffi.unpack(f.data, f.len)
        if self._timestamps and f.time_ns:
            ts = _dt.datetime.fromtimestamp(f.time_ns // 1_000_000_000, _dt.timezone.utc)
            stamp = ts.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ " % (f.time_ns % 1_000_000_000)
            data = stamp.encode() + data
        if self._demux:
            return (data, None) if f.channel != lib.BERTH_CHANNEL_STDERR else (None, data)
        return data

    def frames(self) -> Iterator[Tuple[int, int, bytes]]:
        """(channel, time_ns, bytes) for each frame: 1 stdout, 2 stderr."""
        while self._next_frame():
            f = self._frame
            yield int(f.channel), int(f.time_ns), ffi.unpack(f.data, f.len)

    def read_all(self) -> bytes:
        """Everything up to the end, as one bytes."""
        parts: List[bytes] = []
        while self._next_frame():
            f = self._frame
            parts.append(ffi.unpack(f.data, f.len))
        return b"".join(parts)


class ExecStream(ByteStream):
    """An exec's or attach's output, with its stdin when asked for.

    ``write(data)`` feeds stdin, ``close_stdin()`` half-closes it (the
    process reads end of file), ``resize(rows, cols)`` resizes a TTY;
    ``exit_code`` (exec only) waits for the recorded exit status once the
    output has ended."""

    def __init__(self, client, ptr, exec_id: Optional[str], demux: bool = False):
        super().__init__(client, ptr, demux)
        self.exec_id = exec_id

    def _p(self):
        p = self._ptr
        if p is None:
            from .errors import Error
            raise Error("the stream is closed")
        return p

    def write(self, data: bytes, timeout: Optional[float] = None) -> int:
        if isinstance(data, str):
            data = data.encode()
        err = new_err()
        check(lib.berth_stream_write(self._p(), data, len(data), -1 if timeout is None else int(timeout * 1000), err), err)
        return len(data)

    def close_stdin(self) -> None:
        err = new_err()
        check(lib.berth_stream_close_stdin(self._p(), err), err)

    def resize(self, rows: int, cols: int) -> None:
        err = new_err()
        check(lib.berth_stream_resize(self._p(), rows, cols, err), err)

    @property
    def exit_code(self) -> Optional[int]:
        if not self.exec_id:
            return None
        code = ffi.new("int *")
        err = new_err()
        check(lib.berth_exec_exit_code(code, self._client._c, b(self.exec_id), 0, err), err)
        return code[0]


class Event:
    """One engine event, normalized across engines.

    ``kind`` is berth's word ("created", "started", "died", "health",
    "destroyed", ..., "other"); ``type`` and ``action`` are the engine's
    ("container", "start"); ``raw`` is the JSON line the engine sent (in
    Docker's shape on every engine) as a dict. Indexing an Event reads
    ``raw``, as docker-py's decoded events are read."""

    __slots__ = ("kind", "type", "action", "id", "name", "image", "time_ns", "exit_code",
                 "attributes", "synthesized", "raw")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))

    def __getitem__(self, key):
        return self.raw[key]

    def get(self, key, default=None):
        return (self.raw or {}).get(key, default)

    def __repr__(self) -> str:
        return f"<berth.Event {self.kind} {self.type}/{self.action} {self.name or self.id}>"


class EventStream(Stream):
    """The engine's events as :class:`Event` objects (see Client.events)."""

    def __init__(self, client, filters=None, since=None, until=None, reconnect=True):
        filters = dict(filters or {})
        opts = ffi.new("berth_events_options *")
        opts.version = lib.BERTH_EVENTS_OPTIONS_VERSION

        def listed(key):
            v = filters.pop(key, None)
            if v is None:
                return []
            return [v] if isinstance(v, str) else list(v)

        keep = [CStrings(listed("container")), CStrings(label_list(filters.pop("label", None))),
                CStrings(listed("type")), CStrings(listed("event") + listed("action"))]
        if filters:
            from .errors import InvalidArgument
            raise InvalidArgument(f"unknown event filter(s): {', '.join(filters)}", code=lib.BERTH_EINVAL)
        opts.containers, opts.container_count = keep[0].ptr, keep[0].count
        opts.labels, opts.label_count = keep[1].ptr, keep[1].count
        opts.types, opts.type_count = keep[2].ptr, keep[2].count
        opts.actions, opts.action_count = keep[3].ptr, keep[3].count
        since_b, until_b = cs(time_arg(since)), cs(time_arg(until))
        opts.since, opts.until = since_b, until_b
        opts.no_reconnect = 0 if reconnect else 1
        out = ffi.new("berth_stream **")
        err = new_err()
        check(lib.berth_events_watch(out, client._c, opts, err), err)
        super().__init__(client, out[0])

    def __next__(self) -> Event:
        if not self._next_frame():
            raise StopIteration
        f = self._frame
        ev = ffi.cast("const berth_event *", f.item)
        raw: Dict[str, Any] = {}
        if f.channel != lib.BERTH_CHANNEL_SYSTEM and f.len:
            try:
                raw = json.loads(ffi.unpack(f.data, f.len))
            except ValueError:
                raw = {}
        if ev == ffi.NULL:
            return Event(kind="other", raw=raw, attributes={})
        return Event(
            kind=s(lib.berth_event_kind_name(lib.berth_event_get_kind(ev))),
            type=s(lib.berth_event_type(ev)), action=s(lib.berth_event_action(ev)),
            id=s(lib.berth_event_id(ev)), name=s(lib.berth_event_name(ev)), image=s(lib.berth_event_image(ev)),
            time_ns=int(lib.berth_event_time_ns(ev)), exit_code=int(lib.berth_event_exit_code(ev)),
            attributes={s(lib.berth_event_attribute_key(ev, i)): s(lib.berth_event_attribute_value(ev, i))
                        for i in range(lib.berth_event_attribute_count(ev))},
            synthesized=bool(lib.berth_event_synthesized(ev)), raw=raw)


def stats_dict(st) -> Dict[str, Any]:
    """A stats sample: the engine's JSON as a dict, plus berth's normalized
    numbers under the key "berth"."""
    raw = lib.berth_stats_raw_json(st)
    d: Dict[str, Any] = {}
    if raw != ffi.NULL:
        try:
            d = json.loads(ffi.string(raw))
        except ValueError:
            d = {}
    d["berth"] = {
        "time_ns": int(lib.berth_stats_time_ns(st)),
        "cpu_percent": float(lib.berth_stats_cpu_percent(st)),
        "online_cpus": int(lib.berth_stats_online_cpus(st)),
        "memory_usage": int(lib.berth_stats_memory_usage(st)),
        "memory_limit": int(lib.berth_stats_memory_limit(st)),
        "memory_percent": float(lib.berth_stats_memory_percent(st)),
        "net_rx": int(lib.berth_stats_net_rx(st)), "net_tx": int(lib.berth_stats_net_tx(st)),
        "block_read": int(lib.berth_stats_block_read(st)), "block_write": int(lib.berth_stats_block_write(st)),
        "pids": int(lib.berth_stats_pids(st)),
    }
    return d


class StatsStream(Stream):
    """Live stats samples (dicts as :meth:`Container.stats` returns)."""

    def __next__(self) -> Dict[str, Any]:
        if not self._next_frame():
            raise StopIteration
        return stats_dict(ffi.cast("const berth_stats *", self._frame.item))


class ProgressStream(Stream):
    """A pull's or push's progress: dicts with phase, layer, current,
    total, message, digest and image_id (current/total are -1 where the
    engine does not say)."""

    def __init__(self, client, ptr, ref: str):
        super().__init__(client, ptr)
        self.ref = ref
        self.digest = ""
        self.image_id = ""

    def __next__(self) -> Dict[str, Any]:
        if not self._next_frame():
            raise StopIteration
        p = ffi.cast("const berth_image_progress *", self._frame.item)
        d = {"phase": s(lib.berth_progress_phase_name(lib.berth_image_progress_phase(p))),
             "layer": s(lib.berth_image_progress_layer(p)),
             "current": int(lib.berth_image_progress_current(p)),
             "total": int(lib.berth_image_progress_total(p)),
             "message": s(lib.berth_image_progress_message(p)),
             "digest": s(lib.berth_image_progress_digest(p)),
             "image_id": s(lib.berth_image_progress_image_id(p))}
        if d["digest"]:
            self.digest = d["digest"]
        if d["image_id"]:
            self.image_id = d["image_id"]
        return d

    def wait(self) -> "ProgressStream":
        """Read to the end (raising the transfer's error, if any)."""
        for _ in self:
            pass
        return self
