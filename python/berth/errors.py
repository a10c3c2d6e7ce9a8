"""Exceptions: one class per berth result code.

Every failed call raises a subclass of :class:`berth.Error`. The class says
what went wrong in engine-neutral terms (the BERTH_E* code of the C
library); ``native`` keeps the engine's own status (an HTTP status, a gRPC
code, or 0) and ``message`` the library's one-line explanation, which names
the endpoint and the object.
"""
from __future__ import annotations

from typing import Dict, Optional, Type


class Error(Exception):
    """Base class of every error berth raises.

    Attributes: ``code`` (the negative BERTH_E* value, or None for errors
    made up in Python such as :class:`ContainerError`), ``native`` (the
    engine's status, 0 when there is none), ``errno`` (the system call's
    errno, 0 when none) and ``message``.
    """

    code: Optional[int] = None
    name: str = "BERTH_ERROR"

    def __init__(self, message: str = "", native: int = 0, errno: int = 0, code: Optional[int] = None):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.native = native
        self.errno = errno
        self.message = message

    def __str__(self) -> str:
        return self.message or self.name


class NotFound(Error):
    """The container, image, volume, network or socket does not exist."""
    code, name = -1, "BERTH_ENOTFOUND"


class Exists(Error):
    """An object with that name exists already."""
    code, name = -2, "BERTH_EEXISTS"


class Conflict(Error):
    """The object's state forbids the operation (running, in use, ...)."""
    code, name = -3, "BERTH_ECONFLICT"


class Already(Error):
    """The object is in the asked-for state already."""
    code, name = -4, "BERTH_EALREADY"


class Timeout(Error):
    """No answer, or no verdict, within the deadline."""
    code, name = -5, "BERTH_ETIMEDOUT"


class Unavailable(Error):
    """No engine answers, or it went away."""
    code, name = -6, "BERTH_EUNAVAILABLE"


class PermissionDenied(Error):
    """The socket, the engine or the registry refused access."""
    code, name = -7, "BERTH_EPERM"


class Unsupported(Error):
    """This engine (or this build of berth) cannot do that."""
    code, name = -8, "BERTH_EUNSUPPORTED"


class EngineError(Error):
    """The engine failed in a way berth does not classify further."""
    code, name = -9, "BERTH_EENGINE"


class ProtocolError(Error):
    """A malformed, truncated or unexpected reply."""
    code, name = -10, "BERTH_EPROTOCOL"


class InvalidArgument(Error, ValueError):
    """An argument was refused before any request was made."""
    code, name = -11, "BERTH_EINVAL"


class NoMemory(Error, MemoryError):
    """The library ran out of memory."""
    code, name = -12, "BERTH_ENOMEM"


class Cancelled(Error):
    """The operation was cancelled (a stream closed while it was read)."""
    code, name = -13, "BERTH_ECANCELLED"


class ContainerError(Error):
    """``containers.run(detach=False)`` saw the command exit non-zero.

    Has ``container``, ``exit_status``, ``command``, ``image`` and
    ``stderr`` (the bytes the container wrote to stderr).
    """
    name = "container exited with an error"

    def __init__(self, container, exit_status: int, command, image: str, stderr: bytes):
        msg = f"command {command!r} in image {image!r} exited with status {exit_status}"
        if stderr:
            msg += ": " + stderr.decode("utf-8", "replace").strip()
        super().__init__(msg)
        self.container = container
        self.exit_status = exit_status
        self.command = command
        self.image = image
        self.stderr = stderr


_BY_CODE: Dict[int, Type[Error]] = {
    cls.code: cls
    for cls in (NotFound, Exists, Conflict, Already, Timeout, Unavailable, PermissionDenied, Unsupported,
                EngineError, ProtocolError, InvalidArgument, NoMemory, Cancelled)
}


def error_class(code: int) -> Type[Error]:
    """The exception class of a BERTH_E* code (:class:`Error` for unknown ones)."""
    return _BY_CODE.get(code, Error)
