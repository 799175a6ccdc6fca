"""Names of nodes and layers as the lecture writes them: IN1, H1, ON, HL; and number formatting.

One place decides how a node is called and how a number is shown, so that tables, JSON and the
golden-file checks agree. Numbers are rounded only here, for display, never in the core.
"""

from __future__ import annotations

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


def node_index(layers: tuple[int, ...]) -> dict[str, tuple[int, int]]:
    """Label -> (layer, position in layer), the inverse of node_label."""
    return {node_label(layers, l, j): (l, j) for l, n in enumerate(layers) for j in range(n)}


def fmt(value: float, decimals: int) -> str:
    """A number with a fixed number of decimals, as printed on a slide (no '-0.00')."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and text.strip("-0.") == "" else text


def fmt_significant(value: float, decimals: int, digits: int = 2) -> str:
    """Like fmt, but with more decimals when fewer than `digits` significant digits would show."""
    while decimals < 12 and value != 0 and abs(value) < 10 ** (digits - 1 - decimals):
        decimals += 1
    return fmt(value, decimals)
