"""nnstep diagram: the lecture's network with the slides' numbers, as text, SVG, TikZ and PNG."""

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

SVG = "{http://www.w3.org/2000/svg}"


def test_the_weights_of_step_2_on_the_arrows_and_the_biases_at_the_nodes(cli):
    result = cli("diagram")
    assert result.exit_code == 0, result.output
    out = result.output
    # Step 2 a) of the slides: IN1 -> H1..H3 = -0.2, 0.4, -1.0; IN2 -> -0.4, -0.7, -0.8; H -> ON -0.6, -0.6, -0.3
    assert "IN₁ ── -0.200 ──┐\nIN₂ ── -0.400 ──┴─▶ H₁    b 0.100" in out
    assert "IN₁ ──  0.400 ──┐\nIN₂ ── -0.700 ──┴─▶ H₂    b -0.200" in out
    assert "IN₁ ── -1.000 ──┐\nIN₂ ── -0.800 ──┴─▶ H₃    b 0.400" in out
    assert "H₁  ── -0.600 ──┐\nH₂  ── -0.600 ──┼─▶ ON    b -0.600\nH₃  ── -0.300 ──┘" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_the_forward_pass_of_row_1_shows_the_slides_input_sums_and_activations(cli):
    out = cli("diagram", "--step", "forward", "--row", "1").output
    # Step 3 a): (-0.97 * -0.2) + (-0.80 * -0.4) + 0.1 = 0.614, f(0.614) = 0.65; H3: f(2.01) = 0.88
    assert "IN₁   x -0.97\nIN₂   x -0.80" in out
    assert "in 0.614   a 0.65" in out
    assert "in 2.01   a 0.88" in out
    assert "in -1.55   out 0.18  y 0" in out  # the output 0.18 for row 1 (Step 3 table)
    assert "Cost of row 1: 0.02" in out


def test_backprop_shows_errors_and_bpes_of_the_row_and_summed_gradients(cli):
    out = cli("diagram", "--step", "backprop").output
    assert "err 0.18   BPE 0.025" in out  # Err ON and BPE ON of row 1 (Step 5 table)
    assert "err -0.015   BPE -0.003" in out  # H1
    # the gradient of H1 -> ON, summed over the 10 rows, computed independently below
    import numpy as np

    from nnstep.files.load import lecture_file, load_data

    data = load_data(lecture_file("data.yaml"))
    x, y = data.inputs, data.targets[:, 0]
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    w1 = np.array([[-0.2, 0.4, -1.0], [-0.4, -0.7, -0.8]])
    h = sig(x @ w1 + [0.1, -0.2, 0.4])
    o = sig(h @ [-0.6, -0.6, -0.3] - 0.6)
    bpe = (o - y) * o * (1 - o)
    assert f"H₁  ── {(bpe * h[:, 0]).sum():.3f} ──┐" in out


def test_update_shows_every_weight_before_and_after(cli):
    out = cli("diagram", "--step", "update").output
    # the slides' Step 6 b): IN1 -> H1 becomes -0.230, H3 -> ON -0.233 (After 1 epoch)
    assert "IN₁ ── -0.200 → -0.230 ──┐" in out
    assert "H₃  ── -0.300 → -0.233 ──┘" in out


def test_precision_applies_to_every_number(cli):
    out = cli("diagram", "--precision", "4").output
    assert "-0.2000" in out and "b 0.1000" in out


def test_svg_is_well_formed_with_a_group_per_node_and_arrow(cli, tmp_path):
    path = tmp_path / "forward.svg"
    result = cli("diagram", "--step", "forward", "--output", str(path))
    assert result.exit_code == 0, result.output
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    cells = {g.get("data-cell") for g in root.iter(f"{SVG}g") if g.get("class") == "node"}
    assert cells == {"IN1", "IN2", "H1", "H2", "H3", "ON"}
    arrows = {g.get("data-cell") for g in root.iter(f"{SVG}g") if g.get("class") == "edge"}
    assert len(arrows) == 9 and "IN1->H1" in arrows and "H3->ON" in arrows
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "in 0.614" in texts and "-0.200" in texts and "H₁" in texts
    assert "http" not in path.read_text().replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_format_svg_and_latex_go_to_stdout(cli):
    assert cli("diagram", "--format", "svg").output.startswith("<svg")
    assert r"\begin{tikzpicture}" in cli("diagram", "--format", "latex").output


def test_json_has_every_node_and_arrow(cli):
    payload = json.loads(cli("diagram", "--step", "update", "--format", "json").output)
    edges = {e["cell"]: e for e in payload["edges"]}
    assert edges["IN1->H1"]["text"] == "-0.200 → -0.230"
    assert [n["cell"] for n in payload["nodes"]] == ["IN1", "IN2", "H1", "H2", "H3", "ON"]


