"""Arrays that variorum keeps in ``.npy`` files, read without numpy.

A command on two one-page files (``variorum collate --files a b``) reads two such files of the
user cache, the stemma bootstrap's replicates and the language model's copy, and importing
numpy to read them was ~40 ms of its ~130 ms. The format is simple: a magic string, a version,
the header's length, the header (a Python dict literal: the data type, the order and the
shape), then the values in C order. :func:`read` gives them as a flat ``memoryview`` of the file
(memory-mapped, like ``np.load(mmap_mode="r")``), or None for anything it does not read as
numpy would (another byte order, Fortran order, a type it does not know), and the caller then
asks numpy. ``tests/test_npy_format.py`` reads what numpy writes.
"""

from __future__ import annotations

import ast
import mmap
import os
import struct
import sys

_MAGIC = b"\x93NUMPY"
#: numpy's data types read here, as ``memoryview`` formats (of the same size, checked below).
_FORMATS = {"|u1": "B", "<u2": "H", "<i4": "i", "<u4": "I", "<f4": "f", "<i8": "q", "<u8": "Q", "<f8": "d"}
_SIZES = {"|u1": 1, "<u2": 2, "<i4": 4, "<u4": 4, "<f4": 4, "<i8": 8, "<u8": 8, "<f8": 8}


def read(path: str | os.PathLike[str]) -> tuple[str, tuple[int, ...], memoryview] | None:
    """The data type, the shape and the values (flat, C order) of the ``.npy`` file at
    ``path``; None when the file is missing, damaged, or not read here (see the module
    docstring)."""
    if sys.byteorder != "little":
        return None
    try:
        with open(path, "rb") as f:
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable, or empty (which cannot be mapped)
        return None
    view = memoryview(mapped)
    if len(view) < 10 or view[:6] != _MAGIC or view[6] not in (1, 2, 3):
        return None
    size = 2 if view[6] == 1 else 4
    start = 8 + size + int.from_bytes(view[8 : 8 + size], "little")
    try:
        header = ast.literal_eval(bytes(view[8 + size : start]).decode("latin-1"))
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None
    if not isinstance(header, dict) or header.get("fortran_order") is not False:
        return None
    descr, shape = header.get("descr"), header.get("shape")
    if descr not in _FORMATS or not isinstance(shape, tuple) or not all(isinstance(n, int) for n in shape):
        return None
    fmt = _FORMATS[descr]
    count = 1
    for n in shape:
        count *= n
    if struct.calcsize(fmt) != _SIZES[descr] or len(view) - start != count * _SIZES[descr]:
        return None
    return descr, shape, view[start:].cast(fmt)
