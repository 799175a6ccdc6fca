"""What makes a command answer at once, checked for what it must not change: the YAML loader
(libyaml's where available) reads every file as the pure-Python one does, the plain-text tables
written when stdout is not a terminal are rich's to the byte, and the table commands import
nothing they do not use. (The speed itself is measured by `make bench`, never in a test.)"""

import math
import subprocess
import sys

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnstep.files.load import DATA_DIR, yaml_loader

SCALARS = [
    "ON", "on", "Off", "yes", "No", "y", "n", "true", "True", "FALSE", "false", "~", "null", "Null", "",
    "1", "-1", "+1", "0", "007", "1_000", "0x1F", "0o17", "0b101", "1:20", "1:20.5",
    "1e-3", "1E3", "-1.5e+3", "1.", ".5", "-.5", "1.0", "1_000.5", ".inf", "-.Inf", "+.INF", ".nan", ".NaN",
    "2024-01-01", "1e", "e3", "0.1.2", "- 1", "H1", "IN1", "sigmoid", "'1'", '"ON"',
]  # fmt: skip


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


def _both(text: str):
    """The document read by libyaml's loader and by the pure-Python one (None where it is no YAML)."""
    out = []
    for libyaml in (True, False):
        try:
            out.append(yaml.load(text, Loader=yaml_loader(libyaml)))
        except yaml.YAMLError:
            out.append(None)
    return out


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml: the pure-Python loader is the only one")
@pytest.mark.parametrize("scalar", SCALARS)
def test_libyaml_resolves_every_scalar_as_the_python_loader(scalar):
    c, python = _both(f"a: {scalar}\nb: [{scalar}, x]\n")
    assert python is not None or scalar in ("", "- 1")
    assert (c is None) == (python is None)
    if python is not None:
        assert _same(c["a"], python["a"]) and _same(c["b"][0], python["b"][0]), (c, python)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+-._eExXoObBinfaINFNaTtrueFlsyYoOn:~", min_size=1, max_size=12))
def test_libyaml_resolves_any_short_scalar_as_the_python_loader(scalar):
    c, python = _both(f"a: {scalar}\n")
    assume(c is not None and python is not None)  # the parsers differ on some odd syntax; resolution is the point
    assert _same(c["a"], python["a"]), (c, python)


def test_every_shipped_file_reads_the_same_with_both_loaders():
    files = sorted(DATA_DIR.rglob("*.yaml"))
    assert len(files) >= 8
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=yaml_loader()) == yaml.load(text, Loader=yaml_loader(libyaml=False)), path


def test_the_loader_is_libyamls_where_pyyaml_has_it():
    assert issubclass(yaml_loader(), yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)
    assert issubclass(yaml_loader(libyaml=False), yaml.SafeLoader)


def test_the_preparsed_copy_is_current_and_equals_the_yaml():
    """data/preparsed.jsonl holds every shipped YAML file as the loader reads it (else: python -m
    nnstep.files.preparsed)."""
    import json

    from nnstep.files import preparsed

    lines = [json.loads(line) for line in preparsed.COPY.read_text(encoding="utf-8").splitlines()]
    copy = {key: {"crc32": crc32, "length": length, "document": doc} for key, crc32, length, doc in lines}
    assert copy == preparsed.build(), "refresh the copy: python -m nnstep.files.preparsed"
    for path in sorted(DATA_DIR.rglob("*.yaml")):
        doc = preparsed.document(path, path.read_bytes())
        assert doc is not preparsed.MISSING, path
        assert doc == yaml.load(path.read_text(encoding="utf-8"), Loader=yaml_loader(libyaml=False)), path


def test_a_changed_or_foreign_file_is_read_as_yaml(tmp_path):
    from nnstep.files import preparsed
    from nnstep.files.load import lecture_file, read_yaml

    path = lecture_file("model.yaml")
    data = path.read_bytes()
    assert preparsed.document(path, data) is not preparsed.MISSING
    assert preparsed.document(path, data.replace(b"0.5", b"0.4")) is preparsed.MISSING  # same length, other bytes
    assert preparsed.document(path, data + b"\n") is preparsed.MISSING
    copy = tmp_path / "model.yaml"
    copy.write_bytes(data.replace(b"learning_rate: 0.5", b"learning_rate: 0.25"))
    assert preparsed.document(copy, copy.read_bytes()) is preparsed.MISSING
    assert read_yaml(copy)["learning_rate"] == 0.25 and read_yaml(path)["learning_rate"] == 0.5


# Plain text where stdout is no terminal: rich's output to the byte ---------------------------------

ENV = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb", "FORCE_COLOR": None, "TTY_COMPATIBLE": None}


def _rich_text(blocks, width: int, blank_after_last: bool = True) -> str:
    """What the CLI printed before plain.py: rich's Console writing a file (no terminal)."""
    import io

    from rich.console import Console

    from nnstep.render.export import renderables

    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=False)
    shown = renderables(blocks, width)
    for k, r in enumerate(shown):
        console.print(r)
        if blank_after_last or k < len(shown) - 1:
            console.print()
    return out.getvalue()


