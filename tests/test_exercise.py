"""Exercises for a class: seeded variants whose numbers fit a hand calculation."""

import random
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnstep.files.load import lecture_file, load_model
from nnstep.teach import exercise

LECTURE = load_model(lecture_file("model.yaml"))


def test_the_stream_is_pythons_mersenne_twister_seeded_by_text():
    """The numbers depend on random.Random(str).random() alone, whose stream Python keeps stable:
    the first draw for seed 7, variant 1, try 0 is fixed here as written down once."""
    rng = random.Random("nnstep:7:1:0")
    assert exercise._tenths(rng, -10, 10, nonzero=True) == -0.3  # the first weight of variant 1 below
    v = exercise.variants(LECTURE, 4, 7, 1)[0]
    assert v.model.weights[0][0, 0] == -0.3


def test_the_same_seed_gives_the_same_variants_and_another_seed_others():
    a, b = exercise.variants(LECTURE, 4, 7, 3), exercise.variants(LECTURE, 4, 7, 3)
    for x, y in zip(a, b):
        assert all(np.array_equal(p, q) for p, q in zip(x.model.weights, y.model.weights))
        assert np.array_equal(x.data.inputs, y.data.inputs) and np.array_equal(x.data.targets, y.data.targets)
    c = exercise.variants(LECTURE, 4, 8, 1)[0]
    assert not np.array_equal(a[0].model.weights[0], c.model.weights[0])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), activation=st.sampled_from(["sigmoid", "tanh", "relu"]))
def test_every_variant_fits_a_hand_calculation(seed, activation):
    template = load_model(lecture_file("model.yaml"), {"activation": activation})
    vs = exercise.variants(template, 4, seed, 3)
    keys = set()
    for v in vs:
        m, d = v.model, v.data
        for w in (*m.weights, *m.biases):
            assert np.array_equal(np.round(w, 1), w) and (np.abs(w) <= 1).all()
        assert np.array_equal(np.round(d.inputs, 2), d.inputs)
        assert np.array_equal(np.round(d.targets, 2), d.targets)
        assert len(np.unique(d.targets)) > 1
        assert exercise.problems(m, d) == []
        keys.add(m.weights[0].tobytes() + d.inputs.tobytes())
    assert len(keys) == 3


def test_the_constraints_are_checked_independently():
    """Weights of 3.0 saturate a sigmoid node (0.99 and more on these inputs)."""
    v = exercise.variants(LECTURE, 4, 1, 1)[0]
    big = replace(v.model, weights=tuple(np.full_like(w, 3.0) for w in v.model.weights))
    assert any("saturated" in p for p in exercise.problems(big, v.data))


def test_a_network_nothing_fits_is_refused(monkeypatch):
    """40 inputs into tanh nodes saturate almost every draw; with 5 tries none fits."""
    template = replace(load_model(lecture_file("model.yaml"), {"activation": "tanh"}), layers=(40, 3, 1))
    monkeypatch.setattr(exercise, "MAX_TRIES", 5)
    with pytest.raises(exercise.NoFit, match="no numbers fit"):
        exercise.variants(template, 4, 1, 1)


def test_one_row_is_refused_at_once():
    """One row cannot have targets that differ: refused, not drawn until MAX_TRIES."""
    with pytest.raises(ValueError, match="at least 2"):
        exercise.variants(LECTURE, 1, 5, 1)
