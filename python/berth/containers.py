"""Containers: run, create, get, list, and what a Container can do."""
from __future__ import annotations

import json
import os
import shlex
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Union

from ._core import (CStrings, b, check, cs, ffi, label_filters, label_list, lib, new_err, raise_err, s,
                    split_kv, take_string)
from .errors import ContainerError, Error, InvalidArgument, NotFound, Timeout
from .streams import ByteStream, ExecStream, StatsStream, stats_dict, time_arg

_STATES = {"created": lib.BERTH_STATE_CREATED, "running": lib.BERTH_STATE_RUNNING,
           "paused": lib.BERTH_STATE_PAUSED, "restarting": lib.BERTH_STATE_RESTARTING,
           "removing": lib.BERTH_STATE_REMOVING, "exited": lib.BERTH_STATE_EXITED,
           "dead": lib.BERTH_STATE_DEAD}
_PROTOS = {"tcp": lib.BERTH_PROTO_TCP, "udp": lib.BERTH_PROTO_UDP, "sctp": lib.BERTH_PROTO_SCTP}


class ExecResult(NamedTuple):
    """What exec_run returns: the exit code (None while streaming) and the
    output (bytes, a (stdout, stderr) pair with demux, or an iterator)."""
    exit_code: Optional[int]
    output: Any


def _einval(msg: str) -> InvalidArgument:
    return InvalidArgument(msg, code=lib.BERTH_EINVAL)


def _argv(cmd: Union[str, Sequence[str], None]) -> Optional[List[str]]:
    if cmd is None:
        return None
    if isinstance(cmd, (str, bytes)):
        return shlex.split(cmd.decode() if isinstance(cmd, bytes) else cmd)
    return [str(x) for x in cmd]


def _env_items(environment) -> List[str]:
    if not environment:
        return []
    if isinstance(environment, Mapping):
        return [f"{k}={v}" for k, v in environment.items()]
    return [str(x) for x in environment]


