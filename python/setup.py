# The cffi extension berth._native is built by berth/_build.py (API mode):
# see that file for where the library and headers are looked for.
from setuptools import setup

setup(cffi_modules=["berth/_build.py:ffibuilder"])
