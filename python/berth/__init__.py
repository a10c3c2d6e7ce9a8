"""berth: one Python API over Docker, Podman and containerd.

A binding of libberth (the C library) through cffi in API mode. The surface
follows docker-py's where the two meet::

    import berth
    with berth.Client() as client:            # or Client(engine="podman")
        c = client.containers.run("busybox", "sleep 60", detach=True,
                                  labels={"app": "demo"})
        print(c.exec_run("echo hi").output)
        c.remove(force=True)

Errors are subclasses of :class:`berth.Error`, one per library code.
"""
from ._core import lib as _lib, s as _s
from .client import Client, detect, in_container
from .containers import Container, ContainerCollection, ExecResult, ReadyResult
from .errors import (Already, Cancelled, Conflict, ContainerError, EngineError, Error, Exists, InvalidArgument,
                     NoMemory, NotFound, PermissionDenied, ProtocolError, Timeout, Unavailable, Unsupported,
                     error_class)
from .images import Image, ImageCollection
from .resources import Network, NetworkCollection, Volume, VolumeCollection
from .streams import ByteStream, Event, EventStream, ExecStream, ProgressStream, StatsStream, Stream

__version__ = "0.1.0"
library_version: str = _s(_lib.berth_library_version())

__all__ = [
    "Client", "detect", "in_container", "library_version",
    "Container", "ContainerCollection", "ExecResult", "ReadyResult",
    "Image", "ImageCollection", "Volume", "VolumeCollection", "Network", "NetworkCollection",
    "Stream", "ByteStream", "ExecStream", "EventStream", "StatsStream", "ProgressStream", "Event",
    "Error", "NotFound", "Exists", "Conflict", "Already", "Timeout", "Unavailable", "PermissionDenied",
    "Unsupported", "EngineError", "ProtocolError", "InvalidArgument", "NoMemory", "Cancelled",
    "ContainerError", "error_class",
]
