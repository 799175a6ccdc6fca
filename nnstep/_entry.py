"""The `nnstep` console script: Ctrl-C while the command line is still being imported (start-up)
ends quietly, like Ctrl-C later on (nnstep.cli turns that into one line and exit status 130)."""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    main()
