"""Volumes and networks: list, create, get, remove."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional

from ._core import CStrings, b, check, cs, ffi, label_filters, label_list, lib, new_err, s, take_string


class Volume:
    """A volume; ``attrs`` is the engine's record as a dict."""

    def __init__(self, client, attrs: Dict[str, Any]):
        self.client = client
        self.attrs = attrs
        self.name = attrs.get("Name", "")
        self.id = self.name

    def __repr__(self) -> str:
        return f"<berth.Volume {self.name}>"

    def reload(self) -> None:
        self.attrs = self.client.volumes.get(self.name).attrs

    def remove(self, force: bool = False) -> None:
        self.client.volumes.remove(self.name, force=force)


def _raw(p) -> Dict[str, Any]:
    if p == ffi.NULL:
        return {}
    text = ffi.string(p)
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}


def _vol_attrs(info) -> Dict[str, Any]:
    """The engine's record where there is one (inspect), and berth's
    normalized fields in Docker's names either way (list entries carry no
    raw record)."""
    d = _raw(lib.berth_volume_info_raw_json(info))
    d.setdefault("Name", s(lib.berth_volume_info_name(info)))
    d.setdefault("Driver", s(lib.berth_volume_info_driver(info)))
    d.setdefault("Mountpoint", s(lib.berth_volume_info_mountpoint(info)))
    d.setdefault("CreatedAt", s(lib.berth_volume_info_created(info)))
    d.setdefault("Labels", {s(lib.berth_volume_info_label_key(info, i)): s(lib.berth_volume_info_label_value(info, i))
                            for i in range(lib.berth_volume_info_label_count(info))})
    d.setdefault("Options", {s(lib.berth_volume_info_option_key(info, i)): s(lib.berth_volume_info_option_value(info, i))
                             for i in range(lib.berth_volume_info_option_count(info))})
    return d


class VolumeCollection:
    """``client.volumes``."""

    def __init__(self, client):
        self.client = client

    def create(self, name: Optional[str] = None, driver: Optional[str] = None,
               driver_opts: Optional[Mapping[str, str]] = None, labels=None) -> Volume:
        """Create a volume (an existing name is kept as it is)."""
        opts = ffi.new("berth_volume_create_options *")
        opts.version = lib.BERTH_VOLUME_CREATE_OPTIONS_VERSION
        drv = cs(driver)
        dop = CStrings(label_list(driver_opts))
        lab = CStrings(label_list(labels))
        opts.driver = drv
        opts.driver_opts, opts.driver_opt_count = dop.ptr, dop.count
        opts.labels, opts.label_count = lab.ptr, lab.count
        out = ffi.new("char **")
        err = new_err()
        check(lib.berth_volume_create(out, self.client._c, b(name), opts, err), err)
        return self.get(take_string(out))

    def get(self, name: str) -> Volume:
        out = ffi.new("berth_volume_info **")
        err = new_err()
        check(lib.berth_volume_inspect(out, self.client._c, b(name), err), err)
        try:
            return Volume(self.client, _vol_attrs(out[0]))
        finally:
            lib.berth_volume_info_free(out[0])

    def list(self, filters: Optional[Mapping[str, Any]] = None) -> List[Volume]:
        lab = CStrings(label_filters(filters))
        opts = ffi.new("berth_volume_list_options *")
        opts.version = lib.BERTH_VOLUME_LIST_OPTIONS_VERSION
        opts.labels, opts.label_count = lab.ptr, lab.count
        out = ffi.new("berth_volume_list **")
        err = new_err()
        check(lib.berth_volume_list_get(out, self.client._c, opts, err), err)
        try:
            return [Volume(self.client, _vol_attrs(lib.berth_volume_list_at(out[0], i)))
                    for i in range(lib.berth_volume_list_count(out[0]))]
        finally:
            lib.berth_volume_list_free(out[0])

    def remove(self, name: str, force: bool = False) -> None:
        opts = ffi.new("berth_volume_remove_options *")
        opts.version = lib.BERTH_VOLUME_REMOVE_OPTIONS_VERSION
        opts.force = int(bool(force))
        err = new_err()
        check(lib.berth_volume_remove(self.client._c, b(name), opts, err), err)


