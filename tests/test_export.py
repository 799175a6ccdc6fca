"""--format markdown|latex|csv|html|svg and --output: every export parses."""

import csv
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from nnstep.cli import main
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


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


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
def test_csv_parses(command):
    # what pandas.read_csv needs: one header row, then rows exactly as wide
    rows = list(csv.reader(io.StringIO(run(*command, "--format", "csv").stdout)))
    assert len(rows) >= 2
    assert all(len(r) == len(rows[0]) for r in rows) and all(rows[0])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]) or "nnstep")
def test_latex_balances(command):
    text = run(*command, "--format", "latex").output
    assert text.count(r"\begin{document}") == 1 and tex_balanced(text)
    assert r"\toprule" in text or r"\begin{align*}" in text


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine installed")
@pytest.mark.parametrize(
    "command", [["update"], ["update", "--show-work"], VERIFY], ids=lambda c: " ".join(c[:2]) or "nnstep"
)
def test_latex_compiles(command, tmp_path):
    (tmp_path / "out.tex").write_text(run(*command, "--format", "latex").output)
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "out.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:]


@pytest.mark.parametrize("fmt", ["html", "svg"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]) or "nnstep")
def test_html_and_svg_are_well_formed_xml(command, fmt):
    ET.fromstring(run(*command, "--format", fmt).output.encode("utf-8"))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]) or "nnstep")
def test_markdown_tables_have_one_cell_per_column(command):
    out = run(*command, "--format", "markdown").output
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


def test_the_formulas_export_as_latex():
    out = run("update", "--node", "ON", "--format", "latex").output
    assert (
        r"\mathrm{bias}_{\mathrm{ON}} &= \mathrm{bias}_{\mathrm{ON}} - \alpha \cdot \mathrm{BPE}_{\mathrm{ON},1} \\"
        in out
    )
    assert "&= -0.6 - 0.5 \\cdot 0.025 \\\\" in out and "&= -0.613" in out


def test_markdown_keeps_the_slides_numbers():
    out = run("forward", "--format", "markdown").output
    assert "**Steps 3-4: Forward pass and cost**" in out
    assert "| 1 | 0 | -0.97 | -0.80 | 0.65 | 0.49 | 0.88 | 0.18 | 0.02 |" in out
    assert "| 4\\* | 1 |" in out


def test_output_is_written_to_a_file_atomically(tmp_path):
    target = tmp_path / "update.tex"
    target.write_text("old")
    result = run("update", "--format", "latex", "--output", str(target))
    assert result.exit_code == 0 and result.output == ""
    assert target.read_text().startswith("% nnstep update")
    assert [p.name for p in tmp_path.iterdir()] == ["update.tex"]  # no temporary file left behind


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_output_works_for_every_format(tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    assert run("forward", "--format", fmt, "--output", str(target)).exit_code == 0
    text = target.read_text()
    assert "0.614" in text or "0.65" in text
    if fmt == "table":
        assert "\x1b[" not in text and "Steps 3-4: Forward pass and cost" in text


def test_output_into_a_missing_directory_is_a_one_line_error(tmp_path):
    result = run("forward", "--format", "csv", "--output", str(tmp_path / "no" / "such.csv"))
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "--output" in result.output and "Traceback" not in result.output


def test_labels_with_square_brackets_are_not_rich_markup(tmp_path):
    data = lecture_file("data.yaml").read_text().replace("[Y, X1, X2]", "[Y, 'x[a]', 'x[b]']")
    (tmp_path / "data.yaml").write_text(data)
    for fmt in ("table", "svg"):
        out = run("forward", "--data", str(tmp_path / "data.yaml"), "--format", fmt).output
        assert "x[a]" in out and "x[b]" in out


def test_format_before_a_command_is_a_usage_error():
    result = run("--format", "latex", "forward")
    assert result.exit_code == 2 and "--format goes after the command" in result.output
