"""`python -m nnstep`: the same command as `nnstep`."""

from .cli import main

main(prog_name="nnstep")
