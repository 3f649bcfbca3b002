"""From what the user typed (files, folders, glob patterns, ``-``) to the files to read.

The expansion is deterministic, so that two runs over the same folder add documents in the same
order: folder contents and glob matches are sorted. Hidden files and folders (``.git``,
``.DS_Store``) are never documents and are passed over silently; a walked file of an unknown
extension is reported, since a silently ignored ``.rtf`` would look like a missing document.
A file named twice (directly and through its folder, or by two patterns) is read once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path

from variorum.errors import EmptyDocument, InputError
from variorum.ingest.formats import format_of
from variorum.ingest.limits import check_file_size, file_limit
from variorum.model import Skip

STDIN = "-"
MISSING_REASON = "no such file"
NO_MATCH_REASON = "no files match the pattern"
_GLOB_MAGIC = re.compile(r"[*?[]")


def read_bytes(path: str, limit: int | None = None) -> bytes:
    """The bytes of a file, or the :class:`InputError` that says why it cannot be read.

    A file over ``limit`` bytes (:func:`variorum.ingest.limits.file_limit` of its format by
    default) is refused before it is read.
    """
    limit = file_limit(format_of(path)) if limit is None else limit
    try:
        with open(path, "rb") as f:
            check_file_size(path, os.fstat(f.fileno()).st_size, format_of(path))
            data = f.read(limit + 1)  # a file growing while it is read is held to the limit too
            check_file_size(path, len(data), format_of(path))
    except FileNotFoundError as error:
        raise InputError(path, MISSING_REASON) from error
    except IsADirectoryError as error:
        raise InputError(path, "is a folder, not a file (read_inputs walks folders)") from error
    except PermissionError as error:
        raise InputError(path, "cannot read file: permission denied") from error
    except OSError as error:
        raise InputError(path, f"cannot read file: {error.strerror or error}") from error
    if not data:
        raise EmptyDocument(path, "empty file")
    return data


def expand_inputs(
    inputs: Sequence[str], on_skip: Callable[[Skip], None], exclude: Collection[str] = ()
) -> Iterator[str]:
    """The files (and ``-``) named by ``inputs``, in order, each once.

    Missing paths, patterns matching nothing and walked files of unknown extension are passed to
    ``on_skip``; files named directly are yielded whatever their extension (the reader decides).
    Paths in ``exclude``, and everything under an excluded folder, are passed over silently: the
    index and the output folder of a run may lie inside the folder it reads.
    """
    excluded = [os.path.normcase(os.path.realpath(p)) for p in exclude]
    seen: set[str] = {p for p in excluded}

    def is_excluded(key: str) -> bool:
        return any(key == p or key.startswith(p.rstrip(os.sep) + os.sep) for p in excluded)

    def first_time(path: str) -> bool:
        # The real path: a file reached through a link and directly is read once.
        key = path if path == STDIN else os.path.normcase(os.path.realpath(path))
        if key in seen or (key != STDIN and is_excluded(key)):
            return False
        seen.add(key)
        return True

    for item in inputs:
        item = os.fspath(item)
        if item == STDIN or os.path.isfile(item):
            if first_time(item):
                yield item
        elif os.path.isdir(item):
            yield from (path for path in _walk(item, on_skip, is_excluded) if first_time(path))
        elif _GLOB_MAGIC.search(item):
            # wcmatch's ``**`` does not follow links to folders (the standard library's does, and
            # never ends in a folder that links to its parent). Imported here: only globs need it.
            from wcmatch import glob as wcglob

            matches = sorted(wcglob.glob(item, flags=wcglob.GLOBSTAR))
            if not matches:
                on_skip(Skip(item, NO_MATCH_REASON))
            for match in matches:
                if os.path.isdir(match):
                    yield from (path for path in _walk(match, on_skip, is_excluded) if first_time(path))
                elif first_time(match):
                    yield match
        elif os.path.lexists(item):
            on_skip(Skip(item, "not a regular file"))  # a broken link, a socket, a device
        else:
            on_skip(Skip(item, MISSING_REASON))


def _walk(
    folder: str, on_skip: Callable[[Skip], None], is_excluded: Callable[[str], bool] = lambda _: False
) -> Iterator[str]:
    """Every visible, not excluded file under ``folder`` with a known extension, sorted by path."""
    found: list[tuple[tuple[str, ...], str]] = []

    def unreadable(error: OSError) -> None:
        on_skip(Skip(error.filename or folder, f"cannot read folder: {error.strerror or error}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [
            name
            for name in dirs
            if not name.startswith(".")
            and not is_excluded(os.path.normcase(os.path.realpath(os.path.join(root, name))))
        ]
        for name in files:
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            if is_excluded(os.path.normcase(os.path.realpath(path))):
                continue
            found.append((Path(os.path.relpath(path, folder)).parts, path))
    for _, path in sorted(found):
        if format_of(path) is not None:
            yield path
            continue
        extension = os.path.splitext(path)[1].lower() or "(no extension)"
        on_skip(Skip(path, f"unsupported format {extension}"))