class Container:
    """A container as last seen by :meth:`reload` (or by the list that made
    it). ``attrs`` is the engine's inspect record as a dict (on containerd
    berth's own record, with "Id", "Name" and "State" added from berth's
    view); the other properties are berth's normalized view."""

    def __init__(self, client, id: str, name: str = "", state: str = "", health: str = "none",
                 labels: Optional[Dict[str, str]] = None, image: str = "", raw: Optional[str] = None,
                 ports: Optional[Dict[str, Any]] = None, list_attrs: Optional[Dict[str, Any]] = None):
        self.client = client
        self.id = id
        self.name = name
        self._state = state
        self._health = health
        self._labels = labels or {}
        self._image = image
        self._raw = raw
        self._attrs: Optional[Dict[str, Any]] = None
        self._ports = ports
        self._list_attrs = list_attrs
        self._exit_code = 0

    @classmethod
    def _inspect(cls, client, ident: str) -> "Container":
        out = ffi.new("berth_container_info **")
        err = new_err()
        check(lib.berth_container_inspect(out, client._c, b(ident), err), err)
        info = out[0]
        try:
            labels = {}
            for i in range(lib.berth_container_info_label_count(info)):
                labels[s(lib.berth_container_info_label_key(info, i))] = s(lib.berth_container_info_label_value(info, i))
            ports: Dict[str, Any] = {}
            for i in range(lib.berth_container_info_port_count(info)):
                key = f"{lib.berth_container_info_port_container_port(info, i)}/{s(lib.berth_container_info_port_proto(info, i))}"
                ports.setdefault(key, []).append({"HostIp": s(lib.berth_container_info_port_host_ip(info, i)),
                                                  "HostPort": str(lib.berth_container_info_port_host_port(info, i))})
            c = cls(client, s(lib.berth_container_info_id(info)), s(lib.berth_container_info_name(info)),
                       s(lib.berth_state_name(lib.berth_container_info_state(info))),
                       s(lib.berth_health_name(lib.berth_container_info_health(info))),
                       labels, s(lib.berth_container_info_image(info)),
                       ffi.string(lib.berth_container_info_raw_json(info)), ports)
            c._exit_code = lib.berth_container_info_exit_code(info)
            return c
        finally:
            lib.berth_container_info_free(info)

    def __repr__(self) -> str:
        return f"<berth.Container {self.short_id} {self.name}>"

    def __eq__(self, other) -> bool:
        return isinstance(other, Container) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def short_id(self) -> str:
        return self.id[:12]

    def _full(self) -> None:
        if self._raw is None:
            self.reload()

    @property
    def attrs(self) -> Dict[str, Any]:
        """The inspect record as a dict (fetched when this object came from a list)."""
        if self._attrs is None:
            self._full()
            a = json.loads(self._raw)
            # containerd's record is berth's own: give it the keys docker-py
            # users read first, from berth's normalized view
            a.setdefault("Id", self.id)
            a.setdefault("Name", "/" + self.name)
            a.setdefault("State", {"Status": self._state, "Running": self._state == "running",
                                   "Paused": self._state == "paused", "ExitCode": self._exit_code,
                                   **({"Health": {"Status": self._health}} if self._health != "none" else {})})
            if isinstance(a.get("Config"), dict):
                a["Config"].setdefault("Labels", dict(self._labels))
            self._attrs = a
        return self._attrs

    @property
    def status(self) -> str:
        """"created", "running", "paused", "restarting", "removing", "exited" or "dead"."""
        return self._state

    @property
    def health(self) -> str:
        """"none", "starting", "healthy" or "unhealthy"."""
        return self._health

    @property
    def labels(self) -> Dict[str, str]:
        return dict(self._labels)

    @property
    def image(self) -> str:
        """The image name the container was created from."""
        return self._image

    @property
    def ports(self) -> Dict[str, Any]:
        """Published ports: {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}."""
        if self._ports is None:
            self._full()
        return self._ports or {}

    def reload(self) -> None:
        """Inspect again and refresh every property."""
        fresh = Container._inspect(self.client, self.id)
        self.__dict__.update(fresh.__dict__)

    # ---- lifecycle
    def start(self) -> None:
        err = new_err()
        check(lib.berth_container_start(self.client._c, b(self.id), err), err)

    def _stop_opts(self, timeout):
        opts = ffi.new("berth_stop_options *")
        opts.version = lib.BERTH_STOP_OPTIONS_VERSION
        opts.grace_seconds = -1 if timeout is None else int(timeout)
        return opts

    def stop(self, timeout: Optional[int] = None) -> None:
        """Stop signal, then SIGKILL after ``timeout`` seconds (None: the
        container's own stop timeout)."""
        err = new_err()
        check(lib.berth_container_stop(self.client._c, b(self.id), self._stop_opts(timeout), err), err)

    def restart(self, timeout: Optional[int] = None) -> None:
        err = new_err()
        check(lib.berth_container_restart(self.client._c, b(self.id), self._stop_opts(timeout), err), err)

    def kill(self, signal: Union[int, str, None] = None) -> None:
        """Send a signal (number or name, default SIGKILL) to the main process."""
        if signal is None:
            signal = 9
        if isinstance(signal, str):
            out = ffi.new("int *")
            err = new_err()
            check(lib.berth_signal_parse(out, b(signal), err), err)
            signal = out[0]
        err = new_err()
        check(lib.berth_container_kill(self.client._c, b(self.id), int(signal), err), err)

    def pause(self) -> None:
        err = new_err()
        check(lib.berth_container_pause(self.client._c, b(self.id), err), err)

    def unpause(self) -> None:
        err = new_err()
        check(lib.berth_container_unpause(self.client._c, b(self.id), err), err)

    def rename(self, name: str) -> None:
        err = new_err()
        check(lib.berth_container_rename(self.client._c, b(self.id), b(name), err), err)
        self.name = name

    def remove(self, force: bool = False, v: bool = False) -> None:
        """Remove the container; ``force`` kills a running one first, ``v``
        also removes its anonymous volumes (named volumes stay)."""
        opts = ffi.new("berth_remove_options *")
        opts.version = lib.BERTH_REMOVE_OPTIONS_VERSION
        opts.force = 1 if force else 0
        opts.anonymous_volumes = 1 if v else 0
        err = new_err()
        check(lib.berth_container_remove(self.client._c, b(self.id), opts, err), err)

    def wait(self, timeout: Optional[float] = None, condition: str = "not-running") -> Dict[str, Any]:
        """Wait until the container is not running (``condition``: also
        "next-exit" or "removed") and return {"StatusCode": n, "Error": None
        or {"Message": ...}}, plus berth's "OOMKilled" and "Signal".
        Raises :class:`berth.Timeout` after ``timeout`` seconds."""
        conds = {"not-running": lib.BERTH_WAIT_NOT_RUNNING, "next-exit": lib.BERTH_WAIT_NEXT_EXIT,
                 "removed": lib.BERTH_WAIT_REMOVED}
        if condition not in conds:
            raise _einval(f"unknown wait condition {condition!r}")
        import time
        deadline = None if timeout is None else time.monotonic() + timeout
        opts = ffi.new("berth_wait_options *")
        opts.version = lib.BERTH_WAIT_OPTIONS_VERSION
        opts.condition = conds[condition]
        out = ffi.new("berth_wait_outcome *")
        out.version = lib.BERTH_WAIT_OUTCOME_VERSION
        # "not-running" is re-asked in slices so that Ctrl-C gets through;
        # the other conditions could miss an event between two asks.
        sliced = condition == "not-running"
        while True:
            left = None if deadline is None else max(1, int((deadline - time.monotonic()) * 1000))
            opts.timeout_ms = min(left or 1000, 1000) if sliced else (left or 0)
            err = new_err()
            rc = lib.berth_container_wait(out, self.client._c, b(self.id), opts, err)
            if rc == 0:
                break
            if rc == lib.BERTH_ETIMEDOUT and sliced and (deadline is None or time.monotonic() < deadline):
                continue
            raise_err(rc, err)
        msg = s(out.error)
        return {"StatusCode": out.exit_code, "Error": {"Message": msg} if msg else None,
                "OOMKilled": bool(out.oom_killed), "Signal": out.signal}

    # ---- output
    def logs(self, stream: bool = False, follow: bool = False, tail: Union[str, int] = "all",
             since: Any = None, until: Any = None, timestamps: bool = False, stdout: bool = True,
             stderr: bool = True, demux: bool = False) -> Union[bytes, ByteStream]:
        """The container's logs: bytes, or with ``stream`` (or ``follow``)
        an iterator of bytes chunks that is also a context manager.
        ``timestamps`` prefixes each entry with its RFC 3339 time."""
        opts = ffi.new("berth_logs_options *")
        opts.version = lib.BERTH_LOGS_OPTIONS_VERSION
        opts.show_stdout, opts.show_stderr = int(bool(stdout)), int(bool(stderr))
        opts.follow = int(bool(follow))
        opts.tail = -1 if tail in ("all", None) else int(tail)
        since_b, until_b = cs(time_arg(since)), cs(time_arg(until))
        opts.since, opts.until = since_b, until_b
        opts.timestamps = int(bool(timestamps))
        out = ffi.new("berth_stream **")
        err = new_err()
        check(lib.berth_container_logs(out, self.client._c, b(self.id), opts, err), err)
        st = ByteStream(self.client, out[0], demux=demux, timestamps=timestamps)
        if stream or follow:
            return st
        with st:
            return st.read_all()

    def attach(self, stdout: bool = True, stderr: bool = True, stdin: bool = False, logs: bool = False,
               stream: bool = True) -> ExecStream:
        """Attach to the main process: an :class:`ExecStream` of its output
        (and its stdin with ``stdin=True``)."""
        opts = ffi.new("berth_attach_options *")
        opts.version = lib.BERTH_ATTACH_OPTIONS_VERSION
        opts.attach_stdin, opts.attach_stdout, opts.attach_stderr = int(stdin), int(stdout), int(stderr)
        opts.logs, opts.stream = int(logs), int(stream)
        out = ffi.new("berth_stream **")
        err = new_err()
        check(lib.berth_container_attach(out, self.client._c, b(self.id), opts, err), err)
        return ExecStream(self.client, out[0], None)

    def exec_run(self, cmd: Union[str, Sequence[str]], stdout: bool = True, stderr: bool = True,
                 stdin: bool = False, tty: bool = False, privileged: bool = False, user: Optional[str] = None,
                 detach: bool = False, stream: bool = False, environment=None, workdir: Optional[str] = None,
                 demux: bool = False, timeout: Optional[float] = None) -> ExecResult:
        """Run a command in the running container.

        Returns ExecResult(exit_code, output): output is the bytes of stdout
        and stderr as they came (a (stdout, stderr) pair with ``demux``).
        With ``stream`` the output is an iterator of chunks and exit_code is
        None; with ``stdin`` it is an :class:`ExecStream` that takes
        ``write()``/``close_stdin()``; with ``detach`` both are None."""
        argv = CStrings(_argv(cmd))
        env = CStrings(_env_items(environment))
        opts = ffi.new("berth_exec_options *")
        opts.version = lib.BERTH_EXEC_OPTIONS_VERSION
        opts.argv, opts.argc = argv.ptr, argv.count
        opts.env, opts.env_count = env.ptr, env.count
        user_b, wd_b = cs(user), cs(workdir)
        opts.user, opts.workdir = user_b, wd_b
        opts.privileged, opts.tty = int(privileged), int(tty)
        if timeout is not None:
            opts.timeout_ms = max(1, int(timeout * 1000))
        err = new_err()
        if not (stream or stdin or detach) and (demux or not (stdout and stderr)):
            # buffered: one call collects stdout and stderr apart
            res = ffi.new("berth_exec_result **")
            check(lib.berth_exec(res, self.client._c, b(self.id), opts, err), err)
            r = res[0]
            try:
                n = ffi.new("size_t *")
                p = lib.berth_exec_result_stdout(r, n)
                out_b = ffi.unpack(p, n[0]) if stdout else None
                p = lib.berth_exec_result_stderr(r, n)
                err_b = ffi.unpack(p, n[0]) if stderr else None
                code = lib.berth_exec_result_exit_code(r)
            finally:
                lib.berth_exec_result_free(r)
            return ExecResult(code, (out_b, err_b) if demux else (out_b or err_b or b""))
        opts.attach_stdin, opts.detach = int(stdin), int(detach)
        out = ffi.new("berth_stream **")
        exec_id = ffi.new("char **")
        check(lib.berth_exec_start(out, exec_id, self.client._c, b(self.id), opts, err), err)
        eid = take_string(exec_id)
        if detach:
            return ExecResult(None, None)
        st = ExecStream(self.client, out[0], eid, demux=demux)
        if stream or stdin:
            return ExecResult(None, st)
        with st:
            data = st.read_all()
        return ExecResult(st.exit_code, data)

    def stats(self, stream: bool = False, decode: Any = None):
        """One resource sample as a dict (the engine's record plus berth's
        numbers under "berth"; takes about a second), or with ``stream`` an
        iterator of them."""
        err = new_err()
        if stream:
            out = ffi.new("berth_stream **")
            check(lib.berth_container_stats_stream(out, self.client._c, b(self.id), err), err)
            return StatsStream(self.client, out[0])
        out = ffi.new("berth_stats **")
        check(lib.berth_container_stats(out, self.client._c, b(self.id), err), err)
        try:
            return stats_dict(out[0])
        finally:
            lib.berth_stats_free(out[0])

    def wait_ready(self, timeout: Optional[float] = None, probes: Sequence[str] = (), any: bool = False,
                   interval: Optional[float] = None, ignore_health: bool = False) -> "ReadyResult":
        """Wait until the container is ready: its health check passes and
        every probe ("tcp:80", "http:8080/health", "http:80/#204",
        "log:REGEX", "exec:COMMAND") passes (one of them with ``any``).

        Returns a :class:`ReadyResult`. Raises :class:`berth.Conflict` when
        the container exits or turns unhealthy first and
        :class:`berth.Timeout` when the time runs out; both carry the
        result in ``.result``."""
        made = []
        try:
            for text in probes:
                p = ffi.new("berth_probe **")
                err = new_err()
                check(lib.berth_probe_parse(p, b(text), err), err)
                made.append(p[0])
            arr = ffi.new("const berth_probe *[]", made) if made else ffi.NULL
            opts = ffi.new("berth_ready_options *")
            opts.version = lib.BERTH_READY_OPTIONS_VERSION
            if timeout is not None:
                opts.timeout_ms = max(1, int(timeout * 1000))
            if interval is not None:
                opts.interval_ms = max(1, int(interval * 1000))
            opts.probes, opts.probe_count = arr, len(made)
            opts.any, opts.ignore_health = int(any), int(ignore_health)
            out = ffi.new("berth_ready_result **")
            err = new_err()
            rc = lib.berth_container_wait_ready(out, self.client._c, b(self.id), opts, err)
            result = None
            if out[0] != ffi.NULL:
                try:
                    result = ReadyResult(out[0], list(probes))
                finally:
                    lib.berth_ready_result_free(out[0])
            if rc < 0:
                try:
                    raise_err(rc, err)
                except Error as e:
                    e.result = result
                    raise
            return result
        finally:
            for p in made:
                lib.berth_probe_free(p)