def _tikz(cli, tmp_path, step="forward"):
    path = tmp_path / f"{step}.tex"
    result = cli("diagram", "--step", step, "--output", str(path))
    assert result.exit_code == 0, result.output
    return path


def test_tikz_names_nodes_and_numbers_in_math_mode(cli, tmp_path):
    text = _tikz(cli, tmp_path).read_text()
    assert r"\documentclass[border=6pt]{standalone}" in text
    assert "{IN$_{1}$}" in text and "{$-0.200$}" in text and "{in $0.614$}" in text


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine installed (pdflatex)")
@pytest.mark.parametrize("step", ["weights", "update"])
def test_tikz_compiles_alone_and_inside_a_beamer_frame(cli, tmp_path, step):
    path = _tikz(cli, tmp_path, step)
    for name, source in [
        (path.name, None),
        (
            "slides.tex",
            "\\documentclass{beamer}\n\\usepackage[T1]{fontenc}\n\\usepackage{tikz}\n\\begin{document}\n"
            f"\\begin{{frame}}{{Step}}\n\\resizebox{{\\linewidth}}{{!}}{{\\input{{{path.stem}}}}}\n\\end{{frame}}\n"
            "\\end{document}\n",
        ),
    ]:
        if source is not None:
            (tmp_path / name).write_text(source)
        done = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if "not found" in done.stdout and ".sty" in done.stdout or ".cls' not found" in done.stdout:
            pytest.skip("a LaTeX package is missing: " + done.stdout.split("not found")[0][-80:])
        assert done.returncode == 0, done.stdout[-2000:]
        assert (tmp_path / name).with_suffix(".pdf").stat().st_size > 1000


def test_png_is_written_when_cairosvg_is_installed(cli, tmp_path):
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: cairosvg without the cairo library
        pytest.skip(f"cairosvg cannot be used here: {exc}")
    path = tmp_path / "weights.png"
    result = cli("diagram", "--output", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_png_without_cairosvg_says_how_to_install_it(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "cairosvg", None)  # import fails as if not installed
    path = tmp_path / "weights.png"
    result = cli("diagram", "--output", str(path))
    assert result.exit_code == 2
    assert "PNG needs cairosvg (pip install 'nnstep[png]')" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not path.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--output", "diagram.pdf"], "expected a file name ending in .svg"),
        (["--row", "11"], "--row: expected a row number from 1 to 10, got 11"),
        (["--format", "csv"], "a diagram is table (text), json, svg or latex"),
    ],
)
def test_bad_requests_are_one_line(cli, tmp_path, args, message):
    args = [str(tmp_path / a) if a.endswith(".pdf") else a for a in args]
    result = cli("diagram", "--step", "forward", *args)
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def _wide_model(tmp_path, hidden=12):
    import numpy as np

    rng = np.random.default_rng(0)
    w1 = rng.normal(size=(2, hidden)).round(3).tolist()
    w2 = rng.normal(size=(hidden, 1)).round(3).tolist()
    path = tmp_path / "wide.yaml"
    path.write_text(
        f"layers: [2, {hidden}, 1]\nactivation: sigmoid\nlearning_rate: 0.5\n"
        f"weights:\n  - {w1}\n  - {w2}\nbiases:\n  - {[0.0] * hidden}\n  - [0.0]\n"
    )
    return path


def test_a_layer_of_more_than_8_nodes_is_drawn_without_numbers_and_says_so(cli, tmp_path):
    model = _wide_model(tmp_path)
    out = cli("diagram", "--model", str(model)).output
    assert "drawn without numbers" in out and "HL (12)" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    svg = tmp_path / "wide.svg"
    assert cli("diagram", "--model", str(model), "--output", str(svg)).exit_code == 0
    root = ET.parse(svg).getroot()
    widths = {float(line.get("stroke-width")) for line in root.iter(f"{SVG}line")}
    assert len(widths) > 5  # the width follows the weight
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "drawn without numbers" in texts and "0." not in texts.replace("0.0", "")


def test_eight_nodes_a_layer_still_carry_their_numbers(cli, tmp_path):
    out = cli("diagram", "--model", str(_wide_model(tmp_path, 8))).output
    assert "H₈" in out and "without numbers" not in out


def test_other_commands_do_not_import_the_diagram_or_page_modules():
    code = (
        "import sys; from click.testing import CliRunner; from nnstep.cli import main; "
        "CliRunner().invoke(main, ['forward']); "
        "print(sorted(m for m in ('nnstep.render.diagram', 'nnstep.render.page', 'cairosvg') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
