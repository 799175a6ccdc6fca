"""Output a student can trust: shown arithmetic is true as shown, nothing is cut at any width."""

import csv
import io
import json
import math
import re
from functools import cache

import pytest

from nnstep.files.load import lecture_file, load_data, load_model
from nnstep.labels import Precision
from nnstep.worked.sheets import worked

# An independent reading of the printed lines ------------------------------------------------------

ACTIVATION_FUNCTIONS = {
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
}
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def top_level_split(text: str, ops: str) -> tuple[list[str], list[str]]:
    """'a + (b - c) - d' -> ['a', '(b - c)', 'd'], ['+', '-'] (binary operators have spaces)."""
    parts, signs, depth, start, i = [], [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and text[i : i + 1] == " " and text[i + 1 : i + 2] in ops and text[i + 2 : i + 3] == " ":
            parts.append(text[start:i])
            signs.append(text[i + 1])
            start = i = i + 3
            continue
        i += 1
    return parts + [text[start:]], signs


def value(text: str, activation: str) -> float:
    f, df = ACTIVATION_FUNCTIONS[activation]
    python = text.replace("^", "**").replace("1/2 (", "0.5 * (").replace("f'(", "df(")
    python = re.sub(r"\|([^|]*)\|", r"abs(\1)", python)
    sign = lambda x: (x > 0) - (x < 0)  # noqa: E731
    return float(eval(python, {"f": f, "df": df, "sign": sign, "abs": abs, "__builtins__": {}}))


def rounds_to(x: float, shown: str) -> bool:
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    return abs(x - float(shown)) <= 0.5 * 10**-decimals + 1e-12


def equal_as_shown(left: str, right: str, activation: str) -> bool:
    """left = right holds as printed: a number is the other side rounded to its digits; sums and
    products of as many terms hold term by term; 1/2 (x)^2 = 1/2 * s holds when s is x^2 rounded."""
    left, right = left.strip(), right.strip()
    if NUMBER.match(right):
        return rounds_to(value(left, activation), right)
    if right.startswith("1/2 * ") and left.startswith("1/2 ("):  # the square, rounded, then halved
        return rounds_to(value(left, activation) * 2, right[6:])
    for ops in ("+-", "*"):
        lp, ls = top_level_split(left, ops)
        rp, rs = top_level_split(right, ops)
        if len(lp) > 1 and len(lp) == len(rp) and ls == rs:
            return all(equal_as_shown(a, b, activation) for a, b in zip(lp, rp))
    if left.startswith("(") and left.endswith(")") and right.startswith("(") and right.endswith(")"):
        return equal_as_shown(left[1:-1], right[1:-1], activation)
    return math.isclose(value(left, activation), value(right, activation), abs_tol=1e-12)


def numeric(segment: str) -> bool:
    """A side of an equation made of numbers only (not names, not '...')."""
    return "..." not in segment and not re.search(r"[A-Za-eg-zΣα]", segment.replace("f'(", "(").replace("f(", "("))


def check_line(line: str, activation: str) -> list[str]:
    """Every '=' between numeric sides of one printed line must hold; every '≈' must be needed
    (the shown numbers do not give the result) and carry the exact value, which rounds to it."""
    problems = []
    tail = re.search(r"  \((hand-rounded; )?exact: (-?[\d.]+)\)$", line)
    body = line[: tail.start()] if tail else line
    body = body.split("sum = ", 1)[-1]
    sides = re.split(r" ([=≈]) ", body)
    for k in range(0, len(sides) - 2, 2):
        left, relation, right = sides[k], sides[k + 1], sides[k + 2]
        if not (numeric(left) and numeric(right)):
            continue
        holds = equal_as_shown(left, right, activation)
        if relation == "=" and not holds:
            problems.append(f"false as shown: {left} = {right}")
        if relation == "≈":
            if holds:
                problems.append(f"needless ≈: {left} ≈ {right}")
            if not tail or not rounds_to(float(tail.group(2)), right):
                problems.append(f"≈ without an exact value that rounds to {right}: {line}")
    return problems


@cache
def lecture(activation: str):
    model = load_model(lecture_file("model.yaml"), {"activation": activation} if activation != "sigmoid" else None)
    return model, load_data(lecture_file("data.yaml"))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("round_to", [None, 1, 2, 3, 4])
@pytest.mark.parametrize("step", ["forward", "backprop", "update"])
def test_every_shown_equation_is_true_as_shown(step, round_to, activation):
    model, data = lecture(activation)
    p = Precision.slides() if round_to is None else Precision.uniform(round_to, trim_given=True)
    problems = []
    for row in range(1, len(data) + 1):
        for sheet in worked(step, model, data, row, p, round_to):
            for w in sheet.items:
                for line in w.text_lines(width=10_000):
                    problems += [f"row {row}, {w.label}: {p}" for p in check_line(line, activation)]
    assert problems == []


@pytest.mark.parametrize("round_to", [None, 2, 3])
@pytest.mark.parametrize("step", ["forward", "backprop", "update"])
@pytest.mark.parametrize(
    "overrides",
    [
        {"reduction": "mean"},
        {"cost": "squared_error"},
        {"activation": ["tanh", "sigmoid"]},
        {"regularization": "l2", "lambda": 0.01},
        {"regularization": "l1", "lambda": 0.01},
    ],
    ids=["mean", "squared_error", "tanh,sigmoid", "l2", "l1"],
)
def test_shown_arithmetic_holds_under_other_conventions(overrides, step, round_to):
    model = load_model(lecture_file("model.yaml"), overrides)
    data = load_data(lecture_file("data.yaml"))
    p = Precision.slides() if round_to is None else Precision.uniform(round_to, trim_given=True)
    problems = []
    for row in (1, 4, 9):
        for sheet in worked(step, model, data, row, p, round_to):
            for w in sheet.items:
                # the checker evaluates f and f' of the layer each line belongs to
                act = "sigmoid" if w.cell == "ON" or "->ON" in w.cell else model.activations[0]
                for line in w.text_lines(width=10_000):
                    problems += [f"row {row}, {w.label}: {p}" for p in check_line(line, act)]
    assert problems == []


@pytest.mark.parametrize(
    "args, expected",
    [
        # the sum of the terms as printed is 0.057: the line says so, and gives the exact value
        (["update", "--node", "IN1-H1"], "+ -0.006 * 1.04 ≈ 0.056  (exact: 0.05628)"),
        (["update", "--node", "IN1-H1"], "= -0.2 - 0.5 * -0.003 * -0.97 ≈ -0.202  (exact: -0.20168)"),
        (["forward", "--show-work"], "≈ 1.55  (exact: 1.5507)"),
        # hand rounding shows the rounded square; the exact value is labelled as such
        (
            ["forward", "--show-work", "--row", "2", "--round-intermediates", "2"],
            "= 1/2 (0.17 - 0)^2 = 1/2 * 0.03 = 0.02  (hand-rounded; exact: 0.01)",
        ),
        (
            ["forward", "--node", "ON", "--round-intermediates", "2"],
            "= -0.39 + -0.29 + -0.26 + -0.6 = -1.54  (hand-rounded; exact: -1.55)",
        ),
        (
            ["backprop", "--node", "ON", "--round-intermediates", "2"],
            "= 0.18 * (1 - 0.18) = 0.15  (hand-rounded; exact: 0.14)",
        ),
    ],
)
def test_the_issues_lines_now_add_up(cli, args, expected):
    result = cli(*args)
    assert result.exit_code == 0
    assert expected in result.output


def test_hand_rounding_costs_add_up_to_the_printed_sum(cli):
    # Σ of the printed hand-rounded costs of rows 1-10 (2 decimals) is the printed Σ
    out = cli("forward", "--show-work", "--round-intermediates", "2").output
    sum_line = " ".join(out.split("sum = ")[1].split())
    terms, total = sum_line.split(" = ")[0], sum_line.split(" = ")[1].split()[0]
    assert round(sum(float(t) for t in terms.split(" + ")), 2) == float(total)


# Item 1: no number is cut at any width from 40 columns ------------------------------------------

COMMANDS = [
    ["forward"],
    ["backprop"],
    ["update"],
    ["train", "--epochs", "100"],
    ["forward", "--show-work"],
    ["backprop", "--show-work"],
    ["update", "--show-work"],
    ["update", "--show-work", "--round-intermediates", "3"],
    ["update", "--notation", "matrix", "--show-work"],
    ["verify", "--errata-only"],
    ["gradcheck"],
    ["search", "--counts"],
    ["normalize"],
]


@pytest.mark.parametrize("columns", [40, 52, 64, 80])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_nothing_is_cut_or_wider_than_the_terminal(cli, args, columns):
    result = cli(*args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    too_wide = [line for line in result.output.splitlines() if len(line) > columns]
    assert too_wide == []


@pytest.mark.parametrize("columns", [40, 60])
def test_a_narrow_terminal_splits_the_table_and_keeps_every_digit(cli, columns):
    out = cli("backprop", env={"COLUMNS": str(columns)}).output
    assert "Step 5: Backpropagation (1/" in out
    # every Err and BPE of row 1, digit for digit (the slides' row 1: -0.015 -0.015 -0.008 0.18)
    for number in ["-0.015", "-0.008", "0.18", "-0.003", "-0.004", "-0.001", "0.025"]:
        assert f" {number}" in out


def test_worked_formulas_wrap_between_terms_with_aligned_continuations(cli):
    lines = cli("update", "--node", "IN1-H1", env={"COLUMNS": str(40)}).output.splitlines()
    lines = lines[lines.index("w_IN1->H1 = w_IN1->H1") :]
    assert not any(re.match(r"^-?\d", line) for line in lines)  # rich did not have to break a line
    body = [line for line in lines if line.startswith(" ")]
    assert body and all(len(line) <= 40 for line in lines)
    # a continuation line starts with an operator or '=' under the first term, never inside a number
    for line in body:
        assert re.match(r"^ +([-+=≈*/] |sum = |\(exact: -?[\d.]+\)$)", line), line
    starts = {len(line) - len(line.lstrip()) for line in body if line.lstrip().startswith("=")}
    assert starts == {10}  # under the '=' of "w_IN1->H1 ="


# Item 3: files are what their names say ----------------------------------------------------------


@pytest.mark.parametrize(
    "name, check",
    [
        ("out.txt", lambda t: t.startswith("Step 5: Backpropagation")),
        ("out.md", lambda t: t.startswith("**Step 5: Backpropagation**")),
        ("out.tex", lambda t: "\\begin{document}" in t),
        ("out.csv", lambda t: t.startswith("#,Err H₁,")),
        ("out.html", lambda t: t.startswith("<!DOCTYPE html>")),
        ("out.svg", lambda t: "<svg" in t.split("\n")[1]),
        ("out.json", lambda t: t.lstrip().startswith("{")),
    ],
)
def test_output_takes_its_format_from_the_extension(cli, tmp_path, name, check):
    result = cli("backprop", "--output", str(tmp_path / name))
    assert result.exit_code == 0, result.output
    assert check((tmp_path / name).read_text(encoding="utf-8"))


def test_a_format_that_contradicts_the_extension_is_refused(cli, tmp_path):
    result = cli("backprop", "--format", "latex", "--output", str(tmp_path / "out.svg"))
    assert result.exit_code == 2
    assert "--output" in result.output and "svg" in result.output and "latex" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out.svg").exists()


def test_a_matching_format_or_an_unknown_extension_is_fine(cli, tmp_path):
    assert cli("backprop", "--format", "markdown", "--output", str(tmp_path / "a.md")).exit_code == 0
    assert cli("backprop", "--format", "markdown", "--output", str(tmp_path / "a.out")).exit_code == 0
    assert (tmp_path / "a.out").read_text(encoding="utf-8").startswith("**Step 5")


def test_writing_to_a_symlink_writes_its_target_and_keeps_the_link(cli, tmp_path):
    target = tmp_path / "real" / "table.md"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    assert cli("backprop", "--output", str(link)).exit_code == 0
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_text(encoding="utf-8").startswith("**Step 5")
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.md"]  # no temporary file left


def test_a_dangling_symlink_gets_its_target_created(cli, tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "new.txt")
    assert cli("forward", "--output", str(link)).exit_code == 0
    assert link.is_symlink() and (tmp_path / "new.txt").read_text(encoding="utf-8").startswith("Steps 3-4")


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_written_directly_never_replaced(cli, tmp_path):
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    assert cli("forward", "--output", str(fifo)).exit_code == 0
    reader.join(timeout=10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received and received[0].startswith("Steps 3-4")


def test_a_device_is_written_directly_never_replaced(cli):
    import os
    import stat

    before = os.stat(os.devnull)
    assert cli("forward", "--output", os.devnull).exit_code == 0
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and (before.st_ino, before.st_rdev) == (after.st_ino, after.st_rdev)


def test_an_ordinary_file_is_still_replaced_atomically(cli, tmp_path, monkeypatch):
    import os

    from nnstep.files import load

    out = tmp_path / "out.txt"
    out.write_text("old\n")
    renamed = []
    real_replace = os.replace
    monkeypatch.setattr(load.os, "replace", lambda a, b: (renamed.append((a, b)), real_replace(a, b)))
    assert cli("forward", "--output", str(out)).exit_code == 0
    assert renamed and renamed[0][1] == out and out.read_text(encoding="utf-8").startswith("Steps 3-4")


def test_save_through_a_symlink_keeps_the_link(cli, tmp_path):
    target = tmp_path / "trained.yaml"
    target.write_text("old\n")
    link = tmp_path / "latest.yaml"
    link.symlink_to(target)
    assert cli("train", "--epochs", "2", "--save", str(link)).exit_code == 0
    assert link.is_symlink() and "weights" in target.read_text(encoding="utf-8")


# Item 6: the words are right ------------------------------------------------------------------

HELP = [
    [],
    ["forward"],
    ["backprop"],
    ["update"],
    ["train"],
    ["search"],
    ["normalize"],
    ["gradcheck"],
    ["verify"],
    ["worksheet"],
    ["check"],
    ["diagram"],
    ["page"],
]


@pytest.mark.parametrize("command", HELP, ids=lambda c: " ".join(c) or "nnstep")
def test_every_help_fits_80_columns(cli, command):
    out = cli(*command, "--help").output
    assert [line for line in out.splitlines() if len(line) > 80] == []
    assert "Example:" in out


def test_update_help_speaks_of_the_models_conventions(cli):
    out = " ".join(cli("update", "--help").output.split())
    assert "as the model says" in out and "reduction: mean" in out and "online or minibatch" in out


def test_mixed_activations_name_the_layer_of_each_slope(cli):
    out = cli("backprop", "--activation", "tanh,sigmoid", "--show-work").output
    assert "f'(x) = 1 - f(x)^2 on layer 1" in out and "f'(x) = f(x)(1 - f(x)) on layer 2" in out


def test_matrix_notation_keeps_j_for_the_total_cost(cli):
    out = cli("forward", "--notation", "matrix", "--show-work").output
    assert "L_1 = 1/2 (a_ON - y_ON)^2" in out and "J = L_1 + ... + L_10" in out
    assert "C(W) = J / 10" in out and "J_1" not in out


# Item 5: CSV, Markdown, HTML, JSON fit their tools ----------------------------------------------


def read_csv_as_pandas_would(text: str) -> tuple[list[str], list[list[str]]]:
    """pandas.read_csv's needs, checked with the csv module: one header row of named columns, then
    rows exactly as wide (no title rows, no blank separator rows)."""
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert all(header) and len(set(header)) == len(header)
    assert body and all(len(r) == len(header) for r in body)
    return header, body


def test_csv_holds_one_table_that_pandas_reads(cli):
    result = cli("forward", "--format", "csv")
    header, body = read_csv_as_pandas_would(result.stdout)
    assert header[:4] == ["#", "Y", "X₁", "X₂"] and len(body) == 10
    assert body[0][-1] == "0.02"  # row 1's cost, as the slide prints it
    assert "--table 2: Weights" in result.stderr


def test_csv_table_chooses_another_table_and_excel_gets_a_bom(cli):
    result = cli("update", "--format", "csv", "--table", "3", "--excel")
    assert result.stdout.startswith("\ufeff")
    header, body = read_csv_as_pandas_would(result.stdout[1:])
    assert header == ["row", "H₁", "H₂", "H₃", "ON"] and body[1][0] == "Bias after"
    assert result.stderr == ""


def test_a_table_number_out_of_range_is_one_line(cli):
    result = cli("update", "--format", "csv", "--table", "9")
    assert result.exit_code == 2 and "--table: expected a table number from 1 to 3, got 9" in result.output


@pytest.mark.parametrize("fmt", ["markdown", "html", "latex"])
def test_notes_keep_their_spacing(cli, fmt):
    out = cli("forward", "--format", fmt).output
    gap = {"markdown": "1.55&nbsp;&nbsp; C(W)", "latex": r"1.55\quad C(W)", "html": "white-space:pre-wrap"}[fmt]
    assert gap in out


def test_markdown_worked_formulas_are_mathematics(cli):
    out = cli("backprop", "--node", "ON", "--format", "markdown").output
    assert "```" not in out
    assert r"&\approx 0.025 \quad \text{(exact: 0.02530)}" in out and out.count("$$") % 2 == 0


def test_html_worked_formulas_are_mathml(cli):
    import xml.dom.minidom

    out = cli("forward", "--show-work", "--row", "2", "--round-intermediates", "2", "--format", "html").output
    xml.dom.minidom.parseString(out)  # well formed
    assert out.count('<math display="block">') > 10 and "<pre>" not in out
    assert "<mfrac><mn>1</mn><mn>2</mn></mfrac>" in out and "<mo>−</mo><mn>0.6</mn>" in out


def test_json_keeps_unicode_as_it_is(cli):
    out = cli("update", "--show-work", "--node", "ON", "--format", "json").output
    assert "α" in out and "\\u03b1" not in out
    json.loads(out)


def test_svg_is_a_light_picture_without_web_fonts_and_anchored_numbers(cli):
    import xml.dom.minidom

    out = cli("backprop", "--format", "svg").output
    doc = xml.dom.minidom.parseString(out)
    assert "@font-face" not in out and "http" not in out.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert doc.getElementsByTagName("rect")[0].getAttribute("fill") == "#ffffff"
    cells = {t.firstChild.data: t for t in doc.getElementsByTagName("text") if t.firstChild}
    assert cells["-0.015"].getAttribute("text-anchor") == "end"  # right-aligned by the SVG itself
    dark = cli("backprop", "--format", "svg", "--dark").output
    assert "<svg" in dark and "#ffffff" not in dark.split("<text")[0]


def test_svg_draws_the_same_in_rsvg_convert(cli, tmp_path):
    import shutil
    import subprocess

    if shutil.which("rsvg-convert") is None:
        pytest.skip("rsvg-convert is not installed")
    assert cli("backprop", "--output", str(tmp_path / "b.svg")).exit_code == 0
    done = subprocess.run(["rsvg-convert", "-o", str(tmp_path / "b.png"), str(tmp_path / "b.svg")], capture_output=True)
    assert done.returncode == 0 and (tmp_path / "b.png").read_bytes().startswith(b"\x89PNG")


# Item 4: LaTeX that compiles, fits the page and holds every number ---------------------------------

WIDE_MODEL = """layers: [2, 9, 1]
activation: sigmoid
learning_rate: 0.5
weights:
  - [[0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9], [-0.9, 0.8, -0.7, 0.6, -0.5, 0.4, -0.3, 0.2, -0.1]]
  - [[0.1], [0.2], [0.3], [0.4], [0.5], [0.6], [0.7], [0.8], [0.9]]
biases:
  - [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
  - [-0.5]
"""

LATEX_COMMANDS = [
    ["forward"],
    ["backprop"],
    ["update", "--show-work"],
    ["forward", "--show-work", "--round-intermediates", "2"],
    ["train", "--epochs", "10", "--snapshots", "1,5"],
    ["verify", "--errata-only"],
    ["search", "--counts"],
    ["forward", "--model", "WIDE"],  # 13 columns: split like the terminal
]
needs_tex = pytest.mark.skipif(
    __import__("shutil").which("pdflatex") is None or __import__("shutil").which("pdftotext") is None,
    reason="pdflatex or pdftotext is not installed",
)


def compile_latex(tmp_path, text: str) -> tuple[str, str]:
    """pdflatex the document; its log and the PDF's text (pdftotext)."""
    import subprocess

    (tmp_path / "out.tex").write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "out.tex"], cwd=tmp_path, capture_output=True
    )
    log = (tmp_path / "out.log").read_text(encoding="latin-1")
    assert done.returncode == 0, log[-2000:]
    pdf = subprocess.run(["pdftotext", "-layout", "out.pdf", "-"], cwd=tmp_path, capture_output=True, text=True)
    return log, pdf.stdout


def printed_numbers(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w.])-?\d[\d,]*\.\d+(?:e\d+)?", text))


