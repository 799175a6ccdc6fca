"""Names of nodes and layers as the lecture writes them: IN1, H1, ON, HL; and number formatting.

One place decides how a node is called and how a number is shown, so that tables, JSON and the
golden-file checks agree. Numbers are rounded only here, for display, never in the core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(label: str) -> str:
    """'H1' -> 'H₁', as the slides print node names."""
    return label.translate(_SUBSCRIPT)


def layer_label(layers: tuple[int, ...], layer: int) -> str:
    """IN for the input layer, ON for a single output node (else OL), HL (HL1, HL2, ...) for hidden."""
    if layer == 0:
        return "IN"
    if layer == len(layers) - 1:
        return "ON" if layers[-1] == 1 else "OL"
    return "HL" if len(layers) == 3 else f"HL{layer}"


def node_label(layers: tuple[int, ...], layer: int, j: int) -> str:
    """IN1, IN2 (inputs); H1, H2 (one hidden layer) or H1.1, H2.1 (several); ON or ON1, ON2."""
    if layer == 0:
        return f"IN{j + 1}"
    if layer == len(layers) - 1:
        return "ON" if layers[-1] == 1 else f"ON{j + 1}"
    return f"H{j + 1}" if len(layers) == 3 else f"H{layer}.{j + 1}"


def node_labels(layers: tuple[int, ...], layer: int) -> list[str]:
    return [node_label(layers, layer, j) for j in range(layers[layer])]


def weight_label(layers: tuple[int, ...], layer: int, i: int, j: int) -> str:
    """The weight from node i of layer `layer` to node j of the next, as a worksheet names it: IN1-H1."""
    return f"{node_label(layers, layer, i)}-{node_label(layers, layer + 1, j)}"


def node_index(layers: tuple[int, ...]) -> dict[str, tuple[int, int]]:
    """Label -> (layer, position in layer), the inverse of node_label."""
    return {node_label(layers, l, j): (l, j) for l, n in enumerate(layers) for j in range(n)}


def fmt(value: float, decimals: int) -> str:
    """A number with a fixed number of decimals, as printed on a slide (no '-0.00')."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and text.strip("-0.") == "" else text


def fewest_decimals(value: float) -> int:
    """The fewest decimals a worksheet answer must have: one, or two where the value rounds to 0
    at one (0.025 is 0.03, never 0.0). Two is the fewest the lecture prints for any cell, so a
    value that rounds to 0.00 may be written 0.00."""
    return 1 if round(abs(value), 1) != 0 else 2


def target_text(value: float, decimals: int) -> str:
    """A target as the slides print it: class labels as 0 and 1, other values with `decimals`."""
    return str(int(value)) if float(value).is_integer() else fmt(value, decimals)


def fmt_significant(value: float, decimals: int, digits: int = 2) -> str:
    """Like fmt, but with more decimals when fewer than `digits` significant digits would show."""
    while decimals < 12 and value != 0 and abs(value) < 10 ** (digits - 1 - decimals):
        decimals += 1
    return fmt(value, decimals)


def fmt_short(value: float, decimals: int) -> str:
    """Like fmt, without trailing zeros but with at least one decimal: -0.200 -> '-0.2', -1 -> '-1.0',
    as the slides print given values (weights, biases, the learning rate) inside a formula."""
    text = fmt(value, decimals)
    if "." in text:
        text = text.rstrip("0")
        text = text + "0" if text.endswith(".") else text
    return text


def fmt_digits(value: float, digits: int, max_decimals: int) -> str:
    """`digits` significant digits, but no more than `max_decimals` decimals and no fewer than none:
    the slides' input sums 0.614, -0.028, 2.01, -1.55 are fmt_digits(v, 3, 3)."""
    if value == 0 or not math.isfinite(value):
        return fmt(value, min(max_decimals, digits - 1))
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    return fmt(value, max(0, min(max_decimals, decimals)))


def fmt_significant_e(value: float | int, significant: int) -> str:
    """A number in e-notation with `significant` digits, as a program prints a large float:
    21**13 -> '1.544723777391195e17' (16 digits). Exact for Python integers of any size."""
    from decimal import Decimal

    text = format(Decimal(value), f".{significant - 1}e")
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{int(exponent)}"


@dataclass(frozen=True)
class Precision:
    """Decimals per kind of number. The defaults are the slides' (lecture-dataset.md, point 7).

    Inside a formula the slides print given values (weights, biases, the learning rate) without
    trailing zeros (`trim_given`) and input sums with 3 significant digits (`sum_digits`: "0.614",
    "2.01", "-1.55").
    """

    data: int = 2
    activation: int = 2
    output: int = 2
    cost: int = 2
    error_output: int = 2
    error_hidden: int = 3
    bpe: int = 3
    weight: int = 3
    trim_given: bool = True
    sum_digits: int | None = 3

    @classmethod
    def slides(cls, epoch: int = 1) -> Precision:
        """The 1,000 and 8,000 epoch slides print outputs and costs with 3 decimals."""
        return cls(output=3, cost=3) if epoch >= 1000 else cls()

    @classmethod
    def uniform(cls, decimals: int, trim_given: bool = False) -> Precision:
        d = decimals
        return cls(d, d, d, d, d, d, d, d, trim_given=trim_given, sum_digits=None)

    def given(self, value: float) -> str:
        """A weight, bias or learning rate inside a formula."""
        return fmt_short(value, self.weight) if self.trim_given else fmt(value, self.weight)

    def input_sum(self, value: float) -> str:
        """An input sum inside a formula."""
        return fmt(value, self.weight) if self.sum_digits is None else fmt_digits(value, self.sum_digits, self.weight)
