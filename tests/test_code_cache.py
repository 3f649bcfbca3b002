"""Dataclass functions compiled from the user cache are the functions ``dataclasses`` makes."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from variorum.cli import code_cache
from variorum.cli.code_cache import compiled_dataclasses

METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__", "__lt__", "__ge__")


def define() -> list[type]:
    """Dataclasses of the kinds variorum defines (frozen, defaults, factories, keyword-only, ordered)."""

    @dataclass(frozen=True)
    class Frozen:
        """A frozen class with a default and a factory."""

        name: str
        count: int = 3
        tags: tuple[str, ...] = field(default_factory=tuple)
        note: list[int] = field(default_factory=list, compare=False, repr=False)

    @dataclass(order=True)
    class Ordered:
        a: int
        b: float = 0.5

    @dataclass(frozen=True, kw_only=True, slots=True)
    class Keywords:
        x: int
        y: Any = None

    @dataclass(eq=False)
    class Plain:
        items: dict[str, int] = field(default_factory=dict)

    return [Frozen, Ordered, Keywords, Plain]


def codes(classes: list[type]) -> list[tuple[str, str, Any]]:
    found = []
    for cls in classes:
        for name in METHODS:
            fn = vars(cls).get(name)
            if fn is not None and hasattr(fn, "__code__"):
                found.append((cls.__name__, name, fn.__code__))
    return found


def behaviour(classes: list[type]) -> list[Any]:
    frozen, ordered, keywords, plain = classes
    f = frozen("a", tags=("t",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.name = "b"  # type: ignore[misc]
    return [
        repr(f),
        f == frozen("a", 3, ("t",), [1]),
        hash(f) == hash(frozen("a", 3, ("t",))),
        repr(ordered(1)),
        ordered(1) < ordered(1, 0.7),
        repr(keywords(x=1)),
        keywords(x=1) == keywords(x=1, y=None),
        repr(plain()),
        plain() == plain(),
        [f.name for f in dataclasses.fields(frozen)],
        frozen.__doc__,
        ordered.__doc__,
    ]


def test_functions_from_the_cache_are_the_compiled_ones(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("VARIORUM_CACHE_DIR", str(tmp_path))
    plain = define()
    with compiled_dataclasses() as first:
        assert first is not None
        compiled = define()
        assert first.new  # compiled, and kept at the end of the block
    assert "exec" not in vars(dataclasses)
    assert Path(code_cache.cache_path()).is_file()
    with compiled_dataclasses() as second:
        assert second is not None
        cached = define()
        assert not second.new and second.used  # every function's code came from the file
    assert "exec" not in vars(dataclasses)
    want = codes(plain)
    assert len(want) >= 12
    assert codes(compiled) == want
    assert codes(cached) == want
    assert behaviour(cached) == behaviour(plain) == behaviour(compiled)


def test_a_damaged_or_unwritable_cache_compiles_as_before(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("VARIORUM_CACHE_DIR", str(tmp_path))
    path = Path(code_cache.cache_path())
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00not marshal data")
    with compiled_dataclasses() as cache:
        assert cache is not None and not cache.codes
        damaged = define()
    assert codes(damaged) == codes(define())
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("VARIORUM_CACHE_DIR", str(blocker))
    with compiled_dataclasses() as cache:
        unwritable = define()
    assert cache is not None and not Path(code_cache.cache_path()).exists()
    assert codes(unwritable) == codes(define())


def test_an_inner_block_leaves_the_outer_one_in_place(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("VARIORUM_CACHE_DIR", str(tmp_path))
    with compiled_dataclasses() as outer:
        with compiled_dataclasses() as inner:
            assert inner is None
        assert vars(dataclasses)["exec"] == outer.exec  # type: ignore[union-attr]
        define()
    assert "exec" not in vars(dataclasses)


def test_exec_without_namespaces_runs_in_its_callers():
    cache = code_cache.CodeCache("/nonexistent/code.marshal")
    marker = "this frame"  # noqa: F841  (read by the exec'd source)
    seen: dict[str, str] = {}
    cache.exec("seen['marker'] = marker\nseen['module'] = __name__")
    assert seen == {"marker": "this frame", "module": __name__}
    namespace: dict[str, Any] = {}
    cache.exec("def f():\n return 2\n", namespace)
    assert namespace["f"]() == 2


def test_a_warm_quick_command_compiles_no_dataclass(seeds, tmp_path: Path):
    a, b = (str(path) for path in sorted(seeds.glob("*.txt"))[1:4:2])
    code = (
        "import sys\n"
        "from variorum.cli import code_cache, main\n"
        "compiled = []\n"
        "save = code_cache.CodeCache.save\n"
        "def counting(self):\n"
        "    compiled.append(len(self.new))\n"
        "    return save(self)\n"
        "code_cache.CodeCache.save = counting\n"
        "status = main(sys.argv[1:])\n"
        "print(status, compiled, file=sys.stderr)\n"
    )
    env = {"VARIORUM_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for argv in (["collate", "--files", a, b], ["compare", a, b, "--json"]):
        runs = [
            subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env)
            for _ in range(2)
        ]
        first, second = (run.stderr.strip().splitlines()[-1] for run in runs)
        assert first.startswith("0 [") and first != "0 [0]", runs[0].stderr[-2000:]
        assert second == "0 [0]", runs[1].stderr[-2000:]
