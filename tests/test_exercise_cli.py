"""nnstep exercise: the files of each variant, byte for byte reproducible, keys that check marks
right, a printable sheet that compiles, and check's class summary over several sheets."""

import csv
import io
import json
import math
import shutil
import subprocess

import pytest
import yaml

FILES = ["data.yaml", "key.csv", "key.md", "model.yaml", "worksheet.csv", "worksheet.md", "worksheet.tex"]


def write(cli, tmp_path, name, *args):
    out = tmp_path / name
    result = cli("exercise", "--output", out, *args)
    assert result.exit_code == 0, result.output
    return out


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def answers(path):
    return {(r["quantity"], r["node"], r["row"]): r["answer"] for r in read_csv(path)}


def write_csv(path, rows):
    buffer = io.StringIO()
    w = csv.DictWriter(buffer, fieldnames=["quantity", "node", "row", "answer"], lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


# the files ----------------------------------------------------------------------------------


def test_one_variant_writes_every_file_into_the_folder(cli, tmp_path):
    out = write(cli, tmp_path, "ex", "--seed", 7)
    assert sorted(p.name for p in out.iterdir()) == FILES
    sheet = read_csv(out / "worksheet.csv")
    assert sheet and all(r["answer"] == "" for r in sheet)
    key = read_csv(out / "key.csv")
    assert [(r["quantity"], r["node"], r["row"]) for r in key] == [(r["quantity"], r["node"], r["row"]) for r in sheet]
    assert all(r["answer"] for r in key)
    assert "nnstep exercise --seed 7 --layers 2,3,1 --rows 4" in (out / "model.yaml").read_text()


def test_variants_go_into_zero_padded_folders(cli, tmp_path):
    out = write(cli, tmp_path, "class", "--seed", 7, "--variants", 3)
    assert sorted(p.name for p in out.iterdir()) == ["01", "02", "03"]
    assert all(sorted(p.name for p in (out / d).iterdir()) == FILES for d in ("01", "02", "03"))
    models = {(out / d / "model.yaml").read_text() for d in ("01", "02", "03")}
    assert len(models) == 3


@pytest.mark.parametrize(
    "options",
    [
        ["--seed", 7, "--variants", 2],
        ["--seed", 11, "--activation", "tanh", "--rows", 3, "--decimals", 4],
        ["--seed", 5, "--layers", "2,2,2", "--activation", "sigmoid,softmax", "--cost", "categorical_cross_entropy"],
    ],
)
def test_the_same_seed_and_options_give_the_same_bytes(cli, tmp_path, options):
    a, b = write(cli, tmp_path, "a", *options), write(cli, tmp_path, "b", *options)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_another_seed_gives_other_numbers(cli, tmp_path):
    a, b = write(cli, tmp_path, "a", "--seed", 1), write(cli, tmp_path, "b", "--seed", 2)
    assert (a / "model.yaml").read_text() != (b / "model.yaml").read_text()


def test_the_numbers_are_the_draw_of_the_documented_stream(cli, tmp_path):
    """The first weight of seed 7, variant 1, is the first draw of random.Random('nnstep:7:1:0')
    mapped to tenths from -1.0 to 1.0 (tests/test_exercise.py fixes it as -0.3)."""
    out = write(cli, tmp_path, "ex", "--seed", 7)
    model = yaml.safe_load((out / "model.yaml").read_text())
    assert model["weights"][0][0][0] == -0.3


# the keys -----------------------------------------------------------------------------------


CONVENTIONS = [
    [],
    ["--activation", "tanh"],
    ["--activation", "relu", "--rows", 3],
    ["--cost", "squared_error", "--reduction", "mean"],
    ["--layers", "2,2,2", "--activation", "sigmoid,softmax", "--cost", "categorical_cross_entropy"],
    ["--layers", "3,2,1", "--freeze-biases", "--learning-rate", 0.1],
    ["--update", "online"],
    ["--layer-updates", "sequential"],
    ["--regularization", "l2", "--lambda", 0.1],
    ["--regularization", "l1", "--lambda", 0.05, "--regularize-biases", "--reduction", "mean"],
    ["--decimals", 4],
    ["--decimals", 2],
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("options", CONVENTIONS, ids=lambda o: " ".join(map(str, o)) or "lecture")
def test_check_marks_every_cell_of_the_key_right(cli, tmp_path, seed, options):
    out = write(cli, tmp_path, "ex", "--seed", seed, *options)
    result = cli(
        "check", out / "key.csv", "--model", out / "model.yaml", "--data", out / "data.yaml", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    n = len(read_csv(out / "key.csv"))
    assert report["summary"] == {"correct": n, "follows": 0, "wrong": 0, "blank": 0}


def test_the_key_is_at_the_sheets_precision(cli, tmp_path):
    out = write(cli, tmp_path, "ex", "--seed", 4)
    for (q, _, _), a in answers(out / "key.csv").items():
        assert len(a.split(".")[1]) == (2 if q == "activation" else 3), (q, a)
    out4 = write(cli, tmp_path, "ex4", "--seed", 4, "--decimals", 4)
    assert all(len(a.split(".")[1]) == 4 for a in answers(out4 / "key.csv").values())


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


def test_key_cells_against_an_independent_computation(cli, tmp_path):
    """A few cells recomputed here with plain math from model.yaml and data.yaml."""
    out = write(cli, tmp_path, "ex", "--seed", 9)
    m = yaml.safe_load((out / "model.yaml").read_text())
    d = yaml.safe_load((out / "data.yaml").read_text())
    w1, w2 = m["weights"]
    b1, b2 = m["biases"]
    key = answers(out / "key.csv")

    def forward(x):
        z = [x[0] * w1[0][j] + x[1] * w1[1][j] + b1[j] for j in range(3)]
        a = [_sigmoid(v) for v in z]
        zo = sum(a[j] * w2[j][0] for j in range(3)) + b2[0]
        return z, a, zo, _sigmoid(zo)

    rows = d["rows"]
    z, a, zo, yhat = forward(rows[0][:2])
    y = rows[0][2]
    assert key[("input_sum", "H1", "1")] == f"{z[0]:.3f}"
    assert key[("activation", "ON", "1")] == f"{yhat:.2f}"
    error = yhat - y
    assert key[("error", "ON", "1")] == f"{error:.3f}"
    bpe_on = error * yhat * (1 - yhat)
    assert key[("weight_one_row", "H2-ON", "1")] == f"{w2[1][0] - 0.5 * bpe_on * a[1]:.3f}"
    # dCost/dw for IN1 -> H1, summed over the rows, and the weight after the full-batch update
    g = 0.0
    for r in rows:
        z, a, zo, yhat = forward(r[:2])
        bpe_o = (yhat - r[2]) * yhat * (1 - yhat)
        g += bpe_o * w2[0][0] * a[0] * (1 - a[0]) * r[0]
    assert key[("gradient_weight", "IN1-H1", "")] == f"{g:.3f}"
    assert key[("weight", "IN1-H1", "")] == f"{w1[0][0] - 0.5 * g:.3f}"


def test_with_a_penalty_the_worked_update_ends_at_the_keys_weights(cli, tmp_path):
    out = write(cli, tmp_path, "ex", "--seed", 3, "--regularization", "l2", "--lambda", 0.1)
    key, text = answers(out / "key.csv"), (out / "key.md").read_text()
    penalty = text[text.index("the penalty's step") :]
    for weight in ("IN1-H1", "H2-ON"):
        # the worked formulas are display mathematics: the block of this weight ends at its result
        source, target = weight.split("-")
        lhs = rf"w_{{\mathrm{{{source}}} \rightarrow \mathrm{{{target}}}}} &="
        block = penalty[penalty.index(lhs) :].split(r"\end{aligned}")[0]
        assert block.rstrip().splitlines()[-1].endswith(f"= {key[('weight', weight, '')]}")


def test_the_key_shows_its_worked_formulas(cli, tmp_path):
    out = write(cli, tmp_path, "ex", "--seed", 7)
    text = (out / "key.md").read_text()
    for title in ("Step 3: Forward pass, row 1", "Step 5: Backpropagation, row 4", "one-row step of row 1"):
        assert title in text
    assert "Step 6: The gradients over all 4 rows" in text and "full batch over all 4 rows" in text
    key = answers(out / "key.csv")
    h1 = key[("input_sum", "H1", "1")]
    assert f"= {h1}" in text
    # the answers in the slides' tables: row 1 of Steps 3-4, and the updated weight IN1 -> H1
    row1 = next(line for line in text.splitlines() if line.startswith("| 1 |"))
    assert f"| {h1} | {key[('activation', 'H1', '1')]} |" in row1
    w = next(line for line in text.splitlines() if line.startswith("| w IN1 → H1 |"))
    assert w.endswith(f"| {key[('gradient_weight', 'IN1-H1', '')]} | {key[('weight', 'IN1-H1', '')]} |")


# the printable sheets -----------------------------------------------------------------------


def test_the_printable_sheets_have_a_blank_box_per_answer(cli, tmp_path):
    out = write(cli, tmp_path, "ex", "--seed", 7)
    tex = (out / "worksheet.tex").read_text()
    assert r"\usepackage[a4paper,landscape" in tex
    assert tex.count(r"\answerbox") - 1 == len(read_csv(out / "worksheet.csv"))  # one is its definition
    md = (out / "worksheet.md").read_text()
    assert "**Steps 3-4: Forward pass and cost**" in md and "**Step 5: Backpropagation**" in md
    assert "nnstep check worksheet.csv" in md


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine installed")
@pytest.mark.parametrize("options", [["--seed", 7], ["--seed", 2, "--layers", "3,4,2", "--rows", 6]])
def test_the_latex_sheet_compiles_to_a4(cli, tmp_path, options):
    out = write(cli, tmp_path, "ex", *options)
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "worksheet.tex"],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert (out / "worksheet.pdf").exists()
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "worksheet.pdf"], cwd=out, capture_output=True, text=True).stdout
        assert "(A4)" in info