class ReadyResult:
    """How a wait_ready ended: state ("ready", "exited", "unhealthy",
    "timed out"), exit_code, health, health_output, elapsed (seconds),
    probes ([(text, passed, message)]) and logs (the last lines of a
    container that failed)."""

    def __init__(self, r, probes: List[str]):
        self.state = s(lib.berth_ready_state_name(lib.berth_ready_result_state(r)))
        self.exit_code = lib.berth_ready_result_exit_code(r)
        self.health = s(lib.berth_health_name(lib.berth_ready_result_health(r)))
        self.health_output = s(lib.berth_ready_result_health_output(r))
        self.elapsed = lib.berth_ready_result_elapsed_ms(r) / 1000.0
        self.probes = [(probes[i] if i < len(probes) else "", bool(lib.berth_ready_result_probe_passed(r, i)),
                        s(lib.berth_ready_result_probe_message(r, i)))
                       for i in range(lib.berth_ready_result_probe_count(r))]
        self.logs = s(lib.berth_ready_result_logs(r))

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    def __repr__(self) -> str:
        return f"<berth.ReadyResult {self.state} after {self.elapsed:.3f} s>"


def _set(fn, *args) -> None:
    err = new_err()
    check(fn(*args, err), err)


def _ports(spec, ports: Mapping[Any, Any]) -> None:
    for key, binding in ports.items():
        port, _, proto = str(key).partition("/")
        proto = _PROTOS.get(proto or "tcp")
        if proto is None:
            raise _einval(f"unknown protocol in port {key!r}")
        bindings = binding if isinstance(binding, list) else [binding]
        for bnd in bindings:
            ip, hp = None, 0
            if isinstance(bnd, tuple):
                ip, hp = bnd[0], (bnd[1] if len(bnd) > 1 and bnd[1] is not None else 0)
            elif isinstance(bnd, dict):
                ip, hp = bnd.get("HostIp"), bnd.get("HostPort") or 0
            elif bnd is not None:
                hp = bnd
            _set(lib.berth_spec_add_port, spec, b(ip), int(hp), int(port), proto)