COMMANDS = [
    [],
    ["forward"],
    ["backprop"],
    ["update"],
    ["train", "--epochs", "8000"],
    ["train", "--snapshots", "1,10,100"],
    ["verify"],
    ["verify", "--errata-only"],
    ["forward", "--show-work", "--node", "H1"],
    ["update", "--show-work", "--round-intermediates", "2"],
    ["backprop", "--notation", "matrix", "--precision", "4"],
    ["search", "--params", "IN1-H1,H1-ON", "--budget", "200"],
    ["search", "--counts"],
    ["normalize"],
    ["gradcheck"],
    ["forward", "--model", "fixtures/two_neuron/model.yaml", "--data", "fixtures/two_neuron/data.yaml"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "nnstep")
@pytest.mark.parametrize("columns", ["80", "100"])
def test_every_commands_plain_text_is_riches_to_the_byte(monkeypatch, args, columns):
    """Each command printed to a file or pipe by plain.py, and by rich, as before."""
    from click.testing import CliRunner

    from nnstep.cli import main
    from nnstep.render import plain

    from .conftest import ROOT

    monkeypatch.chdir(ROOT)
    env = {**ENV, "COLUMNS": columns}
    laid_out = []
    real = plain.plain

    def counting(*a, **k):
        text = real(*a, **k)
        laid_out.append(text is not None)
        return text

    monkeypatch.setattr(plain, "plain", counting)
    fast = CliRunner().invoke(main, args, env=env)
    if "--show-work" not in args:  # a worked formula's long note is wrapped by rich
        assert laid_out == [True], "plain.py declined: rich laid this output out"
    monkeypatch.setattr(plain, "plain", lambda *a, **k: None)
    slow = CliRunner().invoke(main, args, env=env)
    assert (fast.exit_code, fast.output) == (slow.exit_code, slow.output)


_CELL = st.text(alphabet="abcXY019.-₁₂→Σ ×", min_size=0, max_size=9)


@st.composite
def tables(draw):
    from nnstep.render.tables import Column, TableData

    n = draw(st.integers(1, 9))
    columns = tuple(Column(draw(_CELL.map(str.strip)), draw(st.sampled_from(["left", "right"]))) for _ in range(n))
    rows = tuple(tuple(draw(_CELL.map(str.strip)) for _ in range(n)) for _ in range(draw(st.integers(1, 5))))
    notes = tuple(draw(st.lists(st.text(alphabet="ab Σ→.", max_size=30).map(str.strip), max_size=2)))
    return TableData(draw(_CELL), columns, rows, notes, frozenset(draw(st.sets(st.integers(0, 5)))))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(tables(), st.text(alphabet="ab Σ\n", max_size=20)), min_size=1, max_size=3),
       st.integers(20, 130), st.booleans())  # fmt: skip
def test_plain_text_is_riches_for_any_table(blocks, width, blank_after_last):
    from nnstep.render import plain

    text = plain.plain(blocks, width, blank_after_last)
    if text is not None:
        assert text == _rich_text(blocks, width, blank_after_last)


def test_plain_declines_what_it_cannot_lay_out_as_rich():
    from nnstep.render import plain
    from nnstep.render.tables import Column, TableData

    wide = TableData("t", (Column("a"), Column("b")), (("x" * 50, "y" * 50),))
    assert plain.plain([wide], 80) is None and plain.plain([wide], 120) is not None
    assert plain.plain(["漢字"], 80) is None and plain.plain(["tab\there"], 80) is None
    assert plain.plain(["x" * 81], 80) is None and plain.plain(["x" * 80], 80) == "x" * 80 + "\n\n"


@pytest.mark.parametrize(
    "env, tty, expected",
    [
        ({}, False, True),
        ({}, True, False),
        ({"FORCE_COLOR": "1"}, False, False),
        ({"FORCE_COLOR": ""}, True, True),
        ({"TTY_COMPATIBLE": "0"}, True, True),
        ({"TTY_COMPATIBLE": "1"}, False, False),
    ],
)
def test_plain_text_exactly_where_rich_writes_no_terminal_codes(env, tty, expected):
    import io

    from rich.console import Console

    from nnstep.render import plain

    class Stream(io.StringIO):
        encoding = "utf-8"

        def isatty(self):
            return tty

    assert plain.rich_would_be_plain(Stream(), env) is expected
    assert (not Console(file=Stream(), _environ=env).is_terminal) is expected


def test_the_table_commands_import_only_what_they_use():
    """forward (and backprop, update, train, the bare nnstep) with the lecture's files, printed to a
    pipe: no rich, no YAML parser, no worked formulas, no export formats, no threads."""
    code = (
        "import sys; sys.argv = ['nnstep'] + sys.argv[1:]\n"
        "from nnstep.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('rich', 'yaml', 'nnstep.worked', 'nnstep.render.export', 'nnstep.render.show', "
        "'concurrent.futures', 'threadpoolctl', 'tempfile', 'decimal')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    for args in ([], ["forward"], ["backprop"], ["update"], ["train", "--epochs", "100"]):
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
        assert done.stderr.strip() == "[]", (args, done.stderr)


def test_help_lists_each_command_by_its_own_summary_without_importing_it():
    """`nnstep --help` shows the registered summary where the command would show its own."""
    import click

    from nnstep.cli import main

    code = "import sys, nnstep.cli as c; c.main(['--help'], standalone_mode=False); print(sorted(c.main.commands))"
    listed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "Commands:" in listed and listed.rstrip().endswith("[]")  # no command module imported
    for name in main.list_commands(None):
        stand_in = click.Command(name, help=main.lazy[name][1])  # what the listing shows
        real = main.get_command(None, name)
        assert real.name == name and real.callback is not None
        for limit in range(20, 120):
            assert stand_in.get_short_help_str(limit) == real.get_short_help_str(limit), (name, limit)
