"""The ``variorum`` command: a thin edge over :mod:`variorum.pipeline`.

Results go to stdout (tables, or JSON with ``--json``); progress and messages go to stderr. A
user error ends with one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import copy
import os
import sys

# One BLAS thread: the command's linear algebra is a few small matrices (stemma bootstrap), and
# OpenBLAS's default pool of threads burns ~0.1 s of CPU at every start, competing for the cores
# with the work itself. Set before anything imports numpy; a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
from collections.abc import Sequence

import typer
from typer.main import get_command_name

from variorum.cli import app as cli_app
from variorum.cli import fastparams
from variorum.cli.app import app
from variorum.errors import Interrupted, VariorumError

fastparams.install()  # values that need no conversion (most of them) skip pydantic


def app_for(argv: Sequence[str]) -> typer.Typer:
    """:data:`app` with only the command ``argv`` names, or all of it when none is named.

    Typer builds every registered command (their parameters, from each signature's type hints)
    before it runs one: ~50 ms of each start for fourteen commands. A copy that holds only the
    command asked for parses, runs and reports errors as the whole app does; ``--help``, a
    misspelt command or no command at all get the whole app.
    """
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


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 user error, 130 interrupted)."""
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
    if result == 130 and not cli_app.INTERRUPT_REPORTED:  # typer ends a Ctrl-C silently
        sys.stderr.write("interrupted: work committed before this point is kept in the index\n")
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


__all__ = ["app", "app_for", "main", "run", "typer"]