# writing safely -----------------------------------------------------------------------------


def test_a_folder_that_is_not_empty_is_refused_unless_forced(cli, tmp_path):
    out = write(cli, tmp_path, "ex", "--seed", 7)
    (out / "notes.txt").write_text("mine")
    result = cli("exercise", "--seed", 8, "--output", out)
    assert result.exit_code == 2
    assert "is not empty" in result.output and len(result.output.strip().splitlines()) == 1
    assert "--seed 7" in (out / "model.yaml").read_text()
    forced = cli("exercise", "--seed", 8, "--output", out, "--force")
    assert forced.exit_code == 0
    assert "--seed 8" in (out / "model.yaml").read_text() and (out / "notes.txt").read_text() == "mine"


def test_an_empty_folder_is_filled(cli, tmp_path):
    (tmp_path / "ex").mkdir()
    write(cli, tmp_path, "ex", "--seed", 7)
    assert sorted(p.name for p in (tmp_path / "ex").iterdir()) == FILES
    assert [p.name for p in tmp_path.iterdir()] == ["ex"]  # no staging folder left behind


@pytest.mark.parametrize(
    "args, text",
    [
        (["--layers", "2"], "--layers"),
        (["--layers", "2,x,1"], "--layers"),
        (["--activation", "step"], "--activation: step has no derivative"),
        (["--activation", "sigmoid,sigmoid,sigmoid"], "--activation"),
        (["--output", "no/such/dir"], "no such directory"),
    ],
)
def test_bad_options_are_one_line(cli, tmp_path, args, text):
    result = cli("exercise", "--seed", "1", *args)
    assert result.exit_code == 2, result.output
    assert text in result.output and "Traceback" not in result.output


