"""Worked formulas: the slides' own lines for row 1, hand rounding, and any network size."""

from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnstep import network
from nnstep.dataset import Dataset
from nnstep.files.load import lecture_file, load_data, load_model
from nnstep.labels import Precision, node_label
from nnstep.network import Model
from nnstep.teach.golden import load_golden
from nnstep.worked.hand import exact_values, half_up, hand_values
from nnstep.worked.sheets import only, worked

from .conftest import FIXTURES


@cache
def lecture_sheets(step: str, round_to=None):
    model, data = load_model(lecture_file("model.yaml")), load_data(lecture_file("data.yaml"))
    p = Precision.slides() if round_to is None else Precision.uniform(round_to, trim_given=True)
    return tuple(worked(step, model, data, 1, p, round_to))


def line(step: str, cell: str, label: str, sheet: int = 0) -> str:
    """The 'substituted = result' line of one item, as the slides write it (the steps nnstep
    shows in between are checked in test_output_trust.py)."""
    items = [w for w in lecture_sheets(step)[sheet].items if w.cell == cell and w.label.startswith(label)]
    assert len(items) == 1, (step, cell, label)
    w = items[0]
    return f"{w.substituted_text()} {w.relation} {w.result_text}"


# (step, cell, item, sheet, the line as the slide prints it, erratum: (printed, right) or None).
# Two slide lines say '=' where their printed numbers give another result at the printed digits
# (0.18 * f'(-1.55) = 0.026; -0.2 - 0.5 * -0.003 * -0.97 = -0.201): nnstep prints them with '≈'
# and the exact value beside it.
SLIDES = [
    ("forward", "H1", "input sum", 0, "(-0.97 * -0.2) + (-0.80 * -0.4) + 0.1 = 0.614", None),
    ("forward", "H1", "activation", 0, "f(0.614) = 0.65", None),
    ("forward", "H2", "input sum", 0, "(-0.97 * 0.4) + (-0.80 * -0.7) + -0.2 = -0.026", ("-0.026", "-0.028")),
    ("forward", "H2", "activation", 0, "f(-0.026) = 0.49", ("-0.026", "-0.028")),
    ("forward", "H3", "input sum", 0, "(-0.97 * -1.0) + (-0.80 * -0.8) + 0.4 = 2.01", None),
    ("forward", "H3", "activation", 0, "f(2.01) = 0.88", None),
    ("forward", "ON", "input sum", 0, "(0.65 * -0.6) + (0.49 * -0.6) + (0.88 * -0.3) + -0.6 = -1.55", None),
    ("forward", "ON", "activation", 0, "f(-1.55) = 0.18", None),
    ("backprop", "ON", "error", 0, "0.18 - 0 = 0.18", None),
    ("backprop", "ON", "BPE", 0, "0.18 * f'(-1.55) ≈ 0.025", None),
    ("backprop", "H1", "error", 0, "0.025 * -0.6 = -0.015", None),
    ("backprop", "H2", "error", 0, "0.025 * -0.6 = -0.015", None),
    ("backprop", "H3", "error", 0, "0.025 * -0.3 = -0.008", None),
    ("backprop", "H1", "BPE", 0, "-0.015 * f'(0.614) = -0.003", None),
    ("backprop", "H2", "BPE", 0, "-0.015 * f'(-0.026) = -0.004", ("-0.026", "-0.028")),
    ("backprop", "H3", "BPE", 0, "-0.008 * f'(2.01) = -0.001", None),
    ("update", "H1->ON", "weight", 0, "-0.6 - 0.5 * 0.025 * 0.65 = -0.608", None),
    ("update", "H2->ON", "weight", 0, "-0.6 - 0.5 * 0.025 * 0.49 = -0.606", None),
    ("update", "ON", "bias", 0, "-0.6 - 0.5 * 0.025 = -0.613", None),
    ("update", "IN1->H1", "weight", 0, "-0.2 - 0.5 * -0.003 * -0.97 ≈ -0.202", None),
    ("update", "H1->ON", "weight", 1, "-0.608 - 0.5 * (0.024 * 0.65 + ... + 0.039 * 0.44) = -0.496", None),
    ("update", "H2->ON", "weight", 1, "-0.606 - 0.5 * (0.024 * 0.55 + ... + 0.039 * 0.49) = -0.506", None),
    ("update", "ON", "bias", 1, "-0.613 - 0.5 * (0.024 + ... + 0.039) = -0.327", None),
    (
        "update",
        "IN1->H1",
        "weight",
        1,
        "-0.202 - 0.5 * (-0.003 * -0.66 + ... + -0.006 * 1.04) = -0.230",
        ("-0.66", "-0.69"),
    ),
]


