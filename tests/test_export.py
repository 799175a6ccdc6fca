"""--format markdown|latex|csv|html|svg and --output: every export parses."""

import csv
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from nnstep.files.load import lecture_file

from .conftest import FIXTURES

# verify on the small golden files keeps the suite fast; tests/test_verify.py runs it on all of them
VERIFY = [
    "verify",
    "--golden",
    str(FIXTURES / "golden" / "two_neuron.yaml"),
    "--golden",
    str(FIXTURES / "golden" / "grid_search.yaml"),
]
COMMANDS = [
    [],
    ["forward"],
    ["backprop"],
    ["update"],
    ["train", "--epochs", "2", "--until", "2"],
    VERIFY,
    ["forward", "--show-work"],
    ["backprop", "--show-work"],
    ["update", "--show-work", "--round-intermediates", "2"],
]


def tex_balanced(text: str) -> bool:
    """Braces balance (outside \\{ \\}), environments nest, and $ signs pair up."""
    body = re.sub(r"\\[{}$%&#_]", "", text)
    body = "\n".join(line.split("%", 1)[0] for line in body.splitlines())
    depth = 0
    for ch in body:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    stack = []
    for kind, env in re.findall(r"\\(begin|end)\{([^}]*)\}", body):
        if kind == "begin":
            stack.append(env)
        elif not stack or stack.pop() != env:
            return False
    return depth == 0 and not stack and body.count("$") % 2 == 0


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]) or "nnstep")
def test_csv_parses(cli, command):
    # what pandas.read_csv needs: one header row, then rows exactly as wide
    result = cli(*command, "--format", "csv")  # stderr names the other tables (--table N)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) >= 2
    assert all(len(r) == len(rows[0]) for r in rows) and all(rows[0])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]) or "nnstep")
def test_latex_balances(cli, command):
    text = cli.ok(*command, "--format", "latex")
    assert text.count(r"\begin{document}") == 1 and tex_balanced(text)
    assert r"\toprule" in text or r"\begin{align*}" in text


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine installed")
@pytest.mark.parametrize(
    "command", [["update"], ["update", "--show-work"], VERIFY], ids=lambda c: " ".join(c[:2]) or "nnstep"
)
def test_latex_compiles(cli, command, tmp_path):
    (tmp_path / "out.tex").write_text(cli.ok(*command, "--format", "latex"))
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "out.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:]


@pytest.mark.parametrize("fmt", ["html", "svg"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]) or "nnstep")
def test_html_and_svg_are_well_formed_xml(cli, command, fmt):
    root = ET.fromstring(cli.ok(*command, "--format", fmt).encode("utf-8"))
    assert root.tag in ({"html"} if fmt == "html" else {"svg", "{http://www.w3.org/2000/svg}svg"})


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]) or "nnstep")
def test_markdown_tables_have_one_cell_per_column(cli, command):
    out = cli.ok(*command, "--format", "markdown")
    table = [line for line in out.splitlines() if line.startswith("|")]
    assert table or "\\begin{aligned}" in out
    cells = lambda line: len(re.split(r"(?<!\\)\|", line)) - 2  # noqa: E731
    blocks, current = [], []
    for line in out.splitlines() + [""]:
        if line.startswith("|"):
            current.append(cells(line))
        elif current:
            blocks.append(current)
            current = []
    assert all(len(set(b)) == 1 for b in blocks), blocks


def test_the_formulas_export_as_latex(cli):
    lines = cli.ok("update", "--node", "ON", "--format", "latex").splitlines()
    start = lines.index(
        r"\mathrm{bias}_{\mathrm{ON}} &= \mathrm{bias}_{\mathrm{ON}} - \alpha \cdot \mathrm{BPE}_{\mathrm{ON},1} \\"
    )
    assert lines[start + 1 : start + 3] == [r"&= -0.6 - 0.5 \cdot 0.025 \\", "&= -0.613"]


def test_markdown_keeps_the_slides_numbers(cli):
    lines = cli.ok("forward", "--format", "markdown").splitlines()
    assert lines[0] == "**Steps 3-4: Forward pass and cost**"
    assert "| 1 | 0 | -0.97 | -0.80 | 0.65 | 0.49 | 0.88 | 0.18 | 0.02 |" in lines
    assert "| 4\\* | 1 | 0.76 | 0.92 | 0.40 | 0.37 | 0.25 | 0.24 | 0.29 |" in lines


def test_output_is_written_to_a_file_atomically(cli, tmp_path):
    target = tmp_path / "update.tex"
    target.write_text("old")
    assert cli.ok("update", "--format", "latex", "--output", target) == ""
    assert target.read_text() == cli.ok("update", "--format", "latex")
    assert [p.name for p in tmp_path.iterdir()] == ["update.tex"]  # no temporary file left behind


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_output_works_for_every_format(cli, tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    assert cli("forward", "--format", fmt, "--output", target).stdout == ""
    # the file holds what the terminal shows (without colour, whatever the terminal)
    printed = cli(
        "forward", "--format", fmt, env={"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm-256color"}
    ).stdout
    if fmt == "table":
        assert "\x1b[" in printed and "\x1b[" not in target.read_text()
        printed = cli("forward").stdout
    assert target.read_text() == printed


def test_output_into_a_missing_directory_is_a_one_line_error(cli, tmp_path):
    line = cli.input_error("forward", "--format", "csv", "--output", tmp_path / "no" / "such.csv")
    assert line.startswith("Error: --output: "), line
    assert not (tmp_path / "no").exists()


def test_labels_with_square_brackets_are_not_rich_markup(cli, tmp_path):
    data = lecture_file("data.yaml").read_text().replace("[Y, X1, X2]", "[Y, 'x[a]', 'x[b]']")
    assert "x[a]" in data
    (tmp_path / "data.yaml").write_text(data)
    for fmt in ("table", "svg"):
        out = cli.ok("forward", "--data", tmp_path / "data.yaml", "--format", fmt)
        assert "x[a]" in out and "x[b]" in out


def test_format_before_a_command_is_a_usage_error(cli):
    assert "--format goes after the command" in cli.usage_error("--format", "latex", "forward")