def _volumes(spec, volumes) -> None:
    items = []
    if isinstance(volumes, Mapping):
        for src, v in volumes.items():
            if isinstance(v, str):
                v = {"bind": v}
            items.append((src, v["bind"], v.get("mode", "rw")))
    else:
        for entry in volumes:
            parts = entry.split(":")
            if len(parts) == 1:
                items.append((None, parts[0], "rw"))
            else:
                items.append((parts[0], parts[1], parts[2] if len(parts) > 2 else "rw"))
    for src, dst, mode in items:
        flags = [m for m in mode.split(",") if m]
        ro = 1 if "ro" in flags else 0
        rest = ",".join(m for m in flags if m not in ("ro", "rw")) or None
        if src is None:
            _set(lib.berth_spec_add_volume, spec, ffi.NULL, b(dst), ro, b(rest))
        elif os.path.isabs(src):
            _set(lib.berth_spec_add_bind, spec, b(src), b(dst), ro, b(rest))
        else:
            _set(lib.berth_spec_add_volume, spec, b(src), b(dst), ro, b(rest))


def _size(v) -> int:
    if isinstance(v, int):
        return v
    out = ffi.new("int64_t *")
    _set(lib.berth_size_parse, out, b(str(v)))
    return out[0]


def _build_spec(image: str, command=None, **kw):
    """A berth_spec (freed by the gc) from docker-py style arguments."""
    out = ffi.new("berth_spec **")
    err = new_err()
    check(lib.berth_spec_new(out, b(image), err), err)
    spec = ffi.gc(out[0], lib.berth_spec_free)
    argv = _argv(command)
    if argv is not None:
        a = CStrings(argv)
        _set(lib.berth_spec_set_cmd, spec, a.ptr, a.count)
    for key, value in kw.items():
        if value is None:
            continue
        if key == "name":
            _set(lib.berth_spec_set_name, spec, b(value))
        elif key == "entrypoint":
            a = CStrings(_argv(value))
            _set(lib.berth_spec_set_entrypoint, spec, a.ptr, a.count)
        elif key == "environment":
            for item in _env_items(value):
                k, v = split_kv(item)
                _set(lib.berth_spec_add_env, spec, b(k), b(v))
        elif key == "labels":
            for item in label_list(value):
                k, v = split_kv(item)
                _set(lib.berth_spec_add_label, spec, b(k), b(v))
        elif key == "working_dir":
            _set(lib.berth_spec_set_workdir, spec, b(value))
        elif key == "user":
            _set(lib.berth_spec_set_user, spec, b(str(value)))
        elif key == "hostname":
            _set(lib.berth_spec_set_hostname, spec, b(value))
        elif key == "tty":
            _set(lib.berth_spec_set_tty, spec, int(bool(value)))
        elif key == "stdin_open":
            _set(lib.berth_spec_set_stdin_open, spec, int(bool(value)))
        elif key == "init":
            _set(lib.berth_spec_set_init, spec, int(bool(value)))
        elif key == "auto_remove":
            _set(lib.berth_spec_set_auto_remove, spec, int(bool(value)))
        elif key == "stop_signal":
            _set(lib.berth_spec_set_stop_signal, spec, b(str(value)))
        elif key == "stop_timeout":
            _set(lib.berth_spec_set_stop_timeout, spec, int(value))
        elif key in ("network", "network_mode"):
            _set(lib.berth_spec_set_network_mode, spec, b(value))
        elif key == "network_aliases":
            for a in value:
                _set(lib.berth_spec_add_network_alias, spec, b(a))
        elif key == "ports":
            _ports(spec, value)
        elif key == "volumes":
            _volumes(spec, value)
        elif key == "tmpfs":
            for path, o in (value.items() if isinstance(value, Mapping) else ((p, None) for p in value)):
                _set(lib.berth_spec_add_tmpfs, spec, b(path), 0, b(o or None))
        elif key == "extra_hosts":
            for h, ip in (value.items() if isinstance(value, Mapping) else (x.split(":", 1) for x in value)):
                _set(lib.berth_spec_add_extra_host, spec, b(h), b(ip))
        elif key == "dns":
            for d in value:
                _set(lib.berth_spec_add_dns, spec, b(d))
        elif key == "read_only":
            _set(lib.berth_spec_set_read_only_rootfs, spec, int(bool(value)))
        elif key == "privileged":
            _set(lib.berth_spec_set_privileged, spec, int(bool(value)))
        elif key == "cap_add":
            for c in value:
                _set(lib.berth_spec_add_cap, spec, b(c))
        elif key == "cap_drop":
            for c in value:
                _set(lib.berth_spec_drop_cap, spec, b(c))
        elif key == "shm_size":
            _set(lib.berth_spec_set_shm_size, spec, _size(value))
        elif key == "mem_limit":
            _set(lib.berth_spec_set_memory, spec, _size(value))
        elif key == "nano_cpus":
            _set(lib.berth_spec_set_cpus, spec, float(value) / 1e9)
        elif key == "cpus":
            _set(lib.berth_spec_set_cpus, spec, float(value))
        elif key == "pids_limit":
            _set(lib.berth_spec_set_pids_limit, spec, int(value))
        elif key == "restart_policy":
            if isinstance(value, Mapping):
                text = value.get("Name", "no")
                if value.get("MaximumRetryCount"):
                    text += f":{value['MaximumRetryCount']}"
            else:
                text = str(value)
            pol, retries = ffi.new("berth_restart_policy *"), ffi.new("int *")
            _set(lib.berth_restart_policy_parse, pol, retries, b(text))
            _set(lib.berth_spec_set_restart, spec, pol[0], retries[0])
        elif key == "healthcheck":
            _healthcheck(spec, value)
        else:
            raise TypeError(f"run() got an unexpected keyword argument {key!r}")
    return spec


