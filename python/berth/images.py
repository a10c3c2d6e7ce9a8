"""Images: list, get, tag, remove, pull, push, load, import."""
from __future__ import annotations

import io
import json
import os
from typing import Any, Dict, List, Mapping, Optional, Union

from ._core import CStrings, b, check, cs, ffi, label_filters, lib, new_err, s, take_string
from .errors import InvalidArgument
from .streams import ProgressStream


class Image:
    """An image. ``attrs`` is the engine's inspect record as a dict
    (fetched on first use for images that came from a list)."""

    def __init__(self, client, id: str, tags: List[str], labels: Dict[str, str], raw: Optional[str] = None,
                 list_attrs: Optional[Dict[str, Any]] = None):
        self.client = client
        self.id = id
        self.tags = tags
        self.labels = labels
        self._raw = raw
        self._attrs: Optional[Dict[str, Any]] = None
        self._list_attrs = list_attrs

    @classmethod
    def _inspect(cls, client, name: str) -> "Image":
        out = ffi.new("berth_image_info **")
        err = new_err()
        check(lib.berth_image_inspect(out, client._c, b(name), err), err)
        i = out[0]
        try:
            return cls(client, s(lib.berth_image_info_id(i)),
                       [s(lib.berth_image_info_tag(i, j)) for j in range(lib.berth_image_info_tag_count(i))],
                       {s(lib.berth_image_info_label_key(i, j)): s(lib.berth_image_info_label_value(i, j))
                        for j in range(lib.berth_image_info_label_count(i))},
                       ffi.string(lib.berth_image_info_raw_json(i)))
        finally:
            lib.berth_image_info_free(i)

    def __repr__(self) -> str:
        return f"<berth.Image {', '.join(self.tags) or self.short_id}>"

    def __eq__(self, other) -> bool:
        return isinstance(other, Image) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def short_id(self) -> str:
        return self.id[:19] if self.id.startswith("sha256:") else self.id[:12]

    @property
    def attrs(self) -> Dict[str, Any]:
        if self._attrs is None:
            if self._raw is None:
                self.reload()
            self._attrs = json.loads(self._raw)
        return self._attrs

    def reload(self) -> None:
        fresh = Image._inspect(self.client, self.id)
        self.__dict__.update(fresh.__dict__)

    def tag(self, repository: str, tag: Optional[str] = None) -> bool:
        self.client.images.tag(self.id, repository, tag)
        return True

    def remove(self, force: bool = False) -> None:
        self.client.images.remove(self.id, force=force)


def _ref(repository: str, tag: Optional[str]) -> str:
    if tag:
        return f"{repository}@{tag}" if tag.startswith("sha256:") else f"{repository}:{tag}"
    return repository


