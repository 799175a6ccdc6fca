"""One home per lecture idea: the names click offers are exactly those the registries implement."""

import subprocess
import sys

import pytest

from nnstep import activations, costs, names, optimizers


def test_the_names_are_the_registries_keys_in_order():
    assert tuple(activations.ACTIVATIONS) == names.ACTIVATIONS
    assert tuple(costs.COSTS) == names.COSTS
    assert optimizers.NAMES == names.OPTIMIZERS


def test_the_names_module_imports_no_numpy():
    code = "import sys, nnstep.names; print('numpy' in sys.modules)"
    assert subprocess.check_output([sys.executable, "-c", code], text=True).strip() == "False"


@pytest.mark.parametrize(
    ("cost", "outputs", "within_0_1", "problem"),
    [
        ("half_squared_error", 1, False, None),
        ("binary_cross_entropy", 1, True, None),
        ("binary_cross_entropy", 1, False, "output activation must give values in (0, 1)"),
        ("categorical_cross_entropy", 1, True, "needs at least 2 output nodes"),
        ("categorical_cross_entropy", 3, True, None),
    ],
)
def test_a_cost_names_the_output_layers_it_cannot_work_on(cost, outputs, within_0_1, problem):
    found = costs.COSTS[cost].problem(outputs, within_0_1)
    assert found is None if problem is None else problem in found


def test_softmax_on_one_node_is_refused():
    assert "at least 2 nodes" in activations.ACTIVATIONS["softmax"].problem(1)
    assert activations.ACTIVATIONS["softmax"].problem(2) is None
