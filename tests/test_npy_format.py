"""``.npy`` files read without numpy: what numpy writes, read back value for value."""

from __future__ import annotations

import numpy as np
import pytest

from variorum import npy_format


@pytest.mark.parametrize("dtype", ["u1", "<u2", "<i4", "<u4", "<f4", "<i8", "<u8", "<f8"])
@pytest.mark.parametrize("shape", [(0,), (7,), (3, 5), (2, 0, 4)])
def test_what_numpy_writes_is_read_back(tmp_path, dtype, shape):
    values = (np.arange(int(np.prod(shape))) * 37 % 251).astype(dtype).reshape(shape)
    path = tmp_path / "a.npy"
    np.save(path, values, allow_pickle=False)
    found = npy_format.read(path)
    if values.size == 0 and path.stat().st_size == 0:
        return
    assert found is not None
    descr, got_shape, view = found
    assert descr == values.dtype.str and got_shape == shape
    assert view.tolist() == values.ravel().tolist()


def test_what_is_not_read_here_is_left_to_numpy(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, np.asfortranarray(np.ones((3, 4), dtype="<f4")), allow_pickle=False)
    assert npy_format.read(path) is None  # Fortran order
    np.save(path, np.ones(4, dtype=">f4"), allow_pickle=False)
    assert npy_format.read(path) is None  # another byte order
    np.save(path, np.ones(4, dtype="<f2"), allow_pickle=False)
    assert npy_format.read(path) is None  # a type not read here
    np.save(path, np.arange(10, dtype="<i4"), allow_pickle=False)
    data = path.read_bytes()
    for broken in (data[:-1], data[:9], b"", b"not an array", data.replace(b"(10,)", b"(11,)")):
        path.write_bytes(broken)
        assert npy_format.read(path) is None
    assert npy_format.read(tmp_path / "missing.npy") is None
