"""The ``variorum`` command: a thin edge over :mod:`variorum.pipeline`.

Results go to stdout (tables, or JSON with ``--json``); progress and messages go to stderr. A
user error ends with one line on stderr and exit status 1, never a traceback.

``compare`` and ``collate --files`` with plain arguments run without typer
(:mod:`variorum.cli.quick`); every other command line is parsed by typer, imported then.
"""

from __future__ import annotations

import os
import sys

# One BLAS thread: the command's linear algebra is a few small matrices (stemma bootstrap), and
# OpenBLAS's default pool of threads burns ~0.1 s of CPU at every start, competing for the cores
# with the work itself. Set before anything imports numpy; a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import types
from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any

from variorum.errors import Interrupted, VariorumError

if TYPE_CHECKING:
    import typer


class _Package(types.ModuleType):
    """This package, whose ``app`` is the typer application even once its submodule ``app`` is
    imported (the import system then sets the submodule there, which would hide it)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "app" and isinstance(value, types.ModuleType):
            value = value.app
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def app_for(argv: Sequence[str]) -> typer.Typer:
    """:data:`app` with only the command ``argv`` names, or all of it when none is named.

    Typer builds every registered command (their parameters, from each signature's type hints)
    before it runs one: ~50 ms of each start for fourteen commands. A copy that holds only the
    command asked for parses, runs and reports errors as the whole app does; ``--help``, a
    misspelt command or no command at all get the whole app.
    """
    import copy

    from typer.main import get_command_name

    from variorum.cli.app import app

    name = next((arg for arg in argv if not arg.startswith("-")), None)
    picked = [
        info
        for info in app.registered_commands
        if info.callback is not None and (info.name or get_command_name(info.callback.__name__)) == name
    ]
    if len(picked) != 1:
        return app
    one = copy.copy(app)
    one.registered_commands = picked
    return one


def _with_typer(argv: list[str] | None) -> int:
    """Parse and run ``argv`` with typer; typer's own exceptions become exit statuses."""
    import typer

    cli_app = import_module("variorum.cli.app")
    try:
        runner = app_for(sys.argv[1:] if argv is None else argv)
        result = runner(args=argv, prog_name="variorum", standalone_mode=False)
    except typer.Exit as e:
        return e.exit_code
    except typer.Abort:
        sys.stderr.write("interrupted\n")
        return 130
    except typer.TyperException as e:  # usage errors: unknown option, missing argument
        sys.stderr.write(f"error: {e.format_message()}\n")
        return 1
    if result == 130 and not cli_app.INTERRUPT_REPORTED:  # typer ends a Ctrl-C silently
        sys.stderr.write("interrupted: work committed before this point is kept in the index\n")
    return result if isinstance(result, int) else 0


#: Allocations between two collections of the youngest generation while a quick command runs
#: (Python's default is 700). Collating two one-page files allocates ~50,000 containers that
#: live as long as the process, nearly all of them free of cycles: the default thresholds made
#: ~70 collections of them, 15 ms of a 230 ms command, that freed next to nothing. Cycles
#: are still collected, after this many allocations.
QUICK_GC_THRESHOLD = 50_000


def _quick(command: Any) -> int:
    """Run a command :mod:`variorum.cli.quick` parsed, ending as typer ends one."""
    try:
        command()
    except EOFError:  # typer: a blank line and an abort
        sys.stderr.write("\ninterrupted\n")
        return 130
    except KeyboardInterrupt:  # typer: exit status 130, reported by main
        sys.stderr.write("interrupted: work committed before this point is kept in the index\n")
        return 130
    except OSError as e:
        import errno

        if e.errno != errno.EPIPE:
            raise
        # As typer does: stdout and stderr stop complaining at exit, and the status is 1.
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
        sys.stderr = PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
        sys.exit(1)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 user error, 130 interrupted)."""
    import gc

    from variorum.cli.code_cache import compiled_dataclasses
    from variorum.text.lazy_pattern import cached_re

    thresholds = gc.get_threshold()
    gc.set_threshold(QUICK_GC_THRESHOLD, *thresholds[1:])  # from the first import on
    try:
        # The modules a quick command imports define ~30 dataclasses and compile ~55 regular
        # expressions (the standard library's, numpy's): both come compiled from the user cache
        # (variorum.cli.code_cache, variorum.text.lazy_pattern), until typer takes over.
        with cached_re(), compiled_dataclasses():
            from variorum.cli.quick import parse

            command = parse(sys.argv[1:] if argv is None else argv)
            if command is not None:
                global _QUICK_RAN
                _QUICK_RAN = True
                try:
                    return _quick(command)
                finally:
                    # As it was, for a caller that goes on. Not where the process ends next
                    # (run): the first allocation after would collect every object the command
                    # made, ~7 ms of CPU spent freeing nothing.
                    if not _ENDS_PROCESS:
                        gc.set_threshold(*thresholds)
        gc.set_threshold(*thresholds)  # the other commands, some long, as Python has it
        return _with_typer(argv)
    except VariorumError as e:
        sys.stderr.write(f"error: {e}\n")
        return 1
    except Interrupted as e:  # the library's, when called outside a command that reports it
        sys.stderr.write(f"{e}\n")
        return 130
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: work committed before this point is kept in the index\n")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # an output that cannot be written: /proc/x, a full disk, a folder
        where = f"{e.filename}: " if e.filename else ""
        sys.stderr.write(f"error: {where}{e.strerror or e}\n")
        return 1
    except Exception as e:
        # The index failed outside a write (a corrupt page, a lost file). sqlite3 is looked up,
        # not imported: a command that never imported it cannot have raised its errors, and
        # importing it costs every start ~7 ms.
        sqlite3 = sys.modules.get("sqlite3")
        if sqlite3 is None or not isinstance(e, sqlite3.Error):
            raise
        sys.stderr.write(f"error: the index cannot be read: {e}\n")
        return 1


#: Whether :func:`main` ran a quick command (then :func:`run` ends the process at once).
_QUICK_RAN = False
#: Set by :func:`run`: the process ends when :func:`main` returns from a quick command.
_ENDS_PROCESS = False


def run() -> None:
    """Console-script entry point."""
    global _ENDS_PROCESS
    _ENDS_PROCESS = True
    status = main()
    # The command is over and has said so. A Ctrl-C from here on would only cut the teardown,
    # where Python puts the default handler back: the process would die by the signal, saying
    # nothing, its work done and committed, and a caller would read that as interrupted.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _QUICK_RAN:
        _exit_now(status)
    sys.exit(status)


def _exit_now(status: int) -> None:
    """End the process after a quick command without tearing the interpreter down.

    An exit frees every module and object one by one (numpy's among them): 15-40 ms after a
    ~200 ms ``collate --files``, for memory the system reclaims anyway. Here the output is
    flushed and the exit handlers run (the pattern cache is saved by one), and then the process
    ends. Where flushing fails (a closed pipe), the usual exit takes over and reports it as
    Python does.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    import atexit

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(status)


def __getattr__(name: str) -> Any:
    """``app`` and ``typer``, imported on first use (the quick commands never need them)."""
    if name == "app":
        return import_module("variorum.cli.app").app
    if name == "typer":
        import typer

        return typer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "app_for", "main", "run", "typer"]