@pytest.mark.parametrize(
    "step, cell, label, sheet, slide, erratum", SLIDES, ids=lambda v: v if isinstance(v, str) else None
)
def test_show_work_gives_the_slides_worked_formulas(step, cell, label, sheet, slide, erratum):
    expected = slide if erratum is None else slide.replace(*erratum)
    assert line(step, cell, label, sheet) == expected


@cache
def lecture_golden():
    return load_golden(FIXTURES / "golden" / "lecture.yaml")


@pytest.mark.parametrize("printed, right", sorted({e for *_, e in SLIDES if e is not None}))
def test_every_differing_slide_line_is_a_listed_erratum(printed, right):
    golden = lecture_golden()
    listed = [e for e in golden.entries if e.erratum is not None and e.show(e.printed) == printed]
    assert listed and all(e.show(e.erratum.computed) == right for e in listed)


def test_the_slides_bias_of_h1_result():
    # the slide sums all 10 rows from 0.1; show-work continues from the row-1 step (0.102), same result
    assert line("update", "H1", "bias", 1) == "0.102 - 0.5 * (-0.003 + ... + -0.006) = 0.061"


def test_full_batch_equals_the_cores_update():
    model, data = load_model(lecture_file("model.yaml")), load_data(lecture_file("data.yaml"))
    s = network.step(model, data.inputs, data.targets)
    full = {w.cell: w.result for w in lecture_sheets("update")[1].items}
    assert full["IN2->H3"] == pytest.approx(s.updated.weights[0][1, 2], abs=1e-12)
    assert full["ON"] == pytest.approx(s.updated.biases[1][0], abs=1e-12)


def test_only_one_node_or_weight():
    sheets = lecture_sheets("update")
    assert {w.cell for s in only(sheets, "H1") for w in s.items} == {"IN1->H1", "IN2->H1", "H1"}
    assert {w.cell for s in only(sheets, "IN1→H1") for w in s.items} == {"IN1->H1"}
    assert {w.cell for s in only(sheets, "IN1-H1") for w in s.items} == {"IN1->H1"}
    assert only(sheets, "H9") == []


# Hand rounding ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, decimals, expected",
    [(-0.6125, 3, -0.613), (0.0125, 3, 0.013), (0.6138, 2, 0.61), (-0.02459, 3, -0.025), (2.5, 0, 3.0)],
)
def test_half_up_rounds_as_a_calculator_does(value, decimals, expected):
    assert float(half_up(decimals)(np.asarray(value))) == expected


def hand_line(round_to: int, step: str, cell: str, label: str, sheet: int = 0) -> str:
    items = [w for w in lecture_sheets(step, round_to)[sheet].items if w.cell == cell and w.label.startswith(label)]
    w = items[0]
    return w.worked() + (f" (hand-rounded; exact: {w.exact_text})" if w.exact_text else "")


