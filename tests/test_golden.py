"""Every number the lecture material prints, recomputed and rounded to its printed precision.

The golden files are transcriptions of the slides (fixtures/golden/FORMAT.md). A printed number
that the math does not give must be listed as an erratum; a listed erratum must still differ.
"""

from functools import cache
from pathlib import Path

import pytest

from nnstep.teach.golden import check_file

from .conftest import FIXTURES

GOLDEN_FILES = sorted((FIXTURES / "golden").glob("*.yaml"))


@cache
def checks_of(path: Path):
    return check_file(path)


def _line(c) -> str:
    e = c.entry
    return f"{e.where}: printed {e.show(e.printed)}, computed {e.show(c.computed, 2)}"


def test_golden_files_exist():
    names = {p.stem for p in GOLDEN_FILES}
    assert {"lecture", "two_neuron", "grid_search"} <= names


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: p.stem)
def test_printed_numbers_are_reproduced(path):
    _, checks = checks_of(path)
    wrong = [_line(c) for c in checks if c.entry.erratum is None and not c.reproduced]
    assert not wrong, "numbers not reproduced and not listed as errata:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: p.stem)
def test_listed_errata_still_differ(path):
    _, checks = checks_of(path)
    stale = [
        _line(c) + f" (erratum says {c.entry.erratum.computed})"
        for c in checks
        if c.entry.erratum is not None and not c.erratum_confirmed
    ]
    assert not stale, "errata that no longer differ, or whose computed value is not the math's:\n" + "\n".join(stale)


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: p.stem)
def test_every_entry_names_its_source(path):
    golden, _ = checks_of(path)
    assert golden.source.endswith(".txt")
    seeds = FIXTURES.parent.parent / "shared" / "seeds"
    if seeds.is_dir():
        assert (seeds / golden.source).is_file()
        for e in golden.entries:
            assert (seeds / (e.source or golden.source)).is_file(), e.where
    for e in golden.entries:
        assert e.where.strip() and e.decimals >= 0
        if e.erratum is not None:
            assert len(e.erratum.reason) > 10, e.where


def test_one_training_run_gives_the_numbers_of_step_after_step():
    """The Calculator trains once, keeping the epochs the golden file names; stepping the general
    path epoch by epoch (an independent loop here) gives the same numbers within 1e-12."""
    import numpy as np

    from nnstep import network
    from nnstep.files.load import lecture_file, load_data, load_model
    from nnstep.teach.golden import Calculator

    model, data = load_model(lecture_file("model.yaml")), load_data(lecture_file("data.yaml"))
    calc = Calculator(model, data, {1, 2, 37}, {0, 1, 36, 40})
    assert sorted(calc.steps) == [1, 2, 37] and sorted(calc.models) == [0, 1, 36, 40]
    m, steps, models = model, {}, {0: model}
    for epoch in range(1, 41):
        steps[epoch] = network.step(m, data.inputs, data.targets)
        m = models[epoch] = steps[epoch].updated
    for epoch, s in calc.steps.items():
        assert s.cost.sum == pytest.approx(steps[epoch].cost.sum, rel=1e-12)
        for a, b in zip(
            s.forward.activations + s.backward.bpes, steps[epoch].forward.activations + steps[epoch].backward.bpes
        ):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    for after, got in calc.models.items():
        for a, b in zip(got.weights + got.biases, models[after].weights + models[after].biases):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
