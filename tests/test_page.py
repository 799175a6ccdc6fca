"""nnstep page: one self-contained HTML file (checked here as text; tests/test_page_browser.py
clicks through it in a real browser)."""

import json
import re
from html.parser import HTMLParser

import pytest


@pytest.fixture(scope="module")
def lecture_page(cli, tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "lecture.html"
    result = cli("page", "--output", str(path))
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8")


class _Links(HTMLParser):
    """Every attribute that could make the browser fetch something."""

    def __init__(self):
        super().__init__()
        self.fetches: list[tuple[str, str, str]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "poster", "action", "xlink:href") and value:
                self.fetches.append((tag, name, value))


def test_the_page_needs_nothing_from_the_network(lecture_page):
    parser = _Links()
    parser.feed(lecture_page)
    assert {value for _, _, value in parser.fetches} <= {
        "#weights",
        "#forward",
        "#backprop",
        "#update",
        "#epoch-1",
        "#epoch-10",
        "#epoch-100",
        "#epoch-1000",
        "#epoch-8000",
    }
    assert not parser.tags & {"link", "img", "iframe", "object", "embed"}
    assert re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", lecture_page) is None
    assert "@import" not in lecture_page and "url(" not in lecture_page and "fetch(" not in lecture_page


def test_every_step_has_its_section_diagram_and_formulas(lecture_page):
    steps = re.findall(r'<section class="step" data-step="([\w-]+)"', lecture_page)
    assert steps == [
        "weights",
        "forward",
        "backprop",
        "update",
        "epoch-1",
        "epoch-10",
        "epoch-100",
        "epoch-1000",
        "epoch-8000",
    ]
    assert lecture_page.count("<svg") == len(steps)
    # the slides' worked formula for H1 (Step 3 a), 2/5) and the full-batch update of IN1 -> H1 (129)
    # (the sections show them as MathML, the data for each cell as text lines)
    assert "(-0.97 * -0.2) + (-0.80 * -0.4) + 0.1" in lecture_page and "<mn>0.614</mn>" in lecture_page
    # the slide's "= -0.202" does not follow from the printed -0.003: nnstep says ≈ (test_output_trust.py)
    assert "-0.2 - 0.5 * -0.003 * -0.97 ≈ -0.202" in lecture_page


def test_the_data_is_json_with_the_worked_formulas_per_cell(lecture_page):
    raw = re.search(r'<script type="application/json" id="nnstep-data">(.*?)</script>', lecture_page, re.S).group(1)
    data = json.loads(raw)
    ids = [s["id"] for s in data["steps"]]
    forward = data["steps"][ids.index("forward")]["cells"]
    assert any(line.endswith("= 0.614") for item in forward["H1"] for line in item["lines"])
    update = data["steps"][ids.index("update")]["cells"]["IN1->H1"]
    full = [item for item in update if item["label"].endswith("full batch")]
    assert len(full) == 1 and any(line.endswith("= -0.230") for line in full[0]["lines"])
    after_10 = data["steps"][ids.index("epoch-10")]["cells"]["IN1->H1"]
    assert any("= -0.415" in line for item in after_10 for line in item["lines"])  # slide 138, After 10 epochs


def test_snapshots_none_and_json(cli):
    payload = json.loads(cli("page", "--snapshots", "none", "--format", "json", "--row", "9").output)
    assert [s["id"] for s in payload["steps"]] == ["weights", "forward", "backprop", "update"]
    assert payload["row"] == 9


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "--output: expected a file name ending in .html"),
        (["--output", "x.svg"], "--output: expected a file name ending in .html"),
        (["--row", "0"], "--row"),
        (["--snapshots", "x"], "expected epoch numbers"),
    ],
)
def test_bad_requests(cli, args, message):
    result = cli("page", *args)
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize(
    "conventions",
    [
        {"regularization": "l2", "lambda_": 0.25},
        {"regularization": "l1", "lambda_": 0.25, "reduction": "mean"},
        {"regularization": "l2", "lambda_": 0.25, "reduction": "mean", "regularize_biases": True},
    ],
)
def test_the_gradient_formulas_give_their_numbers_with_a_penalty(conventions):
    """Step 5 on the page: every gradient's '=' holds at its digits, the penalty's term included."""
    from dataclasses import replace

    from nnstep.files.load import lecture_file, load_data, load_model
    from nnstep.network import step
    from nnstep.render.page import gradient_sheet
    from nnstep.render.tables import precision_for
    from nnstep.worked.formula import evaluate, rounds_to

    model = replace(load_model(lecture_file("model.yaml")), **conventions)
    data = load_data(lecture_file("data.yaml"))
    sheet = gradient_sheet(model, data, step(model, data.inputs, data.targets), precision_for(None))
    assert sheet.items
    for w in sheet.items:  # the elided sum is the total its `sum =` line shows
        value = evaluate(w.substituted, dots=float(w.terms_total_text))
        assert value is not None and rounds_to(value, w.result_text), w.text_lines()
    weight = next(w for w in sheet.items if w.cell == "H1->ON")
    assert "λ" in weight.formula_text()
    # the slides' w_H1->ON = -0.6: the penalty's term shows it
    assert "-0.6" in weight.substituted_text()


def test_a_gradients_sum_of_rounded_terms_is_marked_approximate_where_it_must_be():
    """H1 -> ON over the lecture's 10 rows: the terms as shown add to -0.206, the sum is -0.207."""
    import nnstep
    from nnstep import network
    from nnstep.render import page as pg
    from nnstep.render.tables import precision_for

    net = nnstep.lecture()
    s = network.step(net.model, net.data.inputs, net.data.targets)
    sheet = pg.gradient_sheet(net.model, net.data, s, precision_for(None))
    (w,) = [w for w in sheet.items if w.cell == "H1->ON"]
    text = " ".join(w.text_lines(width=100))
    assert "+ 0.039 * 0.44 ≈ -0.207  (exact: -0.20723)" in text
