"""The whole terminal output of the lecture's commands, line by line, against tests/expected/*.txt.

These files guard the layout (titles, column order and widths, notes, blank lines); every line was
read before it was kept. The numbers in them are held by the golden files (tests/test_golden.py),
not by these files. After a deliberate change of the layout, rewrite them with

    .venv/bin/python -m pytest tests/test_expected.py --update-expected

and read the diff (`git diff tests/expected`) line by line before committing. The suite never
passes --update-expected.
"""

import pytest

from .conftest import EXPECTED, assert_same_lines

COMMANDS = {
    "nnstep": [],
    "forward": ["forward"],
    "backprop": ["backprop"],
    "update": ["update"],
    "train-epochs-8000": ["train", "--epochs", "8000"],
    "verify-errata-only": ["verify", "--errata-only"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_output_is_the_expected_file(cli, request, name):
    path = EXPECTED / f"{name}.txt"
    actual = cli.ok(*COMMANDS[name])
    if request.config.getoption("--update-expected"):
        path.write_text(actual, encoding="utf-8")
        pytest.skip(f"rewrote {path.relative_to(EXPECTED.parent.parent)}: read the diff before committing")
    assert_same_lines(actual, path.read_text(encoding="utf-8"), f"nnstep {' '.join(COMMANDS[name])}".rstrip())


def test_every_expected_file_belongs_to_a_command():
    assert sorted(p.stem for p in EXPECTED.glob("*.txt")) == sorted(COMMANDS)
