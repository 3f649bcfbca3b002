"""Typer's parameter coercion without importing pydantic for values that need no conversion.

Typer (0.29 and later) coerces every parameter value through a pydantic ``TypeAdapter``, built
the first time the parameter is processed, default values included. Importing pydantic and
building the adapters costs 70-150 ms on this project's machine, a third of what ``variorum
compare`` of two one-page files takes, and nearly all of it converts a ``str`` into the same
``str``. :func:`install` puts a deferring coercion in front of typer's: the values whose result
is already known are returned as typer would return them, namely

* a ``str`` for a ``str`` parameter, and a sequence of ``str`` for a ``list[str]`` one (typer
  makes it a list), when the parameter has no custom parser;
* an ``Enum`` member for an ``Enum`` parameter (typer's choice coercion returns it as is);
* a ``Path`` for a ``Path`` parameter (a default): typer's own path checks run on it, which
  need no adapter;
* a ``bool``, ``int`` or ``float`` for a parameter of that type (a flag, a default);

and, typed on the command line, an ``Enum`` member's exact value, a non-empty path, and a plain
decimal number (``0.8``, ``-3``, at most 15 digits, where ``int``/``float`` and pydantic read the
same number), for a parameter with no range. Anything else goes to typer's own coercion, built on
first use as before, so that a value typer refuses is refused with typer's own message.
``tests/test_cli_start.py`` checks, for every parameter of every command and many values, that
the two give the same value or the same error. If typer's internals are not the
ones this module knows (another major version), :func:`install` leaves typer as it is: slower,
never different.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

_MISSING = object()
#: Numbers read here: no sign but "-", no leading zeros, no exponent, underscore or space.
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,14})")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def install() -> bool:
    """Put the deferring coercion in front of typer's; False when typer is not the one known."""
    try:
        from typer import _coercion, _param_types, core
    except ImportError:  # pragma: no cover - another typer
        return False
    original = getattr(core, "build_runtime_param", None)
    base = getattr(_coercion, "RuntimeParam", None)
    coerce_path = getattr(_param_types, "coerce_cli_path", None)
    if original is None or base is None or coerce_path is None or getattr(original, "_deferring", False):
        return original is not None and getattr(original, "_deferring", False)

    @dataclass(frozen=True)
    class DeferredRuntimeParam(base):  # type: ignore[misc, valid-type]
        """Returns the values that need no conversion; hands the rest to typer's coercion."""

        descriptor: Any = None
        built: list[Any] | None = None

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            known = _known(self.annotation, self.parameter_info, value, param, ctx, coerce_path)
            if known is not _MISSING:
                return known
            if not self.built:
                self.built.append(original(self.descriptor))  # type: ignore[union-attr]
            return self.built[0]._coerce_value(value, param=param, ctx=ctx)  # type: ignore[index]

    def build_runtime_param(descriptor: Any) -> Any:
        if descriptor.file_annotation is not None:
            return original(descriptor)  # files: typer opens them, no adapter either
        return DeferredRuntimeParam(
            annotation=descriptor.annotation,
            parameter_info=descriptor.parameter_info,
            descriptor=descriptor,
            built=[],
        )

    build_runtime_param._deferring = True  # type: ignore[attr-defined]
    build_runtime_param.original = original  # type: ignore[attr-defined]
    core.build_runtime_param = build_runtime_param
    return True


def _known(annotation: Any, info: Any, value: Any, param: Any, ctx: Any, coerce_path: Any) -> Any:
    """The coerced value when it needs no adapter, else ``_MISSING``."""
    if getattr(info, "parser", None) is not None:
        return _MISSING
    if annotation is str and isinstance(value, str):
        return value
    if get_origin(annotation) is list and get_args(annotation) == (str,):
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return list(value)
        return _MISSING
    if isinstance(annotation, type) and issubclass(annotation, Enum) and isinstance(value, annotation):
        return value
    if isinstance(annotation, type) and issubclass(annotation, Enum) and isinstance(value, str):
        if getattr(info, "case_sensitive", True) is not True:
            return _MISSING
        return next((member for member in annotation if member.value == value), _MISSING)
    if isinstance(annotation, type) and issubclass(annotation, Path):
        if isinstance(value, str) and value:
            value = annotation(value)
        if isinstance(value, annotation):
            path_type = getattr(info, "path_type", None) or annotation
            return coerce_path(value, info, path_type=path_type, param=param, ctx=ctx)
        return _MISSING
    if annotation is bool and type(value) is bool:
        return value
    if annotation not in (int, float) or _ranged(info):
        return _MISSING
    if type(value) is annotation:
        return value
    if isinstance(value, str):
        if annotation is int and _INTEGER.fullmatch(value):
            return int(value)
        if annotation is float and _DECIMAL.fullmatch(value) and len(value) <= 16:
            return float(value)
    return _MISSING


def _ranged(info: Any) -> bool:
    """Whether the parameter has a range (typer checks it in its own coercion)."""
    return any(getattr(info, name, None) not in (None, False) for name in ("min", "max", "clamp"))