def _healthcheck(spec, hc: Mapping[str, Any]) -> None:
    test = hc.get("test") or hc.get("Test")
    if test in (["NONE"], "NONE"):
        _set(lib.berth_spec_disable_healthcheck, spec)
        return
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    keep = CStrings(test or [])
    h = ffi.new("berth_healthcheck *")
    h.version = lib.BERTH_HEALTHCHECK_VERSION
    h.test, h.test_count = keep.ptr, keep.count
    # docker-py takes nanoseconds
    h.interval_ms = int(hc.get("interval", hc.get("Interval", 0)) // 1_000_000)
    h.timeout_ms = int(hc.get("timeout", hc.get("Timeout", 0)) // 1_000_000)
    h.start_period_ms = int(hc.get("start_period", hc.get("StartPeriod", 0)) // 1_000_000)
    h.retries = int(hc.get("retries", hc.get("Retries", 0)))
    _set(lib.berth_spec_set_healthcheck, spec, h)


class ContainerCollection:
    """``client.containers``: make, find and list containers."""

    def __init__(self, client):
        self.client = client

    def create(self, image: str, command=None, **kwargs) -> Container:
        """Create (not start) a container; the keyword arguments are those of
        :meth:`run` without ``detach``/``remove``. The image must be present."""
        spec = _build_spec(image, command, **kwargs)
        out = ffi.new("char **")
        err = new_err()
        check(lib.berth_container_create(out, self.client._c, spec, err), err)
        ffi.release(spec)
        return self.get(take_string(out))

    def run(self, image: str, command=None, stdout: bool = True, stderr: bool = False, remove: bool = False,
            detach: bool = False, **kwargs) -> Union[Container, bytes]:
        """Create and start a container.

        With ``detach=True`` returns the :class:`Container`. Otherwise waits
        for it to exit and returns its logs (stdout by default; ``stderr``
        adds stderr); a non-zero exit raises :class:`berth.ContainerError`.
        ``remove`` removes it afterwards.

        Keyword arguments: name, environment (dict or ["K=V"]), labels,
        ports ({"80/tcp": 8080 | None | ("127.0.0.1", 8080) | [..]}),
        volumes ({"src": {"bind": "/dst", "mode": "ro"}} or ["src:/dst:ro"];
        an absolute src is a bind mount, else a named volume), entrypoint,
        working_dir, user, hostname, tty, stdin_open, init, auto_remove,
        stop_signal, stop_timeout, network (network_mode), network_aliases,
        tmpfs, extra_hosts, dns, read_only, privileged, cap_add, cap_drop,
        shm_size, mem_limit, nano_cpus, cpus, pids_limit, restart_policy,
        healthcheck ({"test": [...], "interval": ns, ...})."""
        spec = _build_spec(image, command, **kwargs)
        out = ffi.new("char **")
        err = new_err()
        check(lib.berth_container_run(out, self.client._c, spec, err), err)
        ffi.release(spec)
        cid = take_string(out)
        if detach:
            return self.get(cid)
        c = Container(self.client, cid, kwargs.get("name") or "")
        try:
            status = c.wait()["StatusCode"]
            logs = b""
            if stdout or stderr:
                try:
                    logs = c.logs(stdout=stdout, stderr=stderr)
                except NotFound:  # auto_remove took it already
                    logs = b""
            if status != 0:
                err_out = b""
                try:
                    err_out = c.logs(stdout=False, stderr=True)
                except Error:
                    pass
                raise ContainerError(c, status, command, image, err_out)
            return logs
        finally:
            if remove:
                try:
                    c.remove(force=True)
                except NotFound:
                    pass

    def get(self, container_id: str) -> Container:
        """Inspect a container by name, id or id prefix (NotFound if none)."""
        return Container._inspect(self.client, container_id)

    def list(self, all: bool = False, filters: Optional[Mapping[str, Any]] = None, sparse: bool = True,
             limit: int = -1) -> List[Container]:
        """List containers (running ones unless ``all``). ``filters`` takes
        "label" (a "k" or "k=v" or a list or dict of them: all must match),
        "name" (a substring) and "status" (a state or a list of them). The
        Containers carry the list's fields; ``attrs`` and ``ports`` inspect
        on first use (``sparse=False`` inspects each one now)."""
        filters = dict(filters or {})
        labels = CStrings(label_filters(filters))
        filters.pop("label", None)
        name = filters.pop("name", None)
        status = filters.pop("status", None)
        if filters:
            raise _einval(f"unknown container filter(s): {', '.join(filters)}")
        opts = ffi.new("berth_list_options *")
        opts.version = lib.BERTH_LIST_OPTIONS_VERSION
        opts.all = int(bool(all))
        opts.labels, opts.label_count = labels.ptr, labels.count
        name_b = cs(name)
        opts.name = name_b
        if status:
            st = [status] if isinstance(status, str) else list(status)
            try:
                states = ffi.new("berth_state[]", [_STATES[x] for x in st])
            except KeyError as e:
                raise _einval(f"unknown status {e.args[0]!r}") from None
            opts.states, opts.state_count = states, len(st)
        out = ffi.new("berth_container_list **")
        err = new_err()
        check(lib.berth_container_list_get(out, self.client._c, opts, err), err)
        lst = out[0]
        result = []
        try:
            n = lib.berth_container_list_count(lst)
            for i in range(n if limit < 0 else min(n, limit)):
                labels_d = {s(lib.berth_container_list_label_key(lst, i, j)): s(lib.berth_container_list_label_value(lst, i, j))
                            for j in range(lib.berth_container_list_label_count(lst, i))}
                cid = s(lib.berth_container_list_id(lst, i))
                la = {"Id": cid, "Names": ["/" + s(lib.berth_container_list_name(lst, i))],
                      "Image": s(lib.berth_container_list_image(lst, i)),
                      "Command": s(lib.berth_container_list_command(lst, i)),
                      "Created": int(lib.berth_container_list_created(lst, i)),
                      "Status": s(lib.berth_container_list_status(lst, i)),
                      "Ports": s(lib.berth_container_list_ports(lst, i)), "Labels": labels_d}
                result.append(Container(self.client, cid, la["Names"][0][1:],
                                        s(lib.berth_state_name(lib.berth_container_list_state(lst, i))),
                                        s(lib.berth_health_name(lib.berth_container_list_health(lst, i))),
                                        labels_d, la["Image"], list_attrs=la))
        finally:
            lib.berth_container_list_free(lst)
        if not sparse:
            for c in result:
                try:
                    c.reload()
                except NotFound:
                    pass
        return result
