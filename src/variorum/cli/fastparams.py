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

and anything else (a number, an ``Enum`` or a ``Path`` typed on the command line) goes to typer's
own coercion, built on first use as before. ``tests/test_cli_params.py`` checks, for every
parameter of every command, that the two give the same value. If typer's internals are not the
ones this module knows (another major version), :func:`install` leaves typer as it is: slower,
never different.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

_MISSING = object()


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
    if isinstance(annotation, type) and issubclass(annotation, Path) and isinstance(value, annotation):
        path_type = getattr(info, "path_type", None) or annotation
        return coerce_path(value, info, path_type=path_type, param=param, ctx=ctx)
    return _MISSING