@needs_tex
@pytest.mark.parametrize("args", LATEX_COMMANDS, ids=" ".join)
def test_latex_compiles_fits_the_page_and_holds_every_number(cli, tmp_path, args):
    if "WIDE" in args:
        (tmp_path / "wide.yaml").write_text(WIDE_MODEL)
        args = [str(tmp_path / "wide.yaml") if a == "WIDE" else a for a in args]
    source = cli(*args, "--format", "latex").stdout
    log, pdf = compile_latex(tmp_path, source)
    overfull = [float(x) for x in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide", log)]
    assert [x for x in overfull if x > 1] == []
    assert "Float too large" not in log
    # every number of the document is in the PDF (a minus sign may be a real one), and every
    # number of the terminal's tables and formulas (verify's terminal report words its reasons
    # differently, so for it the document's own numbers)
    wanted = printed_numbers(source.split(r"\begin{document}")[1])
    if args[0] != "verify":
        assert cli(*args, "--format", "table", "--output", str(tmp_path / "out.txt")).exit_code == 0
        wanted |= printed_numbers((tmp_path / "out.txt").read_text(encoding="utf-8"))
    found = "".join(pdf.replace("−", "-").split())
    missing = sorted(n for n in wanted if n not in found)
    assert missing == []


@needs_tex
def test_a_latex_fragment_goes_into_a_beamer_frame(cli, tmp_path):
    fragment = cli("update", "--show-work", "--node", "ON", "--format", "latex", "--fragment").stdout
    assert r"\documentclass" not in fragment and r"\begin{document}" not in fragment
    (tmp_path / "part.tex").write_text(fragment, encoding="utf-8")
    frame = "\n".join(
        [
            r"\documentclass{beamer}",
            r"\usepackage{booktabs,amsmath,amssymb}",
            r"\begin{document}",
            r"\begin{frame}[allowframebreaks]{Step 6}",
            r"\input{part.tex}",
            r"\end{frame}",
            r"\end{document}",
        ]
    )
    _, pdf = compile_latex(tmp_path, frame)
    assert "0.613" in pdf.replace("−", "-")


def test_latex_sets_formulas_as_mathematics_with_vector_fonts(cli):
    out = cli("forward", "--show-work", "--format", "latex").stdout
    assert r"\usepackage{lmodern}" in out
    assert r"$\mathit{Cost}_{\mathrm{i}}$ = 1/2 ($\hat{y}_{i}$ $-$ $\mathit{y}_{\mathrm{i}}$)$^{2}$" in out
    assert r"\textasciicircum" not in out


# Item 7: large data can still be looked at ----------------------------------------------------------


@pytest.fixture
def big_csv(tmp_path):
    path = tmp_path / "big.csv"
    lines = ["Y,X1,X2"] + [f"{i % 2},{(i % 7) / 10 - 0.3:.2f},{(i % 5) / 10 - 0.2:.2f}" for i in range(40)]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_rows_show_chosen_rows_of_a_large_data_set(cli, big_csv):
    plain = cli("forward", "--data", big_csv, "--targets", "Y").output
    assert "--rows 1-5,9 shows chosen rows" in plain and "Output" not in plain
    out = cli("forward", "--data", big_csv, "--targets", "Y", "--rows", "1-5,9").output
    table = [line.split() for line in out.splitlines() if line[:2].strip().isdigit()]
    assert [r[0] for r in table][:6] == ["1", "2", "3", "4", "5", "9"]
    # row 9 of the file: Y = 0, X1 = (8 % 7) / 10 - 0.3 = -0.20, X2 = (8 % 5) / 10 - 0.2 = 0.10
    assert table[5][1:4] == ["0", "-0.20", "0.10"]
    assert "rows 1-5, 9 of 40 (--rows)" in out and "Σ = " in out  # Σ is still over all 40 rows


def test_rows_work_for_backprop_and_train_and_are_checked(cli, big_csv):
    out = cli("backprop", "--data", big_csv, "--targets", "Y", "--rows", "40").output
    assert "row 40 of 40 (--rows)" in out and "BPE ON" in out
    out = cli("train", "--epochs", "2", "--data", big_csv, "--targets", "Y", "--rows", "2-3").output
    assert "rows 2-3 of 40 (--rows)" in out
    bad = cli("forward", "--data", big_csv, "--targets", "Y", "--rows", "41")
    assert bad.exit_code == 2 and "--rows: expected row numbers from 1 to 40, got 41" in bad.output
    assert cli("forward", "--rows", "3-1").exit_code == 2