class Network:
    """A network; ``attrs`` is the engine's record as a dict."""

    def __init__(self, client, attrs: Dict[str, Any]):
        self.client = client
        self.attrs = attrs
        self.id = attrs.get("Id", attrs.get("ID", ""))
        self.name = attrs.get("Name", "")

    def __repr__(self) -> str:
        return f"<berth.Network {self.name}>"

    def reload(self) -> None:
        self.attrs = self.client.networks.get(self.id or self.name).attrs

    def remove(self) -> None:
        self.client.networks.remove(self.id or self.name)

    def connect(self, container, aliases: Optional[List[str]] = None) -> None:
        """Connect a container (object, name or id), with aliases."""
        cid = getattr(container, "id", container)
        al = CStrings(aliases)
        opts = ffi.new("berth_network_connect_options *")
        opts.version = lib.BERTH_NETWORK_CONNECT_OPTIONS_VERSION
        opts.aliases, opts.alias_count = al.ptr, al.count
        err = new_err()
        check(lib.berth_network_connect(self.client._c, b(self.id or self.name), b(cid), opts, err), err)

    def disconnect(self, container, force: bool = False) -> None:
        cid = getattr(container, "id", container)
        err = new_err()
        check(lib.berth_network_disconnect(self.client._c, b(self.id or self.name), b(cid), int(force), err), err)


def _net_attrs(info) -> Dict[str, Any]:
    d = _raw(lib.berth_network_info_raw_json(info))
    d.setdefault("Id", s(lib.berth_network_info_id(info)))
    d.setdefault("Name", s(lib.berth_network_info_name(info)))
    d.setdefault("Driver", s(lib.berth_network_info_driver(info)))
    d.setdefault("Scope", s(lib.berth_network_info_scope(info)))
    d.setdefault("Internal", bool(lib.berth_network_info_internal(info)))
    d.setdefault("Created", s(lib.berth_network_info_created(info)))
    d.setdefault("Labels", {s(lib.berth_network_info_label_key(info, i)): s(lib.berth_network_info_label_value(info, i))
                            for i in range(lib.berth_network_info_label_count(info))})
    return d


class NetworkCollection:
    """``client.networks`` (on containerd, berth's own networks)."""

    def __init__(self, client):
        self.client = client

    def create(self, name: str, driver: Optional[str] = None, internal: bool = False, labels=None,
               subnet: Optional[str] = None, gateway: Optional[str] = None) -> Network:
        opts = ffi.new("berth_network_create_options *")
        opts.version = lib.BERTH_NETWORK_CREATE_OPTIONS_VERSION
        drv, sub, gw = cs(driver), cs(subnet), cs(gateway)
        lab = CStrings(label_list(labels))
        opts.driver, opts.subnet, opts.gateway, opts.internal = drv, sub, gw, int(internal)
        opts.labels, opts.label_count = lab.ptr, lab.count
        out = ffi.new("char **")
        err = new_err()
        check(lib.berth_network_create(out, self.client._c, b(name), opts, err), err)
        return self.get(take_string(out) or name)

    def get(self, name: str) -> Network:
        out = ffi.new("berth_network_info **")
        err = new_err()
        check(lib.berth_network_inspect(out, self.client._c, b(name), err), err)
        try:
            return Network(self.client, _net_attrs(out[0]))
        finally:
            lib.berth_network_info_free(out[0])

    def list(self, filters: Optional[Mapping[str, Any]] = None) -> List[Network]:
        lab = CStrings(label_filters(filters))
        opts = ffi.new("berth_network_list_options *")
        opts.version = lib.BERTH_NETWORK_LIST_OPTIONS_VERSION
        opts.labels, opts.label_count = lab.ptr, lab.count
        out = ffi.new("berth_network_list **")
        err = new_err()
        check(lib.berth_network_list_get(out, self.client._c, opts, err), err)
        try:
            return [Network(self.client, _net_attrs(lib.berth_network_list_at(out[0], i)))
                    for i in range(lib.berth_network_list_count(out[0]))]
        finally:
            lib.berth_network_list_free(out[0])

    def remove(self, name: str) -> None:
        err = new_err()
        check(lib.berth_network_remove(self.client._c, b(name), err), err)
