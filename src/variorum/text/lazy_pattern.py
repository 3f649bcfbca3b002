"""Regular expressions compiled on first use.

The date, role and claim modules hold a few dozen large multilingual patterns (month names in
eight languages, UN header formulas, figure and citation grammars); compiling them all takes
tens of milliseconds, which every command paid at import, whether it read a date or not. A
:class:`LazyPattern` stands where the compiled pattern stood and compiles it the first time an
attribute other than ``pattern`` is read; the attribute is then kept on the instance, so later
calls cost what a call on the compiled pattern costs.

It is not the compiled pattern itself: code that compares a match's ``.re`` with it must compare
with :meth:`LazyPattern.compiled`.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any


class LazyPattern:
    """``module.compile(pattern, flags)`` (``re`` or ``regex``), done on first use."""

    def __init__(self, module: ModuleType, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern  # readable without compiling: patterns are built from others
        self._module = module
        self._flags = flags
        self._compiled: Any = None

    def compiled(self) -> Any:
        """The compiled pattern (``re.Pattern`` or ``regex.Pattern``)."""
        if self._compiled is None:
            self._compiled = self._module.compile(self.pattern, self._flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not set yet: compile, then keep the attribute (a bound
        # method such as ``search``) on the instance so the next lookup does not come here.
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self.compiled(), name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"
