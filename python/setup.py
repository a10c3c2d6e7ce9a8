# The cffi extension berth._native is built by berth/_build.py (API mode):
# see that file for where the library and headers are looked for. Each
# build starts in a fresh directory (removed at exit), so a module built
# against another libberth (another prefix or build tree) is never reused.
import atexit
import shutil
import tempfile

from setuptools import setup

build_base = tempfile.mkdtemp(prefix="berth-python-build-")
atexit.register(shutil.rmtree, build_base, True)
setup(cffi_modules=["berth/_build.py:ffibuilder"], options={"build": {"build_base": build_base}})
