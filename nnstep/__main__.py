"""`python -m nnstep`: the same command as `nnstep`, whose console script calls `run` too, so that
Ctrl-C during start-up (while the command line is imported) ends quietly, as it does later.

`nnstep --help` in a terminal of 80 columns or more prints the help click would print there
(nnstep/cli/help.txt, held equal to click's by a test) without importing click."""

import os
import sys


def _columns() -> int:
    """The terminal width as click's help formatter takes it (shutil.get_terminal_size's rules)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns or 80


def _quick_help() -> bool:
    """Print the stored top-level help where it is exactly what click would print."""
    if sys.argv[1:] not in (["--help"], ["-h"]) or _columns() < 80:
        return False
    path = os.path.join(os.path.dirname(__file__), "cli", "help.txt")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return False
    sys.stdout.write(text)
    sys.stdout.flush()
    return True


def run() -> None:
    try:
        if _quick_help():
            return
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    main(prog_name="nnstep")


if __name__ == "__main__":
    run()
