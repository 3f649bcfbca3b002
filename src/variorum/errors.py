"""The exception tree. Every error a user can cause is a ``VariorumError`` with a one-line message.

    VariorumError
    ├── InputError            an input file or record cannot be read (names the file and the reason)
    │   ├── UnsupportedFormat     not a format variorum reads (or a binary file)
    │   ├── EmptyDocument         no text left after extraction
    │   ├── EncryptedDocument     a password-protected PDF or DOCX
    │   ├── MalformedDocument     a corrupt PDF/DOCX/HTML, or a bad JSON Lines record
    │   └── TooLarge              over a limit of one input (size, expansion, nesting): a zip bomb
    ├── IndexError_           the SQLite index is missing, unreadable, or of a newer schema
    ├── UsageError            a bad argument combination or an unknown id
    └── WorkerError           a worker process preparing documents died (e.g. out of memory) or failed

The CLI prints ``str(error)`` and exits 1; library code never prints. Apart from the tree,
:class:`Interrupted` is the ``KeyboardInterrupt`` of an ``add`` stopped by Ctrl-C, which says how
many documents it kept (the CLI exits 130).
"""

from __future__ import annotations


class VariorumError(Exception):
    """Base of every error variorum raises on purpose."""


class InputError(VariorumError):
    """An input cannot be read. ``path`` names it; the message says why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        # Raised in reader processes too: pickled with the arguments its __init__ takes.
        return (type(self), (self.path, self.reason))


class UnsupportedFormat(InputError):
    """The file is not one of the formats variorum reads, or is binary."""


class EmptyDocument(InputError):
    """The file was read, but no text remained after extraction."""


class EncryptedDocument(InputError):
    """The file is password-protected and its text cannot be extracted."""


class MalformedDocument(InputError):
    """The file or record is corrupt or does not follow its format."""


class TooLarge(InputError):
    """The input is over one of the limits of :mod:`variorum.config` (file size, text length,
    expansion ratio, nesting depth); the message names the limit."""


class IndexError_(VariorumError):
    """The SQLite index cannot be used as it is (missing, corrupt, or too new a schema)."""


class WorkerError(VariorumError):
    """A worker process of ``add`` died or failed; the batches committed before it are kept."""


class UsageError(VariorumError):
    """The caller asked for something that cannot be done (unknown id, bad flag combination)."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped an ``add``; ``kept`` documents it added were committed and stay indexed."""

    def __init__(self, kept: int) -> None:
        super().__init__(f"interrupted: {kept} documents kept")
        self.kept = kept

    def __reduce__(self) -> tuple[type, tuple[int]]:
        return (type(self), (self.kept,))


__all__ = [
    "EmptyDocument",
    "EncryptedDocument",
    "IndexError_",
    "InputError",
    "Interrupted",
    "MalformedDocument",
    "TooLarge",
    "UnsupportedFormat",
    "UsageError",
    "VariorumError",
    "WorkerError",
]
