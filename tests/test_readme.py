"""Every `console` transcript of README.md, rerun: each `$ nnstep ...` line's output as shown.

A line "..." in a transcript stands for lines left out (any number, none included); trailing
spaces are stripped, as the README has none, and so are the blank lines that end an output.
Numbers written with 13 or more decimals (`--save` writes repr) are compared to 12 significant
digits: their last bits depend on the BLAS kernel that summed them. The
commands run in a temporary directory (the files they write land there) where `fixtures/` is the
repository's. `| head -N`, `| tail -N`, `cat FILE` and `grep -AN TEXT FILE` are done in Python.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
from dataclasses import dataclass, field

import pytest

from .conftest import ROOT, assert_same_lines

README = ROOT / "README.md"

# Directories that the transcripts write into and take as existing (as docs/ does in the repository).
DIRECTORIES = ("docs", "sheets")

# Transcripts that cannot be rerun by a test, and why (each must still be in the README).
NOT_RERUN = {
    "make demo": "sets up .venv: not an nnstep command",
    "make test": "runs this test suite",
    "make bench": "timings of this machine",
    "nnstep train --epochs 100000000 --save partial.yaml": "interrupted by hand (Ctrl-C) at an arbitrary epoch",
    "head -3 points.csv": "points.csv is made-up data that is not shipped",
    "cat points_model.yaml": "the model of points.csv, which is not shipped",
    "nnstep train --model points_model.yaml --data points.csv --epochs 1000": "points.csv is not shipped",
    "nnstep forward --model model.yaml": "shows the error of a model file with a typo that is not shipped",
    "nnstep forward --data data.csv --targets Y": "shows the error of a CSV file that is not shipped",
}


@dataclass
class Command:
    line: int  # in README.md
    text: str
    expected: list[str] = field(default_factory=list)


@dataclass
class Transcript:
    line: int
    commands: list[Command]

    @property
    def id(self) -> str:
        return f"README.md:{self.line} {self.commands[0].text.split('#')[0].strip()}"


def transcripts() -> list[Transcript]:
    found, block = [], None
    for number, line in enumerate(README.read_text(encoding="utf-8").splitlines(), 1):
        if block is None:
            if line.strip() == "```console":
                block = Transcript(number + 1, [])
        elif line.strip() == "```":
            found.append(block)
            block = None
        elif line.startswith("$ "):
            block.commands.append(Command(number, line[2:]))
        else:
            assert block.commands, f"README.md:{number}: output before the first $ line"
            block.commands[-1].expected.append(line.rstrip())
    return found


TRANSCRIPTS = transcripts()


def matches(actual: list[str], expected: list[str]) -> bool:
    """`expected` with each "..." line standing for any lines (in order, anchored at both ends)."""
    pattern = "".join(".*?" if line == "..." else re.escape(line + "\n") for line in expected)
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual), re.DOTALL) is not None


LONG_NUMBER = re.compile(r"-?\d+\.\d{13,}")


def trimmed(lines: list[str]) -> list[str]:
    lines = [LONG_NUMBER.sub(lambda m: f"{float(m[0]):.12g}", line.rstrip()) for line in lines]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def optional_modules(text: str) -> list[str]:
    """The optional libraries a command needs (extras plot and png)."""
    if "--plot" in text:
        return ["plotext"] if re.search(r"--plot\s+\S+\.(png|svg)", text) is None else ["matplotlib"]
    if text.startswith("nnstep diagram") and ".png" in text:
        return ["cairosvg"]
    return []


def run(cli, text: str, cwd) -> list[str]:
    pipeline = [shlex.split(part, comments=True) for part in text.split(" | ")]
    args = pipeline[0]
    if args[0] == "nnstep":
        out = cli(*args[1:]).output
    elif args[0] == "cat":
        out = (cwd / args[1]).read_text(encoding="utf-8")
    elif args[0] == "grep" and args[1].startswith("-A"):
        after, text, lines = int(args[1][2:]), args[2], (cwd / args[3]).read_text(encoding="utf-8").splitlines()
        found = [i for i, line in enumerate(lines) if text in line]
        assert len(found) == 1, f"the README test greps one match: {text!r} in {args[3]}"
        out = "\n".join(lines[found[0] : found[0] + after + 1])
    else:
        raise AssertionError(f"the README test cannot run {text!r}")
    lines = out.splitlines()
    for step in pipeline[1:]:
        assert step[0] in ("head", "tail") and step[1].startswith("-"), f"the README test cannot run {text!r}"
        n = int(step[1][1:])
        lines = lines[:n] if step[0] == "head" else lines[-n:]
    return lines


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=lambda t: t.id)
def test_readme_transcript(cli, transcript, tmp_path, monkeypatch):
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    for directory in DIRECTORIES:
        (tmp_path / directory).mkdir()
    monkeypatch.chdir(tmp_path)
    left_out = []
    for command in transcript.commands:
        missing = [m for m in optional_modules(command.text) if importlib.util.find_spec(m) is None]
        if command.text.split("#")[0].strip() in NOT_RERUN:
            left_out.append(f"$ {command.text} ({NOT_RERUN[command.text.split('#')[0].strip()]})")
            continue
        if missing:
            left_out.append(f"$ {command.text} (needs {', '.join(missing)})")
            continue
        actual, expected = trimmed(run(cli, command.text, tmp_path)), trimmed(command.expected)
        if "..." in expected:
            assert matches(actual, expected), (
                f"README.md:{command.line} $ {command.text}\n--- README\n"
                + "\n".join(expected)
                + "\n--- actual\n"
                + "\n".join(actual)
            )
        else:
            assert_same_lines("\n".join(actual), "\n".join(expected), f"README.md:{command.line} $ {command.text}")
    if left_out:
        pytest.skip("not rerun: " + "; ".join(left_out))


def test_every_transcript_left_out_is_in_the_readme():
    commands = {c.text.split("#")[0].strip() for t in TRANSCRIPTS for c in t.commands}
    assert set(NOT_RERUN) <= commands, set(NOT_RERUN) - commands