def test_without_output_the_variants_are_shown_and_nothing_is_written(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("exercise", "--seed", 7, "--format", "json")
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["variants"][0]["folder"] is None
    assert payload["variants"][0]["model"]["weights"][0][0][0] == -0.3
    table = cli("exercise", "--seed", 7)
    assert "Nothing written" in table.output and "-0.3" in table.output
    assert list(tmp_path.iterdir()) == []


# a class at once ----------------------------------------------------------------------------


def _class(cli, tmp_path):
    """Three students' sheets: one all right; one with the output error's sign flipped in every
    row (the rest right); one with row 1's cost doubled, Σ worked from it, and 5 cells blank."""
    out = write(cli, tmp_path, "class", "--seed", 21, "--variants", 3)
    rows = {d: read_csv(out / d / "key.csv") for d in ("01", "02", "03")}
    write_csv(out / "01" / "mine.csv", rows["01"])
    for r in rows["02"]:
        if r["quantity"] == "error" and r["node"] == "ON":
            r["answer"] = r["answer"][1:] if r["answer"].startswith("-") else "-" + r["answer"]
    write_csv(out / "02" / "mine.csv", rows["02"])
    costs = [r for r in rows["03"] if r["quantity"] == "cost"]
    doubled = 2 * float(costs[0]["answer"])
    costs[0]["answer"] = f"{doubled:.3f}"
    total = sum(float(r["answer"]) for r in costs)
    for r in rows["03"]:
        if r["quantity"] == "cost_sum":
            r["answer"] = f"{total:.3f}"
        if r["quantity"] == "cost_mean":
            r["answer"] = f"{total / 4:.3f}"
    blanks = [r for r in rows["03"] if r["quantity"] == "gradient_bias"]
    for r in blanks:
        r["answer"] = ""
    write_csv(out / "03" / "mine.csv", rows["03"])
    return out, len(rows["01"]), len(blanks)


def test_the_class_summary_counts_each_quantity(cli, tmp_path):
    out, n, blanks = _class(cli, tmp_path)
    sheets = [out / d / "mine.csv" for d in ("01", "02", "03")]
    result = cli("check", *sheets, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [s["summary"]["wrong"] > 0 for s in report["sheets"]] == [False, True, True]
    klass = report["class"]
    assert klass["sheets"] == 3 and klass["sheets_with_a_wrong_cell"] == 2
    per = {q["quantity"]: q for q in klass["quantities"]}
    assert per["error"]["wrong"] == 4 and per["error"]["diagnosis"] == "sign" and per["error"]["diagnosis_cells"] == 4
    assert per["error"]["correct"] == 3 * 4 * 4 - 4  # 4 nodes, 4 rows, 3 sheets
    assert per["cost"]["wrong"] == 1 and per["cost"]["diagnosis"] == "factor_2"
    assert per["cost_sum"]["follows"] == 1 and per["cost_mean"]["follows"] == 1
    assert per["gradient_bias"]["blank"] == blanks
    assert per["bpe"] == {
        "step": "backprop",
        "quantity": "bpe",
        "correct": 48,
        "follows": 0,
        "wrong": 0,
        "blank": 0,
        "diagnosis": None,
        "diagnosis_cells": 0,
    }
    assert klass["totals"] == {"correct": 3 * n - 4 - 3 - blanks, "follows": 2, "wrong": 5, "blank": blanks}
    assert [(d["diagnosis"], d["cells"], d["sheets"]) for d in klass["diagnoses"]] == [
        ("sign", 4, 1),
        ("factor_2", 1, 1),
    ]


def test_the_class_summary_as_a_table_and_as_csv(cli, tmp_path):
    out, _, _ = _class(cli, tmp_path)
    sheets = [out / d / "mine.csv" for d in ("01", "02", "03")]
    table = cli("check", *sheets, "--summary")
    assert table.exit_code == 1
    assert "Class: 3 sheets" in table.output and "Class: the most frequent mistakes" in table.output
    assert "error ON, row 1" in table.output and "✓ right" in table.output
    assert all(len(line) <= 80 for line in table.output.splitlines())
    assert "Steps 3-4" not in table.output  # --summary: no sheet's own tables
    # CSV holds one table each: the sheets, the cells per step and quantity, the mistakes
    rows = [
        row
        for n in (1, 2, 3)
        for row in csv.reader(io.StringIO(cli("check", *sheets, "--summary", "--format", "csv", "--table", n).stdout))
    ]
    assert ["Step", "Quantity", "right", "follows", "wrong", "blank", "most often"] in rows
    assert ["backprop", "error", "44", "0", "4", "0", "sign (4)"] in rows
    assert ["sign", "4", "1", "error"] in rows
    sheet_rows = [r for r in rows if r and r[0].endswith("mine.csv")]
    assert [r[3] for r in sheet_rows] == ["0", "4", "1"]  # the wrong cells of each sheet
    assert sheet_rows[1][-1] == "error ON, row 1 [sign]" and sheet_rows[2][-1] == "cost, row 1 [factor_2]"
    full = cli("check", *sheets)
    assert "Steps 3-4: Forward pass and cost" in full.output and "Class: 3 sheets" in full.output


def test_one_model_for_every_sheet(cli, tmp_path):
    """--model/--data mark every sheet against one network: the keys of other variants are wrong."""
    out, _, _ = _class(cli, tmp_path)
    keys = [out / d / "key.csv" for d in ("01", "02")]
    own = json.loads(cli("check", *keys, "--format", "json").output)
    assert own["class"]["totals"]["wrong"] == 0
    shared = cli("check", *keys, "--model", out / "01" / "model.yaml", "--data", out / "01" / "data.yaml")
    assert shared.exit_code == 1


def test_a_sheet_beside_its_model_needs_no_options(cli, tmp_path):
    out = write(cli, tmp_path, "ex", "--seed", 7)
    result = cli("check", out / "key.csv")
    assert result.exit_code == 0, result.output


def test_ten_variants_are_numbered_01_to_10(cli, tmp_path):
    out = write(cli, tmp_path, "class", "--seed", 1, "--variants", 10, "--rows", 2)
    assert sorted(p.name for p in out.iterdir()) == [f"{k:02d}" for k in range(1, 11)]


def test_an_interrupted_write_leaves_nothing_behind(tmp_path, monkeypatch):
    """The folder appears in one rename: a failure while its files are written leaves no folder
    and no staging folder."""
    from pathlib import Path

    from nnstep.files import folder

    real = Path.write_text
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(folder.InputError, match="cannot be written"):
        folder.write_folder(tmp_path / "ex", {"a.txt": "1", "b.txt": "2", "c.txt": "3"})
    assert list(tmp_path.iterdir()) == []


def test_one_row_is_refused_at_once(cli):
    result = cli(*["exercise", "--seed", "5", "--rows", "1"])
    assert result.exit_code == 2 and "--rows" in result.output and "2<=x<=20" in result.output