@pytest.mark.parametrize(
    "round_to, step, cell, label, expected",
    [
        (
            3,
            "forward",
            "ON",
            "input sum",
            "(0.649 * -0.6) + (0.493 * -0.6) + (0.882 * -0.3) + -0.6 = -0.389 + -0.296 + -0.265 + -0.6 = -1.550",
        ),
        (3, "backprop", "ON", "BPE", "0.175 * 0.144 = 0.025"),
        (
            2,
            "forward",
            "ON",
            "input sum",
            "(0.65 * -0.6) + (0.49 * -0.6) + (0.88 * -0.3) + -0.6 = -0.39 + -0.29 + -0.26 + -0.6 = -1.54"
            " (hand-rounded; exact: -1.55)",
        ),
        (2, "backprop", "ON", "slope", "0.18 * (1 - 0.18) = 0.15 (hand-rounded; exact: 0.14)"),
        (2, "update", "ON", "bias", "-0.6 - 0.5 * 0.03 = -0.6 - 0.02 = -0.62 (hand-rounded; exact: -0.61)"),
    ],
)
def test_hand_rounding_shows_the_calculators_numbers_and_the_unrounded_result(round_to, step, cell, label, expected):
    assert hand_line(round_to, step, cell, label) == expected


def test_hand_rounding_at_three_decimals_still_gives_the_slides_updates():
    full = {w.cell: w for w in lecture_sheets("update", 3)[1].items}
    assert full["H1->ON"].result_text == "-0.496" and full["ON"].result_text == "-0.327"
    assert full["ON"].substituted_text() == "-0.613 - 0.5 * (0.024 + ... + 0.039)"


def random_network(layers, rows, seed):
    rng = np.random.default_rng(seed)
    model = Model(
        layers=tuple(layers),
        weights=tuple(rng.uniform(-1, 1, (a, b)) for a, b in zip(layers, layers[1:])),
        biases=tuple(rng.uniform(-1, 1, b) for b in layers[1:]),
        activations=("sigmoid",) * (len(layers) - 1),
        learning_rate=0.5,
    )
    x = rng.uniform(-2, 2, (rows, layers[0]))
    y = rng.integers(0, 2, (rows, layers[-1])).astype(float)
    names = tuple(f"X{i + 1}" for i in range(layers[0]))
    targets = tuple(f"Y{i + 1}" for i in range(layers[-1]))
    return model, Dataset(x, y, names, targets, frozenset())


@settings(max_examples=20, deadline=None)
@given(layers=st.lists(st.integers(1, 5), min_size=2, max_size=4), rows=st.integers(1, 6), seed=st.integers(0, 2**31))
def test_hand_rounding_with_many_decimals_is_the_core(layers, rows, seed):
    model, data = random_network(layers, rows, seed)
    exact = exact_values(model, data.inputs, data.targets)
    hand = hand_values(model, data.inputs, data.targets, half_up(11))
    for a, b in zip(exact.bpes + exact.activations, hand.bpes + hand.activations):
        np.testing.assert_allclose(a, b, atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(
    layers=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    rows=st.integers(1, 6),
    seed=st.integers(0, 2**31),
    round_to=st.sampled_from([None, 2]),
)
def test_work_for_any_network_size_fits_80_columns_and_matches_the_core(layers, rows, seed, round_to):
    model, data = random_network(layers, rows, seed)
    s = network.step(model, data.inputs, data.targets)
    p = Precision.slides() if round_to is None else Precision.uniform(round_to, trim_given=True)
    for step in ("forward", "backprop", "update"):
        sheets = worked(step, model, data, rows, p, round_to)
        assert all(len(text) <= 80 for sh in sheets for w in sh.items for text in w.text_lines(80))
    if round_to is None:
        # the full batch (the one-row step when there is one row) is the core's update, weight by weight
        full = {w.cell: w.result for w in worked("update", model, data, 1, p)[-1].items}
        for l, (w, b) in enumerate(zip(s.updated.weights, s.updated.biases)):
            for (i, j), value in np.ndenumerate(w):
                assert full[f"{node_label(model.layers, l, i)}->{node_label(model.layers, l + 1, j)}"] == pytest.approx(
                    value, abs=1e-12
                )
            for j, value in enumerate(b):
                assert full[node_label(model.layers, l + 1, j)] == pytest.approx(value, abs=1e-12)
