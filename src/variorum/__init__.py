"""variorum: where has this text been published before, and what changed?

The public API (see ``docs/api.md``)::

    import variorum
    ix = variorum.Index("corpus.db")
    ix.add("examples/")
    ix.families()
    ix.query("new.txt")
    variorum.compare("a.txt", "b.pdf")
    variorum.collate(["2018.txt", "2019.docx", "2020.html"])

Names are imported on first use, so that ``import variorum`` (and every CLI command) stays fast.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module that defines it
_EXPORTS = {
    "Index": "variorum.api",
    "compare": "variorum.api",
    "collate": "variorum.api",
    "read": "variorum.api",
    "read_text": "variorum.api",
    "Settings": "variorum.config",
    "VariorumError": "variorum.errors",
    "InputError": "variorum.errors",
    "Document": "variorum.model",
    "Family": "variorum.results",
    "Passage": "variorum.model",
    "Segment": "variorum.model",
    "Skip": "variorum.model",
    "AddResult": "variorum.results",
    "Change": "variorum.results",
    "CollationResult": "variorum.results",
    "Comparison": "variorum.results",
    "DocumentInfo": "variorum.results",
    "Families": "variorum.results",
    "Match": "variorum.results",
    "Passages": "variorum.results",
    "QueryResult": "variorum.results",
    "Relations": "variorum.results",
    "SharedPassage": "variorum.results",
}

__all__ = [
    "AddResult",
    "Change",
    "CollationResult",
    "Comparison",
    "Document",
    "DocumentInfo",
    "Families",
    "Family",
    "Index",
    "InputError",
    "Match",
    "Passage",
    "Passages",
    "QueryResult",
    "Relations",
    "Segment",
    "Settings",
    "SharedPassage",
    "Skip",
    "VariorumError",
    "__version__",
    "collate",
    "compare",
    "read",
    "read_text",
]

if TYPE_CHECKING:
    from variorum.api import Index, collate, compare, read, read_text
    from variorum.config import Settings
    from variorum.errors import InputError, VariorumError
    from variorum.model import Document, Passage, Segment, Skip
    from variorum.results import (
        AddResult,
        Change,
        CollationResult,
        Comparison,
        DocumentInfo,
        Families,
        Family,
        Match,
        Passages,
        QueryResult,
        Relations,
        SharedPassage,
    )


class _Package(types.ModuleType):
    """``variorum.collate`` is the API's function, though ``variorum/collate/`` is a subpackage:
    importing a submodule sets it as an attribute of its package, which would replace the
    function; here an exported name keeps its value (``import variorum.collate`` still works)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'variorum' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
