"""`nnstep verify`: the report, its summary, JSON and exit status."""

import json

import pytest
import yaml

from .conftest import FIXTURES

GOLDEN = sorted((FIXTURES / "golden").glob("*.yaml"))


def counts():
    """Entries and errata, counted straight from the golden files (independently of nnstep.teach.golden)."""
    entries = [e for p in GOLDEN for e in yaml.safe_load(p.read_text())["entries"]]
    return len(entries), sum(1 for e in entries if "erratum" in e)


def test_summary_counts_match_the_golden_files(cli):
    checked, errata = counts()
    result = cli.cached("verify")
    assert result.exit_code == 0
    assert (
        result.output.strip().splitlines()[-1]
        == f"{checked} numbers checked: {checked - errata} reproduced, {errata} slide errata"
    )
    assert result.output.strip().splitlines()[-1] == "324 numbers checked: 290 reproduced, 34 slide errata"


def test_report_lists_each_number_per_slide_with_a_mark_and_explains_errata(cli):
    out = cli.cached("verify").output
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "  ✓ input sum of H1, row 1                   0.614    0.61400" in lines
    assert "  ✗ dim(2) = 21^2                       411                     441" in lines
    assert "    Slide erratum: printed -0.026 where the math gives -0.028; arithmetic slip:" in lines
    assert "Printed, but no number of the example (not checked):" in lines


def test_errata_only_hides_the_reproduced_numbers(cli):
    out = cli.ok(
        "verify",
        "--errata-only",
        "--golden",
        str(FIXTURES / "golden" / "two_neuron.yaml"),
        "--golden",
        str(FIXTURES / "golden" / "grid_search.yaml"),
    )
    assert "  ✓ " not in out and "  ✗ dim(2) = 21^2" in out and "  ✗ dCost/dw H1->ON" in out
    assert out.strip().splitlines()[-1] == "43 numbers checked: 36 reproduced, 7 slide errata"


def test_json_has_the_documented_shape(cli):
    data = json.loads(cli.cached("verify", "--format", "json").stdout)
    checked, errata = counts()
    assert data["checked"] == checked and data["reproduced"] == checked - errata
    assert len(data["errata"]) == errata and data["mismatches"] == []
    for e in data["errata"]:
        assert set(e) == {"source", "where", "printed", "computed", "reason"}
    grid = [e for e in data["errata"] if e["printed"] == 411]
    assert {e["source"] for e in grid} == {"001_a29cdb52f119cc34.txt", "000_cb022c9c48aee6dd.txt"}
    assert all(e["computed"] == 441 for e in grid)


SMALL = """source: 002_e68551d982987509.txt
example: lecture
entries:
  - where: "Step 3 a) (2/5)"
    quantity: input_sum
    node: "H1"
    row: 1
    printed: 0.614
    decimals: 3
  - where: "a number nnstep does not reproduce"
    quantity: input_sum
    node: "H1"
    row: 1
    printed: 0.615
    decimals: 3
  - where: "an erratum that is none"
    quantity: activation
    node: "H1"
    row: 1
    printed: 0.65
    decimals: 2
    erratum:
      computed: 0.6489
      reason: "listed by mistake: the slide is right"
"""


def test_an_unexplained_difference_is_a_mismatch_and_exit_status_1(cli, tmp_path):
    (tmp_path / "small.yaml").write_text(SMALL)
    result = cli("verify", "--golden", tmp_path / "small.yaml", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["checked"] == 3 and data["reproduced"] == 1 and data["errata"] == []
    assert [m["printed"] for m in data["mismatches"]] == [0.615, 0.65]
    assert "now reproduces" in data["mismatches"][1]["reason"]
    text = cli("verify", "--golden", tmp_path / "small.yaml")
    assert (
        text.exit_code == 1
        and text.output.strip().splitlines()[-1] == "3 numbers checked: 1 reproduced, 0 slide errata, 2 mismatches"
    )


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("source: x.txt\nexample: lecture\n", "entries: missing key"),
        ("source: x.txt\nexample: lecture\nentries:\n  - where: w\n    quantity: volume\n", "entries[0].quantity"),
        (
            "source: x.txt\nexample: lecture\nentries:\n  - where: w\n    quantity: grid_count\n    printed: 1\n    decimals: 0\n",
            "entries[0].dimensions: missing key",
        ),
        ("source: x.txt\nexample: nowhere\nentries: []\n", "example"),
        (
            "source: x.txt\nexample: none\nentries:\n  - where: w\n    quantity: grid_count\n    dimensions: two\n"
            "    printed: 1\n    decimals: 0\n",
            "entries[0].dimensions: expected a whole number from 0",
        ),
        (
            "source: x.txt\nexample: lecture\nentries:\n  - where: w\n    quantity: bpe\n    node: H9\n    row: 1\n"
            "    printed: 1\n    decimals: 0\n",
            "entries[0]: no node 'H9'",
        ),
        (
            "source: x.txt\nexample: lecture\nentries:\n  - where: w\n    quantity: bpe\n    node: H1\n    row: 99\n"
            "    printed: 1\n    decimals: 0\n",
            "entries[0]: no such row",
        ),
    ],
)
def test_a_bad_golden_file_is_a_one_line_error(cli, tmp_path, text, fragment):
    (tmp_path / "bad.yaml").write_text(text)
    line = cli.input_error("verify", "--golden", tmp_path / "bad.yaml")
    assert line.startswith(f"Error: {tmp_path / 'bad.yaml'}: ") and fragment in line, line
