"""`python -m nnstep`: the same command as `nnstep`, whose console script calls `run` too, so that
Ctrl-C during start-up (while the command line is imported) ends quietly, as it does later."""

import sys


def run() -> None:
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    main(prog_name="nnstep")


if __name__ == "__main__":
    run()
