"""Shared fixtures: the fixture files, and the command line run in a pinned terminal.

Every CLI test runs through the `cli` fixture, so that no test depends on the terminal it is run
from: 80 columns, 25 lines, no colour, a dumb terminal, and none of the variables that make rich
force colour or a width (FORCE_COLOR, COLORTERM, TTY_COMPATIBLE, JUPYTER_COLUMNS, ...).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXPECTED = Path(__file__).resolve().parent / "expected"

# The property tests draw the same examples on every run and every machine, so that a test run
# (and CI on a clean clone) passes or fails for the code, never for a new random draw. To explore
# new examples, run with --hypothesis-profile=explore.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")

# What rich (and click) read from the environment; None removes the variable while a command runs.
PINNED_ENV: dict[str, str | None] = {
    "COLUMNS": "80",
    "LINES": "25",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "FORCE_COLOR": None,
    "COLORTERM": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
    "JUPYTER_COLUMNS": None,
    "JUPYTER_LINES": None,
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-expected",
        action="store_true",
        help="rewrite tests/expected/*.txt from the current output (read every line before committing)",
    )


class Cli:
    """`nnstep ARGS` in-process (click's CliRunner) with PINNED_ENV; stdout and stderr kept apart."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, ...], Result] = {}

    def __call__(self, *args: object, env: dict[str, str | None] | None = None, input: str | None = None) -> Result:
        # catch_exceptions=False: an unexpected exception fails the test with its own traceback
        return CliRunner().invoke(
            _main(),
            [str(a) for a in args],
            env={**PINNED_ENV, **(env or {})},
            input=input,
            prog_name="nnstep",
            catch_exceptions=False,
        )

    def ok(self, *args: object, env: dict[str, str | None] | None = None) -> str:
        """The output (stdout and stderr as a terminal shows them) of a command that must succeed."""
        result = self(*args, env=env)
        assert result.exit_code == 0, result.output
        return result.output

    def cached(self, *args: object) -> Result:
        """The same as calling it, run once per test session: for the slow commands (verify) that
        several tests read."""
        key = tuple(str(a) for a in args)
        if key not in self._cache:
            self._cache[key] = self(*key)
        return self._cache[key]

    def input_error(self, *args: object) -> str:
        """Bad input: exit status 2, nothing on stdout and ONE line on stderr, which is returned."""
        result = self(*args)
        assert result.exit_code == 2, result.output
        assert result.stdout == "", result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        return lines[0]

    def usage_error(self, *args: object) -> str:
        """A bad option: exit status 2, nothing on stdout, click's usage lines and the error line on
        stderr; the error line is returned."""
        result = self(*args)
        assert result.exit_code == 2, result.output
        assert result.stdout == "", result.output
        last = result.stderr.rstrip("\n").splitlines()[-1]
        assert last.startswith("Error: "), result.stderr
        return last


def _main():
    from nnstep.cli import main

    return main


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def assert_same_lines(actual: str, expected: str, what: str) -> None:
    """Line-by-line equality, failing with a unified diff (- expected, + actual)."""
    if actual.splitlines() != expected.splitlines():
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), f"{what} (expected)", f"{what} (actual)", lineterm=""
        )
        pytest.fail("\n".join(diff), pytrace=False)