class ImageCollection:
    """``client.images``."""

    def __init__(self, client):
        self.client = client

    def get(self, name: str) -> Image:
        """Inspect an image by name or id (NotFound if absent)."""
        return Image._inspect(self.client, name)

    def exists(self, name: str) -> bool:
        out = ffi.new("int *")
        err = new_err()
        check(lib.berth_image_exists(out, self.client._c, b(name), err), err)
        return bool(out[0])

    def list(self, name: Optional[str] = None, filters: Optional[Mapping[str, Any]] = None,
             all: bool = False) -> List[Image]:
        """The images of the store. ``name`` keeps those with a tag of that
        repository ("repo" or "repo:tag"); ``filters`` takes "label"."""
        labels = CStrings(label_filters(filters))
        opts = ffi.new("berth_image_list_options *")
        opts.version = lib.BERTH_IMAGE_LIST_OPTIONS_VERSION
        opts.labels, opts.label_count = labels.ptr, labels.count
        out = ffi.new("berth_image_list **")
        err = new_err()
        check(lib.berth_image_list_get(out, self.client._c, opts, err), err)
        lst = out[0]
        result = []
        try:
            for i in range(lib.berth_image_list_count(lst)):
                tags = [s(lib.berth_image_list_tag(lst, i, j)) for j in range(lib.berth_image_list_tag_count(lst, i))]
                if name and not any(t == name or t.rsplit(":", 1)[0] == name for t in tags):
                    continue
                labels_d = {s(lib.berth_image_list_label_key(lst, i, j)): s(lib.berth_image_list_label_value(lst, i, j))
                            for j in range(lib.berth_image_list_label_count(lst, i))}
                iid = s(lib.berth_image_list_id(lst, i))
                la = {"Id": iid, "RepoTags": tags,
                      "RepoDigests": [s(lib.berth_image_list_digest(lst, i, j))
                                      for j in range(lib.berth_image_list_digest_count(lst, i))],
                      "Size": int(lib.berth_image_list_size(lst, i)),
                      "Created": int(lib.berth_image_list_created(lst, i)), "Labels": labels_d}
                result.append(Image(self.client, iid, tags, labels_d, list_attrs=la))
        finally:
            lib.berth_image_list_free(lst)
        return result

    def tag(self, image: str, repository: str, tag: Optional[str] = None) -> bool:
        """Give ``image`` (name or id) the extra name repository[:tag]."""
        err = new_err()
        check(lib.berth_image_tag(self.client._c, b(image), b(_ref(repository, tag)), err), err)
        return True

    def remove(self, image: str, force: bool = False) -> None:
        """Remove an image name (the image goes with its last name)."""
        opts = ffi.new("berth_image_remove_options *")
        opts.version = lib.BERTH_IMAGE_REMOVE_OPTIONS_VERSION
        opts.force = int(bool(force))
        err = new_err()
        check(lib.berth_image_remove(self.client._c, b(image), opts, err), err)

    def pull(self, repository: str, tag: Optional[str] = None, all_tags: bool = False,
             platform: Optional[str] = None, insecure: bool = False,
             progress: bool = False) -> Union[Image, List[Image], ProgressStream]:
        """Pull an image into the engine's store; returns the :class:`Image`
        (a list with ``all_tags``). With ``progress=True`` returns a
        :class:`ProgressStream` of progress dicts instead: iterate it to
        drive the pull (its ``image_id``/``digest`` are set at the end)."""
        ref = repository if all_tags else _ref(repository, tag or (None if (":" in repository.rsplit("/", 1)[-1] or "@" in repository) else "latest"))
        opts = ffi.new("berth_pull_options *")
        opts.version = lib.BERTH_PULL_OPTIONS_VERSION
        plat = cs(platform)
        opts.platform, opts.all_tags, opts.insecure = plat, int(all_tags), int(insecure)
        out = ffi.new("berth_stream **")
        err = new_err()
        check(lib.berth_image_pull(out, self.client._c, b(ref), opts, err), err)
        st = ProgressStream(self.client, out[0], ref)
        if progress:
            return st
        with st:
            st.wait()
        if all_tags:
            return self.list(name=repository)
        return self.get(ref)

    def push(self, repository: str, tag: Optional[str] = None, insecure: bool = False,
             progress: bool = False) -> Union[str, ProgressStream]:
        """Push an image to its registry; returns the manifest digest where
        the engine says it ("" otherwise), or with ``progress=True`` a
        :class:`ProgressStream`."""
        ref = _ref(repository, tag)
        opts = ffi.new("berth_push_options *")
        opts.version = lib.BERTH_PUSH_OPTIONS_VERSION
        opts.insecure = int(insecure)
        out = ffi.new("berth_stream **")
        err = new_err()
        check(lib.berth_image_push(out, self.client._c, b(ref), opts, err), err)
        st = ProgressStream(self.client, out[0], ref)
        if progress:
            return st
        with st:
            st.wait()
        return st.digest

    def load(self, data: Union[bytes, str, os.PathLike, io.IOBase]) -> List[Image]:
        """Load the images of a ``docker save`` archive (plain, gzip or
        zstd): ``data`` is the archive's bytes, a path, or a file object
        with a real descriptor. Returns the loaded images."""
        opts = ffi.new("berth_image_import_options *")
        opts.version = lib.BERTH_IMAGE_IMPORT_OPTIONS_VERSION
        opts.fd = -1
        keep = None
        tmp = None
        if isinstance(data, (bytes, bytearray)):
            import tempfile
            tmp = tempfile.TemporaryFile()
            tmp.write(data)
            tmp.seek(0)
            opts.fd = tmp.fileno()
        elif isinstance(data, (str, os.PathLike)):
            keep = cs(os.fspath(data))
            opts.path = keep
        elif hasattr(data, "fileno"):
            opts.fd = data.fileno()
        else:
            raise InvalidArgument("load() takes bytes, a path or a file object", code=lib.BERTH_EINVAL)
        out = ffi.new("char **")
        err = new_err()
        try:
            check(lib.berth_image_import(out, self.client._c, opts, err), err)
        finally:
            if tmp is not None:
                tmp.close()
        names = [n for n in take_string(out).splitlines() if n]
        return [self.get(n) for n in names]

    def import_image(self, src: Union[str, os.PathLike, io.IOBase], repository: Optional[str] = None,
                     tag: Optional[str] = None, changes: Optional[List[str]] = None,
                     message: Optional[str] = None) -> Image:
        """Make a one-layer image of a root file system tarball (docker
        import): ``src`` is a path or a file object; ``changes`` are
        Dockerfile lines ("CMD [\\"sh\\"]", "ENV A=b")."""
        opts = ffi.new("berth_image_import_rootfs_options *")
        opts.version = lib.BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_VERSION
        opts.fd = -1
        path_b = None
        if isinstance(src, (str, os.PathLike)):
            path_b = cs(os.fspath(src))
            opts.path = path_b
        else:
            opts.fd = src.fileno()
        ref_b = cs(_ref(repository, tag)) if repository else ffi.NULL
        msg_b = cs(message)
        ch = CStrings(changes)
        opts.ref, opts.message, opts.changes, opts.change_count = ref_b, msg_b, ch.ptr, ch.count
        out = ffi.new("char **")
        err = new_err()
        check(lib.berth_image_import_rootfs(out, self.client._c, opts, err), err)
        return self.get(take_string(out))
