"""Small helpers shared by the modules: the cffi handles, error raising,
string conversion. Private."""
from __future__ import annotations

from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._native import ffi, lib
from .errors import Error, error_class

__all__ = ["ffi", "lib", "new_err", "raise_err", "check", "s", "s_or_none", "b", "CStrings", "take_string"]

ITEROVER = lib.BERTH_ITEROVER
ETIMEDOUT = lib.BERTH_ETIMEDOUT


def new_err():
    """A zeroed berth_error (the same as BERTH_ERROR_INIT)."""
    return ffi.new("berth_error *")


def raise_err(rc: int, err) -> None:
    """Raise the exception of a failed call."""
    msg = ffi.string(err.message).decode("utf-8", "replace") if err.code else ""
    if not msg:
        msg = ffi.string(lib.berth_strerror(rc)).decode()
    raise error_class(rc)(msg, native=err.native, errno=err.sys_errno, code=rc)


def check(rc: int, err) -> None:
    if rc < 0:
        raise_err(rc, err)


def s(p) -> str:
    """A borrowed C string as str ("" for NULL)."""
    if p == ffi.NULL:
        return ""
    return ffi.string(p).decode("utf-8", "replace")


def s_or_none(p) -> Optional[str]:
    return None if p == ffi.NULL else ffi.string(p).decode("utf-8", "replace")


def b(text: Union[str, bytes, None]):
    """Python text to a char* argument (NULL for None)."""
    if text is None:
        return ffi.NULL
    if isinstance(text, str):
        text = text.encode()
    if b"\0" in text:
        raise error_class(lib.BERTH_EINVAL)("a NUL byte in a string argument", code=lib.BERTH_EINVAL)
    return text


def take_string(pp) -> str:
    """Read a library-allocated char** result and free it (once)."""
    p = pp[0]
    if p == ffi.NULL:
        return ""
    try:
        return ffi.string(p).decode("utf-8", "replace")
    finally:
        lib.berth_free(p)
        pp[0] = ffi.NULL


class CStrings:
    """An array of C strings kept alive as long as this object."""

    __slots__ = ("_keep", "ptr", "count")

    def __init__(self, items: Optional[Iterable[Union[str, bytes]]]):
        items = list(items or [])
        self._keep = [ffi.new("char[]", b(i)) for i in items]
        self.ptr = ffi.new("const char *[]", self._keep) if self._keep else ffi.NULL
        self.count = len(self._keep)


def label_list(labels: Union[None, Mapping[str, str], Sequence[str], str]) -> List[str]:
    """{"k": "v"} or ["k=v", "k"] or "k=v" to ["k=v", ...]."""
    if labels is None:
        return []
    if isinstance(labels, str):
        return [labels]
    if isinstance(labels, Mapping):
        return [f"{k}={v}" if v is not None else str(k) for k, v in labels.items()]
    return [str(x) for x in labels]


def split_kv(item: str) -> Tuple[str, str]:
    k, _, v = item.partition("=")
    return k, v


def label_filters(filters: Optional[Mapping[str, Any]]) -> List[str]:
    """The "label" entry of a docker-py style filters dict."""
    if not filters:
        return []
    return label_list(filters.get("label"))


def cs(text: Union[str, bytes, None]):
    """Python text as an owned char[] for a struct field (NULL for None);
    keep the result alive as long as the struct is used."""
    if text is None:
        return ffi.NULL
    return ffi.new("char[]", b(text))
